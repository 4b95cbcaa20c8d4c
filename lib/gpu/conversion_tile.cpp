// Choosing the threadgroup tile of a layout conversion (see conversion_tile.h).
#include "gpu/conversion_tile.h"

#include <algorithm>
#include <map>
#include <set>

namespace tmetal::gpu {

namespace {
// Elements along the last dimension that registers k .. k + v - 1 (k a multiple of v) of `l` hold contiguously:
// its vector when the last dimension is its fastest (at most 16 bytes, 4 elements), else 1.
int64_t row_vector(const BlockedLayout& l, int64_t esize) {
  const int last = l.rank() - 1;
  if (l.order[0] != last) return 1;
  int64_t v = std::min<int64_t>({l.size_per_thread[last], 16 / esize, 4});
  return v >= 2 ? v : 1;
}
}  // namespace

int64_t conversion_tile_slot(const ConversionTile& tile, int64_t W, int64_t i) {
  if (tile.padded) return i + i / W;
  if (tile.swizzle_rows == 0) return i;
  const int64_t row = i / W, c = i % W, u = tile.unit;
  return row * W + ((c / u) ^ ((row / tile.swizzle_rows) % (W / u))) * u + c % u;
}

int64_t conversion_bank_cycles(const ConversionTile& tile, const BlockedLayout& layout, const Shape& shape, int64_t esize,
                               int64_t vector, int64_t simd_width) {
  int64_t cycles = 0;
  const int64_t regs = layout.registers_per_thread(shape);
  for (int64_t s = 0; s < layout.num_simds(); ++s) {
    for (int64_t k = 0; k < regs; k += vector) {
      std::map<int64_t, std::set<int64_t>> words;  // bank -> distinct words
      for (int64_t lane = 0; lane < simd_width; ++lane) {
        for (int64_t j = 0; j < vector; ++j) {
          std::vector<int64_t> c = layout.coordinates(shape, lane, s, k + j);
          int64_t i = 0;
          for (size_t d = 0; d < shape.size(); ++d) i = i * shape[d] + c[d];
          int64_t word = conversion_tile_slot(tile, shape.back(), i) * esize / 4;
          words[word % 32].insert(word);
        }
      }
      size_t busiest = 0;
      for (auto& [bank, w] : words) busiest = std::max(busiest, w.size());
      cycles += static_cast<int64_t>(busiest);
    }
  }
  return cycles;
}

ConversionTile plan_conversion_tile(const BlockedLayout& from, const BlockedLayout& to, const Shape& shape, int64_t esize,
                                    int64_t simd_width) {
  const int64_t W = shape.back();
  int64_t rows = 1;
  for (size_t d = 0; d + 1 < shape.size(); ++d) rows *= shape[d];
  auto accesses = [&](int64_t wv, int64_t rv) {
    return from.registers_per_thread(shape) / wv * from.num_simds() + to.registers_per_thread(shape) / rv * to.num_simds();
  };
  ConversionTile best;
  best.cycles = conversion_bank_cycles(best, from, shape, esize, 1, simd_width) + conversion_bank_cycles(best, to, shape, esize, 1, simd_width);
  best.accesses = accesses(1, 1);
  const int64_t wv = row_vector(from, esize), rv = row_vector(to, esize), u = std::max(wv, rv);
  if (u < 2 || W % u != 0 || W / u < 2) return best;
  for (int64_t sr = 0; sr <= rows; sr = sr == 0 ? 1 : sr * 2) {
    ConversionTile c{false, u, sr, wv, rv, 0, accesses(wv, rv)};
    c.cycles = conversion_bank_cycles(c, from, shape, esize, wv, simd_width) + conversion_bank_cycles(c, to, shape, esize, rv, simd_width);
    if (c.cycles < best.cycles || (c.cycles == best.cycles && c.accesses < best.accesses)) best = c;
  }
  return best;
}

}  // namespace tmetal::gpu
