// Threadgroup tree reduction, simd_sum row softmax and simd_prefix_exclusive_sum block scan against
// float64 references over grid and threadgroup shapes, including ones that do not divide the problem.
#include "emulator_test_support.h"

namespace tmetal::test {
namespace {

TEST(Reduce, TreeReductionMatchesFloat64) {
  auto p = pipeline("reduce.metal", "reduce_sum");
  for (std::uint32_t n : {1u, 100u, 1000u, 5003u}) {
    for (std::uint32_t tg : {1u, 32u, 64u, 256u}) {
      for (std::uint32_t groups : {1u, 3u, 8u}) {
        auto x = random_floats(n, n + tg + groups);
        auto bx = upload(x), bp = upload(std::vector<float>(groups, 0.0f));
        auto c = config({groups, 1, 1}, {tg, 1, 1});
        c.buffers[0] = runtime::Binding::of(bx);
        c.buffers[1] = runtime::Binding::of(bp);
        c.buffers[2] = runtime::Binding::value(n);
        c.threadgroup_memory[0] = tg * sizeof(float);
        auto stats = device().launch(*p, c);
        double want = 0, got = 0;
        for (float v : x) want += v;
        for (float v : download<float>(bp, groups)) got += v;
        EXPECT_NEAR(got, want, 1e-5 * n + 1e-6) << "n=" << n << " tg=" << tg << " groups=" << groups;
        std::uint64_t levels = 0;
        for (std::uint32_t s = tg / 2; s > 0; s >>= 1) ++levels;
        EXPECT_EQ(stats.barriers, groups * (levels + 1));
      }
    }
  }
}

TEST(Softmax, RowSoftmaxWithSimdSumMatchesFloat64) {
  auto p = pipeline("softmax.metal", "softmax_rows");
  for (std::uint32_t cols : {1u, 31u, 100u, 513u}) {
    for (std::uint32_t tg : {32u, 48u, 128u, 1024u}) {
      std::uint32_t rows = 5;
      auto x = random_floats(rows * cols, cols * 31 + tg, -8.0f, 8.0f);
      auto bx = upload(x), by = upload(std::vector<float>(rows * cols, 0.0f));
      auto c = config({rows, 1, 1}, {tg, 1, 1});
      c.buffers[0] = runtime::Binding::of(bx);
      c.buffers[1] = runtime::Binding::of(by);
      std::uint32_t shape[2] = {rows, cols};
      c.buffers[2] = runtime::Binding::value(shape);
      auto stats = device().launch(*p, c);
      std::vector<double> want(rows * cols);
      for (std::uint32_t r = 0; r < rows; ++r) {
        double m = -1e300, s = 0;
        for (std::uint32_t j = 0; j < cols; ++j) m = std::max(m, double(x[r * cols + j]));
        for (std::uint32_t j = 0; j < cols; ++j) s += std::exp(double(x[r * cols + j]) - m);
        for (std::uint32_t j = 0; j < cols; ++j) want[r * cols + j] = std::exp(double(x[r * cols + j]) - m) / s;
      }
      ASSERT_TRUE(near(download<float>(by, rows * cols), want, 1e-7, 1e-5)) << "cols=" << cols << " tg=" << tg;
      EXPECT_EQ(stats.simd_collectives, rows * ((tg + 31) / 32) * 4);
    }
  }
}

TEST(PrefixSum, SimdPrefixExclusiveSumBlockScan) {
  auto p = pipeline("prefix_sum.metal", "block_scan");
  for (std::uint32_t n : {1u, 33u, 1000u, 4097u}) {
    for (std::uint32_t tg : {32u, 40u, 256u, 1000u}) {
      std::mt19937 g(n * 3 + tg);
      std::vector<int> x(n);
      for (auto& v : x) v = static_cast<int>(g() % 201) - 100;
      std::uint32_t groups = (n + tg - 1) / tg;
      auto bx = upload(x), bo = upload(std::vector<int>(n, 0)), bs = upload(std::vector<int>(groups, 0));
      auto c = config({n, 1, 1}, {tg, 1, 1}, runtime::Dispatch::Threads);
      c.buffers[0] = runtime::Binding::of(bx);
      c.buffers[1] = runtime::Binding::of(bo);
      c.buffers[2] = runtime::Binding::of(bs);
      c.buffers[3] = runtime::Binding::value(n);
      device().launch(*p, c);
      auto out = download<int>(bo, n);
      auto sums = download<int>(bs, groups);
      for (std::uint32_t b = 0; b < groups; ++b) {
        long long acc = 0;
        for (std::uint32_t i = b * tg; i < std::min(n, (b + 1) * tg); ++i) {
          ASSERT_EQ(out[i], acc) << "n=" << n << " tg=" << tg << " i=" << i;
          acc += x[i];
        }
        ASSERT_EQ(sums[b], acc) << "block " << b;
      }
    }
  }
}

}  // namespace
}  // namespace tmetal::test
