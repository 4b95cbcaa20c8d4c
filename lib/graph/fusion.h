// Fusion: partitions the (optimized, laid-out) graph into kernel groups. Declarative patterns first
// (fusion_patterns.h; gated by min_generation and predicates, refusals reported), then generic fusion:
// elementwise ops join their producer's group as an epilogue, row reductions absorb the elementwise
// chain before them, views launch nothing. An intermediate read outside its group stays a group output.
#pragma once

#include "layout.h"

namespace tmetal::graph {

struct FusionResult {
  std::vector<FusedGroup> groups;  // in a valid execution order
  std::vector<FusionDecision> decisions;
};

FusionResult fuse_graph(const Graph& graph, const GraphTarget& target, const LayoutResult& layout, bool enable);
// Fills each group's kernel_template and params (kernel_binding.cpp).
void bind_kernel(FusedGroup& group, const Graph& graph, const GraphTarget& target, const LayoutResult& layout);

}  // namespace tmetal::graph
