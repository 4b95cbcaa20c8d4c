// Slice layout arithmetic, expressed through the collapsed parent blocked layout.
#include "gpu/slice_layout.h"

#include <fmt/format.h>

namespace tmetal::gpu {

BlockedLayout SliceLayout::collapsed_parent() const {
  BlockedLayout collapsed = parent;
  collapsed.size_per_thread[dim] = 1;
  return collapsed;
}

Shape SliceLayout::parent_shape(const Shape& shape) const {
  Shape full = shape;
  full.insert(full.begin() + dim, 1);
  return full;
}

int64_t SliceLayout::registers_per_thread(const Shape& shape) const {
  return collapsed_parent().registers_per_thread(parent_shape(shape));
}

std::vector<int64_t> SliceLayout::coordinates(const Shape& shape, int64_t lane, int64_t simd, int64_t reg) const {
  std::vector<int64_t> coords = collapsed_parent().coordinates(parent_shape(shape), lane, simd, reg);
  coords.erase(coords.begin() + dim);
  return coords;
}

std::string SliceLayout::str() const { return fmt::format("#slice<{{dim={}, parent={}}}>", dim, parent.str()); }

}  // namespace tmetal::gpu
