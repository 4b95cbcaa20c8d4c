// Index arithmetic shared by the op families: row-major strides, numpy broadcasting, and mapping an
// output index back to a broadcast input's index.
#pragma once

#include "triton_metal/graph.h"

#include <optional>

namespace tmetal::graph {

std::vector<int64_t> strides_of(const Shape& shape);
// numpy broadcasting of two shapes; nullopt when incompatible.
std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b);
// Flat index into `in` (broadcast to `out`) for each flat index of `out`.
std::vector<int64_t> broadcast_index_map(const Shape& in, const Shape& out);
// Unravels a flat row-major index.
std::vector<int64_t> unravel(int64_t flat, const Shape& shape);

}  // namespace tmetal::graph
