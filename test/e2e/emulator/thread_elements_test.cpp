// simdgroup_matrix::thread_elements() with Apple's lane map (lib/gpu/simdgroup_matrix_layout.h), alone and
// mixed with simdgroup_load/store/multiply, against float64 references.
#include "emulator_test_support.h"
#include "runtime/half_bits.h"

namespace tmetal::test {
namespace {

// The storage table of the fragment, as MetalFlashAttention documents it (from Apple's patent US11256518B2):
// quad 0 holds [00 01] [02 03] [10 11] [12 13], quad 1 [20 21] [22 23] [30 31] [32 33], quad 2 [04 05] ...;
// built here independently of the formula the emulator uses.
std::vector<int> apple_lane_of_element() {
  std::vector<int> lane_of(64, -1);
  for (int quad = 0; quad < 8; ++quad)
    for (int q = 0; q < 4; ++q) {
      int lane = quad * 4 + q;
      int row = (quad / 4) * 4 + (quad % 2) * 2 + q / 2;  // quads 0,1 rows 0-3; 4..7 rows 4-7
      int col = ((quad / 2) % 2) * 4 + (q % 2) * 2;
      lane_of[row * 8 + col] = lane;
      lane_of[row * 8 + col + 1] = lane;
    }
  return lane_of;
}

TEST(ThreadElements, LaneMapIsApples) {
  auto lane_of = apple_lane_of_element();
  ASSERT_EQ(lane_of[0 * 8 + 2], 1);   // [02 03] is lane 1
  ASSERT_EQ(lane_of[2 * 8 + 0], 4);   // quad 1 starts at row 2
  ASSERT_EQ(lane_of[0 * 8 + 4], 8);   // quad 2 starts at column 4
  ASSERT_EQ(lane_of[4 * 8 + 0], 16);  // quad 4 starts at row 4
  auto p = pipeline("thread_elements.metal", "lane_map");
  auto out = upload(std::vector<float>(64, -1.0f));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  device().launch(*p, c);
  auto got = download<float>(out, 64);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(got[i], lane_of[i] + (i % 2 ? 0.5 : 0.0)) << "element (" << i / 8 << "," << i % 8 << ")";
}

std::vector<double> matmul8(const std::vector<double>& a, const std::vector<double>& b, std::size_t off = 0) {
  std::vector<double> c(64, 0.0);
  for (int i = 0; i < 8; ++i)
    for (int k = 0; k < 8; ++k)
      for (int j = 0; j < 8; ++j) c[i * 8 + j] += a[off + i * 8 + k] * b[off + k * 8 + j];
  return c;
}

TEST(ThreadElements, EpilogueThroughThreadElementsMatchesFloat64) {
  auto p = pipeline("thread_elements.metal", "epilogue");
  const int sgs = 3;
  auto a = random_floats(64 * sgs, 5), b = random_floats(64 * sgs, 6), bias = random_floats(8, 7);
  float s = 1.75f;
  auto out = upload(std::vector<float>(64 * sgs, 0.0f));
  auto c = config({1, 1, 1}, {32 * sgs, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(a));
  c.buffers[1] = runtime::Binding::of(upload(b));
  c.buffers[2] = runtime::Binding::of(upload(bias));
  c.buffers[3] = runtime::Binding::of(out);
  c.buffers[4] = runtime::Binding::value(s);
  auto stats = device().launch(*p, c);
  EXPECT_EQ(stats.simdgroup_multiply_accumulates, std::uint64_t{sgs});
  std::vector<double> ad(a.begin(), a.end()), bd(b.begin(), b.end()), want;
  for (int g = 0; g < sgs; ++g) {
    auto m = matmul8(ad, bd, g * 64);
    for (int i = 0; i < 64; ++i) want.push_back(std::max(0.0, s * m[i] + bias[i % 8]));
  }
  ASSERT_TRUE(near(download<float>(out, want.size()), want, 1e-5, 1e-5));
}


TEST(ThreadElements, FragmentsBuiltAndReadElementwiseMultiplyAsMatrices) {
  auto p = pipeline("thread_elements.metal", "by_elements");
  auto af = random_floats(64, 11), bf = random_floats(64, 12);
  std::vector<std::uint16_t> a(64), b(64);
  std::vector<double> ad(64), bd(64);
  for (int i = 0; i < 64; ++i) {
    ad[i] = runtime::from_f16(a[i] = runtime::to_f16(af[i]));
    bd[i] = runtime::from_f16(b[i] = runtime::to_f16(bf[i]));
  }
  float d = -0.625f;
  auto out = upload(std::vector<float>(64, 0.0f));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(a));
  c.buffers[1] = runtime::Binding::of(upload(b));
  c.buffers[2] = runtime::Binding::of(out);
  c.buffers[3] = runtime::Binding::value(d);
  device().launch(*p, c);
  auto want = matmul8(ad, bd);
  for (int i = 0; i < 8; ++i) want[i * 8 + i] += d;
  ASSERT_TRUE(near(download<float>(out, 64), want, 1e-6, 1e-6));
}

TEST(ThreadElements, InPlaceUpdateOfATransposedTile) {
  auto p = pipeline("thread_elements.metal", "in_place");
  auto a = random_floats(64, 21);
  auto out = upload(std::vector<float>(64, 0.0f));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(a));
  c.buffers[1] = runtime::Binding::of(out);
  device().launch(*p, c);
  std::vector<double> want(64);
  for (int r = 0; r < 8; ++r)
    for (int col = 0; col < 8; ++col) {
      double x = a[col * 8 + r];
      want[r * 8 + col] = x * x - 1.0;
    }
  ASSERT_TRUE(near(download<float>(out, 64), want, 1e-6, 1e-6));
}

TEST(ThreadElements, PartialSimdgroupIsRefused) {
  auto p = pipeline("thread_elements.metal", "lane_map");
  auto out = upload(std::vector<float>(64, 0.0f));
  auto c = config({1, 1, 1}, {16, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  try {
    device().launch(*p, c);
    FAIL() << "a 16-lane simdgroup_store was accepted";
  } catch (const runtime::LaunchError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("simdgroup_store at line 17 needs the 32 lanes of a simdgroup, but this simdgroup has 16"));
  }
}

}  // namespace
}  // namespace tmetal::test
