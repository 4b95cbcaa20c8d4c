// Memory layout manager: decides per tensor its storage (materialized row-major buffer, or a strided
// view of another buffer so no conversion kernel runs) and the access layout its consumers want on this
// target (tiled matmul operands, blocked SIMD-friendly vectors, coalesced rows for reductions, 2-D tiles
// for implicit-GEMM convolution), each decision with its reason.
#pragma once

#include "triton_metal/graph.h"

#include <set>

namespace tmetal::graph {

struct LayoutResult {
  std::vector<LayoutDecision> decisions;
  std::map<std::string, TensorView> views;
  std::set<size_t> view_nodes;  // nodes whose output is a view (no kernel)
  int conversions = 0;
};

LayoutResult plan_layouts(const Graph& graph, const GraphTarget& target);
// The strided view of `shape` reshaped to `to` without copying, if one exists (numpy's rule).
std::optional<TensorView> reshape_view(const TensorView& from, const Shape& to);

}  // namespace tmetal::graph
