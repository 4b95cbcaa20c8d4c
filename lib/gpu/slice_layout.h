// Slice layouts: the layout of a tensor that is its parent's blocked layout with one dimension removed.
//
// A reduction along `dim` of a tensor in blocked layout P gives a result in slice(dim, P); `expand_dims` at
// `dim` of a slice(dim, P) tensor gives back a tensor in P without moving data. Threads that differ only in
// their position along `dim` hold the same elements of a sliced tensor (they are replicas), which is what lets
// a reduced row broadcast back over its columns for free.
#pragma once

#include "gpu/blocked_layout.h"

namespace tmetal::gpu {

struct SliceLayout {
  int dim = 0;
  BlockedLayout parent;

  int rank() const { return parent.rank() - 1; }
  int64_t registers_per_thread(const Shape& shape) const;
  std::vector<int64_t> coordinates(const Shape& shape, int64_t lane, int64_t simd, int64_t reg) const;
  // The parent with `dim` collapsed to one element per thread: the layout a sliced tensor occupies when seen
  // with a unit extent along `dim`.
  BlockedLayout collapsed_parent() const;
  Shape parent_shape(const Shape& shape) const;  // `shape` with a 1 inserted at `dim`
  std::string str() const;
  bool operator==(const SliceLayout&) const = default;
};

}  // namespace tmetal::gpu
