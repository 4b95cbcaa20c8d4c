// Properties of blocked layouts: thread counts, full coverage of every element, no duplicates when the tensor is
// at least one group tile, contiguous per-thread vectors, and clear errors on bad shapes.
#include "gpu/blocked_layout.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

namespace tmetal::gpu {
namespace {

int64_t linear_index(const Shape& shape, const std::vector<int64_t>& coords) {
  int64_t index = 0;
  for (size_t d = 0; d < shape.size(); ++d) index = index * shape[d] + coords[d];
  return index;
}

struct Case {
  Shape shape;
  int64_t simds;
  int64_t vec;
};

class BlockedLayoutCoverage : public ::testing::TestWithParam<Case> {};

TEST_P(BlockedLayoutCoverage, EveryElementOwnedAndThreadCountsExact) {
  const Case c = GetParam();
  BlockedLayout layout = default_blocked_layout(c.shape, c.simds, 32, c.vec);
  EXPECT_EQ(layout.num_lanes(), 32) << layout.str();
  EXPECT_EQ(layout.num_simds(), c.simds) << layout.str();

  int64_t total = 1;
  for (int64_t s : c.shape) total *= s;
  std::map<int64_t, int> owners;
  const int64_t regs = layout.registers_per_thread(c.shape);
  for (int64_t simd = 0; simd < c.simds; ++simd) {
    for (int64_t lane = 0; lane < 32; ++lane) {
      for (int64_t r = 0; r < regs; ++r) {
        auto coords = layout.coordinates(c.shape, lane, simd, r);
        for (size_t d = 0; d < coords.size(); ++d) {
          ASSERT_GE(coords[d], 0);
          ASSERT_LT(coords[d], c.shape[d]) << layout.str();
        }
        owners[linear_index(c.shape, coords)]++;
      }
    }
  }
  EXPECT_EQ(static_cast<int64_t>(owners.size()), total) << layout.str();
  Shape tile = layout.group_tile();
  bool covers_tile = true;
  for (size_t d = 0; d < tile.size(); ++d) covers_tile &= c.shape[d] >= tile[d];
  if (covers_tile) {
    for (auto& [index, count] : owners) EXPECT_EQ(count, 1) << "element " << index << " in " << layout.str();
  }
}

TEST_P(BlockedLayoutCoverage, PerThreadVectorIsContiguousAlongFastestDim) {
  const Case c = GetParam();
  BlockedLayout layout = default_blocked_layout(c.shape, c.simds, 32, c.vec);
  const int fast = layout.order[0];
  const int64_t v = layout.size_per_thread[fast];
  EXPECT_LE(v, c.vec);
  for (int64_t lane = 0; lane < 32; lane += 7) {
    auto first = layout.coordinates(c.shape, lane, 0, 0);
    for (int64_t r = 1; r < v; ++r) {
      auto next = layout.coordinates(c.shape, lane, 0, r);
      auto expected = first;
      expected[fast] += r;
      EXPECT_EQ(next, expected) << layout.str();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, BlockedLayoutCoverage,
                         ::testing::Values(Case{{1024}, 4, 4}, Case{{128}, 4, 4}, Case{{16}, 4, 4}, Case{{1}, 1, 4},
                                           Case{{64, 64}, 4, 4}, Case{{16, 128}, 8, 8}, Case{{128, 16}, 4, 4},
                                           Case{{2, 8}, 2, 4}, Case{{32, 32, 8}, 4, 2}, Case{{256, 1}, 4, 4}));

TEST(BlockedLayout, MatchesTritonDefaultForRowMajorTile) {
  BlockedLayout layout = default_blocked_layout({64, 64}, 4, 32, 4);
  EXPECT_EQ(layout.size_per_thread, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(layout.lanes_per_simd, (std::vector<int64_t>{2, 16}));
  EXPECT_EQ(layout.simds_per_group, (std::vector<int64_t>{4, 1}));
  EXPECT_EQ(layout.str(), "#blocked<{spt=[1,4], lanes=[2,16], simds=[4,1], order=[1,0]}>");
}

TEST(BlockedLayout, ReducedDimensionTakesSimdgroupsLast) {
  // [16, 256] reduced along its rows: the 4 simdgroups go to the rows, each row lies in one simdgroup.
  BlockedLayout rows = default_blocked_layout({16, 256}, 4, 32, 4, {}, 1);
  EXPECT_EQ(rows.str(), "#blocked<{spt=[1,4], lanes=[1,32], simds=[4,1], order=[1,0]}>");
  EXPECT_EQ(default_blocked_layout({16, 256}, 4, 32, 4).str(), "#blocked<{spt=[1,4], lanes=[1,32], simds=[2,2], order=[1,0]}>");
  // Only 4 rows for 8 simdgroups: the rest stay along the rows, without replication.
  EXPECT_EQ(default_blocked_layout({4, 256}, 8, 32, 4, {}, 1).str(), "#blocked<{spt=[1,4], lanes=[1,32], simds=[4,2], order=[1,0]}>");
  // Reduced along axis 0 of a [256, 16] tile: its 4 lanes of 4 columns fill the columns, so the simdgroups
  // stay on axis 0 (the reduction then combines simdgroup partials), as without the preference.
  EXPECT_EQ(default_blocked_layout({256, 16}, 4, 32, 4, {}, 0).str(), "#blocked<{spt=[1,4], lanes=[8,4], simds=[4,1], order=[1,0]}>");
  // No room anywhere: replicated along the slowest dimension as without the preference.
  EXPECT_EQ(default_blocked_layout({1, 64}, 4, 32, 4, {}, 1), default_blocked_layout({1, 64}, 4, 32, 4));
  // Every element still owned, and exactly once when the tile covers the group tile.
  for (const Shape& shape : {Shape{16, 256}, Shape{4, 256}, Shape{32, 64}, Shape{256, 16}}) {
    for (int dim = 0; dim < 2; ++dim) {
      BlockedLayout l = default_blocked_layout(shape, 4, 32, 4, {}, dim);
      EXPECT_EQ(l.num_simds(), 4) << l.str();
      std::map<std::vector<int64_t>, int> owners;
      for (int64_t simd = 0; simd < 4; ++simd)
        for (int64_t lane = 0; lane < 32; ++lane)
          for (int64_t r = 0; r < l.registers_per_thread(shape); ++r) owners[l.coordinates(shape, lane, simd, r)]++;
      EXPECT_EQ(static_cast<int64_t>(owners.size()), shape[0] * shape[1]) << l.str();
    }
  }
  EXPECT_THROW(default_blocked_layout({16, 256}, 4, 32, 4, {}, 2), std::invalid_argument);
}

TEST(BlockedLayout, RejectsNonPowerOfTwoShapes) {
  EXPECT_THROW(default_blocked_layout({96}, 4, 32, 4), std::invalid_argument);
  EXPECT_THROW(default_blocked_layout({64}, 3, 32, 4), std::invalid_argument);
  EXPECT_THROW(default_blocked_layout({}, 4, 32, 4), std::invalid_argument);
}

}  // namespace
}  // namespace tmetal::gpu
