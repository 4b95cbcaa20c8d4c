// Memory planner and traffic accounting over a plan's groups (in execution order).
#pragma once

#include "triton_metal/graph.h"

namespace tmetal::graph {

// Buffer reuse by liveness: each intermediate (a group output that is not a graph output) lives from
// the group writing it to the last group reading it or any view of it; a freed buffer is reused by the
// next intermediate that fits (best fit, else the largest free buffer grows). Views share their root's
// buffer. Inputs, weights and outputs keep their own buffers.
MemoryPlan plan_memory(const Graph& graph, const std::vector<FusedGroup>& groups, const std::map<std::string, TensorView>& views);

// Device-memory bytes moved, counting each kernel reading its inputs and writing its outputs once:
// fused = the plan's kernels; unfused = every node of `unfused_graph` as its own kernel (reshape
// excepted); minimum = every graph input, weight and output touched once.
TrafficReport account_traffic(const Graph& unfused_graph, const Graph& graph, const std::vector<FusedGroup>& groups,
                              const std::map<std::string, TensorView>& views);

int64_t tensor_bytes(const Tensor& t);

}  // namespace tmetal::graph
