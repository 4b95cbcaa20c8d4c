// Scan plans, simulated on the CPU, leave every register with the inclusive scan up to its element, for a
// commutative combine (sum) and a non-commutative one (affine-map composition, which exposes operand-order bugs).
#include "gpu/scan_plan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace tmetal::gpu {
namespace {

double value_at(const std::vector<int64_t>& c) {
  double v = 0.5;
  for (int64_t x : c) v = v * 37.0 + static_cast<double>(x);
  return std::cos(v);
}

struct Case {
  Shape shape;
  int64_t simds;
  int64_t vec;
  int axis;
};

class ScanPlanTest : public ::testing::TestWithParam<Case> {};

TEST_P(ScanPlanTest, InclusiveScanMatchesSequential) {
  const Case c = GetParam();
  BlockedLayout layout = scan_layout(default_blocked_layout(c.shape, c.simds, 32, c.vec), c.shape, c.axis);
  ScanPlan plan = plan_scan(layout, c.shape, c.axis);
  // Sum (commutative) and the left projection (a, b) -> a, which is associative but not commutative: its
  // inclusive scan is the first element along the axis, and any swapped operand order shows up.
  auto sum = [](double a, double b) { return a + b; };
  auto first = [](double a, double) { return a; };
  for (int which = 0; which < 2; ++which) {
    auto combine = which == 0 ? std::function<double(double, double)>(sum) : first;
    auto input = std::function<double(const std::vector<int64_t>&)>(value_at);
    auto got = simulate_scan(plan, layout, c.shape, input, combine);
    for (int64_t t = 0; t < c.simds * 32; ++t) {
      for (int64_t r = 0; r < layout.registers_per_thread(c.shape); ++r) {
        auto coord = layout.coordinates(c.shape, t % 32, t / 32, r);
        auto walk = coord;
        walk[c.axis] = 0;
        double expected = input(walk);
        for (int64_t k = 1; k <= coord[c.axis]; ++k) {
          walk[c.axis] = k;
          expected = combine(expected, input(walk));
        }
        ASSERT_NEAR(got[t][r], expected, 1e-9 * (1 + std::abs(expected)))
            << layout.str() << " thread " << t << " reg " << r << " combine " << which;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, ScanPlanTest,
                         ::testing::Values(Case{{1024}, 4, 4, 0}, Case{{16}, 4, 4, 0}, Case{{8}, 1, 1, 0},
                                           Case{{64, 64}, 4, 4, 1}, Case{{64, 64}, 4, 4, 0}, Case{{4, 256}, 8, 4, 1},
                                           Case{{16, 16}, 4, 1, 1}, Case{{2, 8}, 2, 2, 1}, Case{{8, 8, 4}, 4, 2, 1}));

TEST(ScanPlan, RejectsLayoutsThatRepeatAlongTheAxis) {
  BlockedLayout layout = default_blocked_layout({1024}, 1, 32, 1);
  EXPECT_THROW(plan_scan(layout, {1024}, 0), std::invalid_argument);
  EXPECT_NO_THROW(plan_scan(scan_layout(layout, {1024}, 0), {1024}, 0));
}

}  // namespace
}  // namespace tmetal::gpu
