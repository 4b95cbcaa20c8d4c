// Reduction plans, simulated on the CPU, give every thread the exact reduction of its result elements: sums
// (which would expose double counting of replicated data) and maxima, over many shapes and layouts.
#include "gpu/reduction_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace tmetal::gpu {
namespace {

double value_at(const std::vector<int64_t>& c) {
  double v = 0.0;
  for (int64_t x : c) v = v * 131.0 + static_cast<double>(x) + 0.25;
  return std::sin(v) * 10.0;  // distinct, signed, non-zero values
}

struct Case {
  Shape shape;
  int64_t simds;
  int64_t vec;
  int axis;
};

class ReductionPlanTest : public ::testing::TestWithParam<Case> {};

TEST_P(ReductionPlanTest, EveryThreadEndsWithTheExactReduction) {
  const Case c = GetParam();
  BlockedLayout layout = default_blocked_layout(c.shape, c.simds, 32, c.vec);
  ReductionPlan plan = plan_reduction(layout, c.shape, c.axis);
  Shape result_shape = c.shape;
  result_shape.erase(result_shape.begin() + c.axis);

  for (bool use_max : {false, true}) {
    Combine combine = use_max ? Combine([](double a, double b) { return std::max(a, b); })
                              : Combine([](double a, double b) { return a + b; });
    auto got = simulate_reduction(plan, layout, c.shape, value_at, combine);
    for (int64_t s = 0; s < c.simds; ++s) {
      for (int64_t l = 0; l < 32; ++l) {
        for (size_t r = 0; r < plan.register_groups.size(); ++r) {
          std::vector<int64_t> out = plan.result_layout.coordinates(result_shape, l, s, static_cast<int64_t>(r));
          std::vector<int64_t> in = out;
          in.insert(in.begin() + c.axis, 0);
          double expected = value_at(in);
          for (int64_t k = 1; k < c.shape[c.axis]; ++k) {
            in[c.axis] = k;
            expected = combine(expected, value_at(in));
          }
          ASSERT_NEAR(got[s * 32 + l][r], expected, 1e-9 * (1 + std::abs(expected)))
              << layout.str() << " axis " << c.axis << " lane " << l << " simd " << s << " reg " << r;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ReductionPlanTest,
    ::testing::Values(Case{{1024}, 4, 4, 0}, Case{{16}, 4, 4, 0}, Case{{64, 64}, 4, 4, 1}, Case{{64, 64}, 4, 4, 0},
                      Case{{4, 256}, 8, 4, 1}, Case{{128, 16}, 4, 4, 1}, Case{{128, 16}, 4, 4, 0},
                      Case{{2, 8}, 2, 2, 0}, Case{{8, 8, 8}, 4, 2, 1}, Case{{1, 2048}, 8, 4, 1}));

TEST(ReductionPlan, RowSoftmaxTileUsesShufflesAndNoScratch) {
  // 4 rows of 128 on 4 simdgroups: each row lives in one simdgroup, reduced by 5 shuffle steps.
  BlockedLayout layout = default_blocked_layout({4, 128}, 4, 32, 4);
  ReductionPlan plan = plan_reduction(layout, {4, 128}, 1);
  EXPECT_EQ(plan.lane_xor_masks, (std::vector<int64_t>{1, 2, 4, 8, 16}));
  EXPECT_EQ(plan.cross_simd_count, 1);
  EXPECT_EQ(plan.scratch_elements, 0);
}

}  // namespace
}  // namespace tmetal::gpu
