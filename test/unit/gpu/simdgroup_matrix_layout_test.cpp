// The simdgroup-matrix lane map covers each 8x8 fragment exactly once, matches the published storage order, and
// the distributed layout covers a whole dot result exactly once.
#include "gpu/simdgroup_matrix_layout.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace tmetal::gpu {
namespace {

TEST(SimdgroupMatrixLayout, LaneMapIsAPermutationOfTheFragment) {
  std::set<std::pair<int, int>> seen;
  for (int lane = 0; lane < 32; ++lane) {
    auto [row, col] = simdgroup_matrix_lane_position(lane);
    EXPECT_EQ(col % 2, 0);
    seen.insert({row, col});
    seen.insert({row, col + 1});
  }
  EXPECT_EQ(seen.size(), 64u);
  // Quad 0 holds [00 01] [02 03] [10 11] [12 13]; quad 2 starts at column 4; quad 4 at row 4.
  EXPECT_EQ(simdgroup_matrix_lane_position(0), std::make_pair(0, 0));
  EXPECT_EQ(simdgroup_matrix_lane_position(1), std::make_pair(0, 2));
  EXPECT_EQ(simdgroup_matrix_lane_position(2), std::make_pair(1, 0));
  EXPECT_EQ(simdgroup_matrix_lane_position(4), std::make_pair(2, 0));
  EXPECT_EQ(simdgroup_matrix_lane_position(8), std::make_pair(0, 4));
  EXPECT_EQ(simdgroup_matrix_lane_position(16), std::make_pair(4, 0));
}

TEST(SimdgroupMatrixLayout, DistributedTileCoveredOnce) {
  for (auto [m, n, simds] : {std::tuple{64, 64, 4}, std::tuple{32, 128, 4}, std::tuple{128, 16, 8},
                             std::tuple{8, 8, 1}, std::tuple{16, 64, 2}}) {
    SimdgroupMatrixLayout layout = choose_simdgroup_matrix_layout(m, n, simds);
    EXPECT_EQ(layout.simds_m * layout.simds_n, simds);
    std::set<std::pair<int64_t, int64_t>> seen;
    for (int64_t s = 0; s < simds; ++s) {
      for (int64_t lane = 0; lane < 32; ++lane) {
        for (int64_t r = 0; r < layout.registers_per_thread(m, n); ++r) {
          auto rc = layout.coordinates(m, n, lane, s, r);
          ASSERT_LT(rc.first, m);
          ASSERT_LT(rc.second, n);
          seen.insert(rc);
        }
      }
    }
    EXPECT_EQ(static_cast<int64_t>(seen.size()), static_cast<int64_t>(m) * n) << layout.str();
  }
}

TEST(SimdgroupMatrixLayout, PrefersSquareBlocksAndRejectsBadShapes) {
  EXPECT_EQ(choose_simdgroup_matrix_layout(64, 64, 4), (SimdgroupMatrixLayout{2, 2}));
  EXPECT_EQ(choose_simdgroup_matrix_layout(128, 32, 4), (SimdgroupMatrixLayout{4, 1}));
  EXPECT_THROW(choose_simdgroup_matrix_layout(12, 64, 4), std::invalid_argument);
}

TEST(SimdgroupMatrixLayout, SmallTilesReplicateOverExtraSimdgroups) {
  // 8x8 has one fragment: four simdgroups all hold it (simdgroup s works as s % 1).
  SimdgroupMatrixLayout one = choose_simdgroup_matrix_layout(8, 8, 4);
  EXPECT_EQ(one, (SimdgroupMatrixLayout{1, 1}));
  EXPECT_EQ(one.coordinates(8, 8, 5, 3, 1), one.coordinates(8, 8, 5, 0, 1));
  // 16x16 over 8 simdgroups: four distinct ones (2x2), simdgroups 4..7 replicate 0..3.
  SimdgroupMatrixLayout four = choose_simdgroup_matrix_layout(16, 16, 8);
  EXPECT_EQ(four.num_simds(), 4);
  EXPECT_EQ(four.coordinates(16, 16, 9, 6, 0), four.coordinates(16, 16, 9, 2, 0));
}

}  // namespace
}  // namespace tmetal::gpu
