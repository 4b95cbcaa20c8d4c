// Atomic histogram (threadgroup and device atomic_uint, atomic_float) and a templated kernel specialized
// by function constants, against float64 references.
#include "emulator_test_support.h"

namespace tmetal::test {
namespace {

TEST(Histogram, AtomicBinsAndFloatSum) {
  auto p = pipeline("histogram.metal", "histogram");
  for (std::uint32_t n : {1u, 1000u, 6001u}) {
    for (std::uint32_t tg : {16u, 64u, 100u}) {
      auto v = random_floats(n, n + tg, 0.0f, 1.0f);
      auto bv = upload(v), bh = upload(std::vector<std::uint32_t>(64, 0)), bt = upload(std::vector<float>(1, 0.0f));
      auto c = config({3, 1, 1}, {tg, 1, 1});
      c.buffers[0] = runtime::Binding::of(bv);
      c.buffers[1] = runtime::Binding::of(bh);
      c.buffers[2] = runtime::Binding::of(bt);
      c.buffers[3] = runtime::Binding::value(n);
      device().launch(*p, c);
      std::vector<std::uint32_t> want(64, 0);
      double sum = 0;
      for (float x : v) {
        want[std::min(63u, static_cast<std::uint32_t>(x * 64.0f))]++;
        sum += x;
      }
      EXPECT_EQ(download<std::uint32_t>(bh, 64), want) << n << " " << tg;
      EXPECT_NEAR(download<float>(bt, 1)[0], sum, 1e-5 * n + 1e-6);
    }
  }
}

double gelu(double f) { return 0.5 * f * (1.0 + std::tanh(0.7978845608 * (f + 0.044715 * f * f * f))); }

TEST(FunctionConstants, TemplatedKernelSpecializedByConstants) {
  struct Case {
    int activation;
    bool bias;
  };
  for (Case k : {Case{0, false}, Case{1, true}, Case{2, true}, Case{2, false}}) {
    runtime::FunctionConstants fcs{{"0", 1.5}, {"activation", std::int64_t{k.activation}}};
    if (k.bias) fcs["2"] = -0.25;
    auto p = pipeline("scaled_activation.metal", "scaled_activation_f32", fcs);
    for (auto [cols, rows, tx, ty] : {std::array<std::uint32_t, 4>{7, 5, 4, 4}, {33, 17, 8, 2}, {64, 3, 32, 1}}) {
      auto x = random_floats(cols * rows, cols + rows + k.activation, -3.0f, 3.0f);
      auto bx = upload(x), by = upload(std::vector<float>(x.size(), 0.0f));
      auto c = config({(cols + tx - 1) / tx, (rows + ty - 1) / ty, 1}, {tx, ty, 1});
      c.buffers[0] = runtime::Binding::of(bx);
      c.buffers[1] = runtime::Binding::of(by);
      std::uint32_t size[2] = {cols, rows};
      c.buffers[2] = runtime::Binding::value(size);
      device().launch(*p, c);
      std::vector<double> want(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) {
        double v = 1.5 * x[i] + (k.bias ? -0.25 : 0.0);
        want[i] = k.activation == 1 ? std::max(v, 0.0) : k.activation == 2 ? gelu(v) : v;
      }
      ASSERT_TRUE(near(download<float>(by, x.size()), want, 1e-6, 1e-5)) << k.activation << " " << k.bias;
    }
  }
}

TEST(FunctionConstants, HalfInstantiationRoundsToHalf) {
  runtime::FunctionConstants fcs{{"0", 2.0}, {"1", std::int64_t{1}}};
  auto p = pipeline("scaled_activation.metal", "scaled_activation_f16", fcs);
  std::uint32_t cols = 45, rows = 3;
  auto xf = random_floats(cols * rows, 99, -4.0f, 4.0f);
  std::vector<_Float16> x(xf.begin(), xf.end());
  auto bx = upload(x), by = upload(std::vector<_Float16>(x.size(), _Float16(0)));
  auto c = config({cols, rows, 1}, {8, 2, 1}, runtime::Dispatch::Threads);
  c.buffers[0] = runtime::Binding::of(bx);
  c.buffers[1] = runtime::Binding::of(by);
  std::uint32_t size[2] = {cols, rows};
  c.buffers[2] = runtime::Binding::value(size);
  device().launch(*p, c);
  auto got = download<_Float16>(by, x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    double want = std::max(2.0 * double(x[i]), 0.0);
    ASSERT_EQ(double(got[i]), double(static_cast<_Float16>(want))) << i;
  }
}

}  // namespace
}  // namespace tmetal::test
