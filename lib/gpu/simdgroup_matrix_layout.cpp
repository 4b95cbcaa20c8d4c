// Simdgroup-matrix layout arithmetic (see simdgroup_matrix_layout.h).
#include "gpu/simdgroup_matrix_layout.h"

#include <fmt/format.h>

#include <cstdlib>
#include <stdexcept>

namespace tmetal::gpu {

std::pair<int, int> simdgroup_matrix_lane_position(int lane) {
  const int quad = lane / 4;
  return {(quad & 4) + (lane / 2) % 4, (quad & 2) * 2 + (lane % 2) * 2};
}

std::pair<int64_t, int64_t> SimdgroupMatrixLayout::coordinates(int64_t m, int64_t n, int64_t lane, int64_t simd,
                                                               int64_t reg) const {
  const int64_t fm = frags_m(m), fn = frags_n(n);
  const int64_t frag = reg / 2;
  const int64_t distinct = simd % num_simds();
  const int64_t simd_row = distinct / simds_n, simd_col = distinct % simds_n;
  const int64_t frag_row = simd_row * fm + frag / fn;
  const int64_t frag_col = simd_col * fn + frag % fn;
  auto [row, col] = simdgroup_matrix_lane_position(static_cast<int>(lane));
  return {frag_row * 8 + row, frag_col * 8 + col + reg % 2};
}

std::string SimdgroupMatrixLayout::str() const {
  return fmt::format("#simdgroup_matrix<{{simds=[{},{}]}}>", simds_m, simds_n);
}

int64_t SimdgroupMatrixSliceLayout::registers_per_thread(int64_t extent) const {
  return dim == 1 ? parent.frags_m(extent) : 2 * parent.frags_n(extent);
}

int64_t SimdgroupMatrixSliceLayout::coordinate(int64_t extent, int64_t lane, int64_t simd, int64_t reg) const {
  const int64_t distinct = simd % parent.num_simds();
  auto [row, col] = simdgroup_matrix_lane_position(static_cast<int>(lane));
  if (dim == 1) return (distinct / parent.simds_n) * parent.frags_m(extent) * 8 + reg * 8 + row;
  return (distinct % parent.simds_n) * parent.frags_n(extent) * 8 + (reg / 2) * 8 + col + reg % 2;
}

bool SimdgroupMatrixSliceLayout::owner(int64_t lane, int64_t simd) const {
  if (simd >= parent.num_simds()) return false;
  auto [row, col] = simdgroup_matrix_lane_position(static_cast<int>(lane));
  return dim == 1 ? col == 0 && simd % parent.simds_n == 0 : row == 0 && simd / parent.simds_n == 0;
}

std::string SimdgroupMatrixSliceLayout::str() const {
  return fmt::format("#simdgroup_matrix_slice<{{dim={}, simds=[{},{}]}}>", dim, parent.simds_m, parent.simds_n);
}

SimdgroupMatrixLayout choose_simdgroup_matrix_layout(int64_t m, int64_t n, int64_t num_simds) {
  if (m % 8 != 0 || n % 8 != 0) {
    throw std::invalid_argument(fmt::format("a {}x{} dot result is not made of 8x8 simdgroup matrices", m, n));
  }
  if (num_simds < 1) throw std::invalid_argument("a dot needs at least one simdgroup");
  for (int64_t used = num_simds; used >= 1; used /= 2) {
    SimdgroupMatrixLayout best;
    bool found = false;
    int64_t best_score = 0;
    for (int64_t sm = 1; sm <= used; sm *= 2) {
      const int64_t sn = used / sm;
      if (sm * sn != used || (m / 8) % sm != 0 || (n / 8) % sn != 0) continue;
      const int64_t fm = m / 8 / sm, fn = n / 8 / sn;
      const int64_t score = std::llabs(fm - fn);  // squarer blocks reuse each loaded fragment more
      if (!found || score < best_score) {
        best = {sm, sn};
        best_score = score;
        found = true;
      }
    }
    if (found) return best;
  }
  return {1, 1};
}

}  // namespace tmetal::gpu
