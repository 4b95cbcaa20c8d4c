// The simdgroup-matrix layout: where the elements of tl.dot operands and results live when they are held in
// `simdgroup_matrix<T, 8, 8>` fragments.
//
// Each 8x8 fragment is spread over the 32 lanes of one simdgroup, two horizontally adjacent elements per lane
// (`thread_elements()` gives them as a vec<T, 2>). The lane → (row, column) map is the one Apple's hardware uses
// (described in Apple's patent US11256518B2 and relied on by Apple's MLX and by MetalFlashAttention):
//   quad = lane / 4;  row = (quad & 4) + (lane / 2) % 4;  col = (quad & 2) * 2 + (lane % 2) * 2  (and col + 1).
// The emulator implements simdgroup_matrix with the same map, so code that touches thread_elements() directly
// (epilogues applied in registers, masked stores of the accumulator) behaves as on a GPU.
//
// A tensor of shape [M, N] in this layout is a grid of (M/8) x (N/8) fragments, distributed over the
// threadgroup's simdgroups as simds_m x simds_n blocks of fragments (each simdgroup owns a contiguous block of
// frags_m x frags_n fragments: frags_m = M / 8 / simds_m). When the tile has fewer fragments than the
// threadgroup has simdgroups, simdgroup s works as simdgroup s % (simds_m * simds_n): the extra simdgroups are
// replicas (they compute the same fragments; only the first simds_m * simds_n store them).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace tmetal::gpu {

// (row, column) of the first of the two elements lane `lane` holds in an 8x8 fragment.
std::pair<int, int> simdgroup_matrix_lane_position(int lane);

struct SimdgroupMatrixLayout {
  int64_t simds_m = 1;
  int64_t simds_n = 1;

  int64_t num_simds() const { return simds_m * simds_n; }  // distinct simdgroups (the rest are replicas)
  int64_t frags_m(int64_t m) const { return m / 8 / simds_m; }
  int64_t frags_n(int64_t n) const { return n / 8 / simds_n; }
  // Registers per thread for an [m, n] tensor: two per fragment the thread's simdgroup owns.
  int64_t registers_per_thread(int64_t m, int64_t n) const { return 2 * frags_m(m) * frags_n(n); }
  // (row, column) of register `reg` of lane `lane` in simdgroup `simd`. Registers run over fragments (row-major
  // over the simdgroup's block), two per fragment.
  std::pair<int64_t, int64_t> coordinates(int64_t m, int64_t n, int64_t lane, int64_t simd, int64_t reg) const;
  std::string str() const;
  bool operator==(const SimdgroupMatrixLayout&) const = default;
};

// A simdgroup-matrix layout with dimension `dim` of its [M, N] parent reduced away: where a row max or row sum
// of a dot result lives (dim = 1: one value per row; dim = 0: one per column), and the same values after
// tt.expand_dims put the unit dimension back ([M, 1] / [1, N]), ready to broadcast over the parent's fragments
// without moving data. A thread holds the kept coordinates of the parent elements it holds, once each:
//   dim = 1: register i is row  simd_row * frags_m * 8 + i * 8 + frag_row(lane)   (i < frags_m)
//   dim = 0: register i is col  simd_col * frags_n * 8 + (i / 2) * 8 + frag_col(lane) + i % 2   (i < 2 frags_n)
// The lanes (and simdgroups) of the parent that differ only along `dim` are replicas.
struct SimdgroupMatrixSliceLayout {
  int dim = 1;
  SimdgroupMatrixLayout parent;

  // Registers per thread when the kept dimension has `extent` elements.
  int64_t registers_per_thread(int64_t extent) const;
  // The kept coordinate of register `reg` of lane `lane` in simdgroup `simd`.
  int64_t coordinate(int64_t extent, int64_t lane, int64_t simd, int64_t reg) const;
  // Whether (lane, simd) is the first of its replicas (the one that owns the values).
  bool owner(int64_t lane, int64_t simd) const;
  std::string str() const;
  bool operator==(const SimdgroupMatrixSliceLayout&) const = default;
};

// Splits `num_simds` simdgroups over an [m, n] result so that each simdgroup's block of fragments is as square
// as possible (fewer threadgroup loads per multiply), keeping at least one fragment per simdgroup; a tile with
// fewer fragments than simdgroups uses the largest power of two of them that it can (the others replicate).
// Throws std::invalid_argument when m or n is not a multiple of 8.
SimdgroupMatrixLayout choose_simdgroup_matrix_layout(int64_t m, int64_t n, int64_t num_simds);

}  // namespace tmetal::gpu
