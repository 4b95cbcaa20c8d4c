// The axis row-wise ops work along (see row_view.h).
#include "row_view.h"

#include <fmt/core.h>

namespace tmetal::graph {

int64_t row_axis(const Node& node, const Shape& input) {
  auto rank = static_cast<int64_t>(input.size());
  int64_t axis = rank - 1;
  if (node.op == "softmax" || node.op == "log_softmax") axis = node.attrs.value("axis", int64_t{-1});
  if (node.op.rfind("reduce_", 0) == 0) {
    auto axes = node.attrs.value("axes", std::vector<int64_t>{-1});
    if (axes.size() != 1)
      throw GraphError(fmt::format("kernel generator: {} '{}' reduces {} axes; row kernels reduce one", node.op, node.name, axes.size()));
    axis = axes[0];
  }
  return axis < 0 ? axis + rank : axis;
}

}  // namespace tmetal::graph
