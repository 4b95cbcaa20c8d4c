// The threadgroup tile of a layout conversion (gpu/conversion_tile.h): the transpose's tile keeps its
// conflict-free scalar writes and reads float4 vectors through an XOR swizzle; no two elements of any plan share
// a slot and every slot lies in the buffer; plain rows where nothing conflicts.
#include "gpu/conversion_tile.h"

#include <gtest/gtest.h>

#include <set>

namespace tmetal::gpu {
namespace {

bool slots_distinct_and_in_the_tile(const ConversionTile& t, const Shape& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::set<int64_t> seen;
  for (int64_t i = 0; i < n; ++i) {
    int64_t slot = conversion_tile_slot(t, shape.back(), i);
    if (slot < 0 || slot >= (t.padded ? n + n / shape.back() : n) || !seen.insert(slot).second) return false;
  }
  return true;
}

TEST(ConversionTile, TransposeReadsSwizzledVectorsWithoutConflicts) {
  // examples/transpose.py, BLOCK=32, 4 simdgroups: tl.trans(tile) in the transposed load layout, stored in the
  // row-major store layout.
  const Shape shape{32, 32};
  BlockedLayout to = default_blocked_layout(shape, 4, 32, 4);  // spt=[1,4], lanes=[4,8], simds=[4,1]
  BlockedLayout from{{4, 1}, {8, 4}, {1, 4}, {0, 1}};
  ConversionTile plan = plan_conversion_tile(from, to, shape, 4, 32);
  EXPECT_FALSE(plan.padded);
  EXPECT_EQ(plan.unit, 4);
  EXPECT_EQ(plan.swizzle_rows, 4);
  EXPECT_EQ(plan.write_vector, 1);
  EXPECT_EQ(plan.read_vector, 4);
  // One cycle per scalar write, four per float4 read of a whole simdgroup (512 bytes): the minimum.
  EXPECT_EQ(conversion_bank_cycles(plan, from, shape, 4, 1, 32), 8 * 4);
  EXPECT_EQ(conversion_bank_cycles(plan, to, shape, 4, 4, 32), 2 * 4 * 4);
  EXPECT_EQ(plan.accesses, 8 * 4 + 2 * 4);
  EXPECT_TRUE(slots_distinct_and_in_the_tile(plan, shape));
  // Unswizzled rows would make the column writes 8-way conflicts; padded rows cost as many cycles in 64 accesses.
  ConversionTile plain{false, 4, 0, 1, 4};
  EXPECT_EQ(conversion_bank_cycles(plain, from, shape, 4, 1, 32), 8 * 4 * 8);
  ConversionTile padded;
  EXPECT_EQ(conversion_bank_cycles(padded, from, shape, 4, 1, 32) + conversion_bank_cycles(padded, to, shape, 4, 1, 32), plan.cycles);
}

TEST(ConversionTile, HalfTileAndOtherShapesGetPermutations) {
  for (const Shape& shape : {Shape{32, 32}, Shape{64, 16}, Shape{16, 64}, Shape{8, 128}}) {
    for (int64_t esize : {2, 4}) {
      BlockedLayout to = default_blocked_layout(shape, 4, 32, 4);
      BlockedLayout from = default_blocked_layout(shape, 4, 32, 4, {0, 1});
      ConversionTile plan = plan_conversion_tile(from, to, shape, esize, 32);
      EXPECT_TRUE(slots_distinct_and_in_the_tile(plan, shape)) << shape[0] << "x" << shape[1];
      ConversionTile padded;
      int64_t padded_cycles = conversion_bank_cycles(padded, from, shape, esize, 1, 32) + conversion_bank_cycles(padded, to, shape, esize, 1, 32);
      EXPECT_LE(plan.cycles, padded_cycles);
    }
  }
}

TEST(ConversionTile, RowWithoutConflictsStaysPlainAndVectorized) {
  // A [1, 64] row from 4 consecutive elements per thread to one per thread: plain rows, float4 writes.
  const Shape shape{1, 64};
  BlockedLayout from = default_blocked_layout(shape, 4, 32, 4), to = default_blocked_layout(shape, 4, 32, 1);
  ConversionTile plan = plan_conversion_tile(from, to, shape, 4, 32);
  EXPECT_FALSE(plan.padded);
  EXPECT_EQ(plan.swizzle_rows, 0);
  EXPECT_EQ(plan.write_vector, 4);
  EXPECT_EQ(plan.read_vector, 1);
}

}  // namespace
}  // namespace tmetal::gpu
