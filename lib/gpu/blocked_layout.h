// Blocked layouts: how the elements of one tile-IR tensor are spread over the threads of a threadgroup.
//
// A blocked layout, as in Triton's TritonGPU dialect, tiles a tensor of rank r with
//   size_per_thread[d]    contiguous elements each thread owns along d (the vector unit of loads/stores),
//   lanes_per_simd[d]     lanes of one 32-wide simdgroup along d (their product is the SIMD width),
//   simds_per_group[d]    simdgroups of the threadgroup along d (their product is num_warps),
//   order                 dimensions from fastest-varying to slowest (lanes and registers fill order[0] first).
// One "group tile" covers size_per_thread * lanes_per_simd * simds_per_group elements per dimension. A tensor
// larger than the group tile repeats it (each thread then owns several tiles' worth of registers); a tensor
// smaller than the group tile wraps, so several threads hold the same element (replication, as in Triton).
//
// The coordinates of register k in a thread split into a per-thread base, computed once at run time from the
// lane and simdgroup index, plus a compile-time offset per register: codegen emits the base once and constant
// offsets per element, which is what keeps the emitted MSL cheap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tmetal::gpu {

using Shape = std::vector<int64_t>;

struct BlockedLayout {
  std::vector<int64_t> size_per_thread;
  std::vector<int64_t> lanes_per_simd;
  std::vector<int64_t> simds_per_group;
  std::vector<int> order;  // fastest dimension first

  int rank() const { return static_cast<int>(order.size()); }
  int64_t num_simds() const;
  int64_t num_lanes() const;
  // Elements per dimension covered by one pass of the whole threadgroup.
  Shape group_tile() const;
  // Registers each thread holds for a tensor of `shape` (repetitions included, replication not removed).
  int64_t registers_per_thread(const Shape& shape) const;
  // Step in the lane (simdgroup) index between neighbouring lanes (simdgroups) along dimension `dim`: the
  // product of the extents of the dimensions that come before it in `order`.
  int64_t lane_stride(int dim) const;
  int64_t simd_stride(int dim) const;
  // Per-thread base coordinate of dimension `dim` (before wrapping by the shape), from lane and simdgroup index.
  int64_t thread_base(int dim, int64_t lane, int64_t simd) const;
  // Compile-time offset of register `reg` along every dimension (to be added to the wrapped base).
  std::vector<int64_t> register_offset(const Shape& shape, int64_t reg) const;
  // Full coordinates of register `reg` of thread (lane, simd) in a tensor of `shape`.
  std::vector<int64_t> coordinates(const Shape& shape, int64_t lane, int64_t simd, int64_t reg) const;

  // `#blocked<{spt=[1,4], lanes=[4,8], simds=[4,1], order=[1,0]}>`
  std::string str() const;
  bool operator==(const BlockedLayout&) const = default;
};

// The default layout for a tensor of `shape`: `vector_elems` contiguous elements per thread along the fastest
// dimension (clamped to the shape), lanes then simdgroups spread from the fastest dimension outwards, and
// whatever does not fit in the shape put on the slowest dimension (replicated), as Triton's default encoding.
// `order` defaults to row-major (last dimension fastest). `simds_last_dim` (>= 0: a dimension reduced along)
// takes simdgroups only after every other dimension has taken those it has room for, so a short line along it
// lies inside one simdgroup and its reduction needs no threadgroup step; -1 keeps the plain order. Throws
// std::invalid_argument on a shape that is not made of powers of two, a simd width or simdgroup count that is
// not a power of two, or a simds_last_dim outside the rank.
BlockedLayout default_blocked_layout(const Shape& shape, int64_t num_simds, int64_t simd_width,
                                     int64_t vector_elems, std::vector<int> order = {}, int simds_last_dim = -1);

}  // namespace tmetal::gpu
