// How a layout conversion through threadgroup memory lays its row-major tile out, chosen by a bank model.
//
// Candidates: rows padded by one element (scalar accesses on both sides: a transpose's column writes then hit
// distinct banks), and unpadded rows whose `unit`-element groups are XOR-swizzled, element (row, c) at
//   row * W + ((c / unit) ^ ((row / swizzle_rows) % (W / unit))) * unit + c % unit     (swizzle_rows 0: plain),
// which keeps each group whole, so a side whose layout holds a vector along the last dimension moves it in one
// access. The model: 32 banks of 4 bytes, a simdgroup access costs as many cycles as its busiest bank has
// distinct words (replicas reading or writing the same word cost one); every simdgroup and access of both
// sides is counted at compile time. The cheapest candidate wins, then the one with fewer accesses; ties keep
// the padded rows.
#pragma once

#include "gpu/blocked_layout.h"

namespace tmetal::gpu {

struct ConversionTile {
  bool padded = true;
  int64_t unit = 1, swizzle_rows = 0;
  int64_t write_vector = 1, read_vector = 1;  // elements per access on the `from` / `to` side
  int64_t cycles = 0, accesses = 0;           // the model's cost of the chosen candidate
};

// `shape` (rank >= 1, powers of two) in `from` converted to `to`; elements of `esize` bytes (2 or 4).
ConversionTile plan_conversion_tile(const BlockedLayout& from, const BlockedLayout& to, const Shape& shape, int64_t esize,
                                    int64_t simd_width);

// The slot of row-major element `i` under `tile` for a last dimension of `W` elements.
int64_t conversion_tile_slot(const ConversionTile& tile, int64_t W, int64_t i);

// Bank cycles of one side: `layout` accessing `shape` with `vector` elements per access at the slots `tile` gives.
int64_t conversion_bank_cycles(const ConversionTile& tile, const BlockedLayout& layout, const Shape& shape, int64_t esize,
                               int64_t vector, int64_t simd_width);

}  // namespace tmetal::gpu
