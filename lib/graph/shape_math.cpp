// Strides, broadcasting and index maps (see shape_math.h).
#include "shape_math.h"

namespace tmetal::graph {

std::vector<int64_t> strides_of(const Shape& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> unravel(int64_t flat, const Shape& shape) {
  std::vector<int64_t> idx(shape.size());
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
    idx[i] = shape[i] ? flat % shape[i] : 0;
    flat = shape[i] ? flat / shape[i] : 0;
  }
  return idx;
}

std::vector<int64_t> broadcast_index_map(const Shape& in, const Shape& out) {
  auto in_strides = strides_of(in);
  size_t offset = out.size() - in.size();
  std::vector<int64_t> map(static_cast<size_t>(numel(out)));
  for (int64_t f = 0; f < numel(out); ++f) {
    auto idx = unravel(f, out);
    int64_t k = 0;
    for (size_t d = 0; d < in.size(); ++d) k += (in[d] == 1 ? 0 : idx[d + offset]) * in_strides[d];
    map[f] = k;
  }
  return map;
}

}  // namespace tmetal::graph
