// Iterates the 1-D lines of a tensor along one axis (outer x axis x inner decomposition), the shape
// every row-wise op (softmax, norms, reductions, rope) works on.
#pragma once

#include "triton_metal/graph.h"

namespace tmetal::graph {

struct RowView {
  int64_t outer = 1, len = 1, inner = 1;
  RowView(const Shape& shape, int64_t axis) {
    for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
      if (d < axis) outer *= shape[d];
      else if (d == axis) len = shape[d];
      else inner *= shape[d];
    }
  }
  int64_t rows() const { return outer * inner; }
  // flat index of element i of row r
  int64_t index(int64_t r, int64_t i) const { return (r / inner) * len * inner + i * inner + r % inner; }
};

// The axis a row-wise op works along: softmax/log_softmax `axis`, the one reduced axis of reduce_*,
// the last axis for the norms. Throws GraphError for a reduction over several axes.
int64_t row_axis(const Node& node, const Shape& input);

}  // namespace tmetal::graph
