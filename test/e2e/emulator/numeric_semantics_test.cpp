// Metal's numeric semantics on the emulator, where C++'s differ (each a silent wrong result before): float
// calls stay float with bfloat overloads in fast::/precise::, unsuffixed literals are float, half literals and
// integer -> half/bfloat conversions round once, and numeric_limits / type traits of metal_stdlib.
// The kernel lives in semantics/, not kernels/: the CUDA proxy (which compiles every kernels/ file) does not
// have metal::numeric_limits and defines its own bfloat fast:: overloads yet.
#include "emulator_test_support.h"

#include <cstring>

namespace tmetal::test {
namespace {

float from_half_bits(std::uint16_t h) {
  int e = (h >> 10) & 31, m = h & 1023;
  double v = e == 0 ? std::ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : std::ldexp(1024 + m, e - 25);
  return static_cast<float>((h & 0x8000) ? -v : v);
}
float from_bf16_bits(std::uint16_t b) {
  std::uint32_t u = std::uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
// The 16-bit pattern nearest to v (ties to an even pattern), by search over every finite pattern: an
// independent reference for the emulator's rounding.
template <class Decode> std::uint16_t nearest(double v, Decode decode, std::uint16_t inf_bits, double overflow_at) {
  if (std::fabs(v) >= overflow_at) return static_cast<std::uint16_t>((v < 0 ? 0x8000 : 0) | inf_bits);
  std::uint16_t best = 0;
  double best_d = INFINITY;
  for (std::uint32_t b = 0; b < 0x10000; ++b) {
    double f = decode(static_cast<std::uint16_t>(b));
    if (!std::isfinite(f)) continue;
    double d = std::fabs(f - v);
    if (d < best_d || (d == best_d && (b & 1) == 0 && std::signbit(f) == std::signbit(v))) {
      best_d = d;
      best = static_cast<std::uint16_t>(b);
    }
  }
  return best;
}

TEST(NumericSemantics, FastAndPreciseFloatCallsStayFloatWithBfloatOverloads) {
  auto p = pipeline("../semantics/numeric_semantics.metal", "bfloat_overloads");
  std::uint32_t n = 64;
  auto x = random_floats(n, 21, -1.5f, 1.5f);
  x[0] = 1.2345678f;  // the reported case: 3.43689, not bf16's 3.4375
  auto out = upload(std::vector<float>(n * 6, 0.0f));
  auto bout = upload(std::vector<std::uint16_t>(n, 0));
  auto c = config({n, 1, 1}, {32, 1, 1}, runtime::Dispatch::Threads);
  c.buffers[0] = runtime::Binding::of(upload(x));
  c.buffers[1] = runtime::Binding::of(out);
  c.buffers[2] = runtime::Binding::of(bout);
  device().launch(*p, c);
  auto got = download<float>(out, n * 6);
  std::vector<double> want(n * 6);
  for (std::uint32_t i = 0; i < n; ++i) {
    double v = x[i];
    double w[6] = {std::exp(v), 1.0 / std::sqrt(v + 2.0), std::tanh(v), std::exp(v), std::log(v + 2.0), std::sqrt(v + 2.0)};
    for (int k = 0; k < 6; ++k) want[i * 6 + k] = w[k];
  }
  EXPECT_TRUE(near(got, want, 1e-6, 1e-6));
  EXPECT_NEAR(got[0], 3.43689, 1e-5);
  auto b = download<std::uint16_t>(bout, n);
  for (std::uint32_t i = 0; i < n; ++i) {
    double e = std::exp(double(from_bf16_bits(nearest(x[i], from_bf16_bits, 0x7f80, 3.4e38))));
    EXPECT_NEAR(from_bf16_bits(b[i]), e, std::fabs(e) * 1.0 / 128) << i;  // bf16 result, within one bf16 ulp
  }
}

TEST(NumericSemantics, UnsuffixedFloatingLiteralsAreSinglePrecision) {
  auto p = pipeline("../semantics/numeric_semantics.metal", "literals");
  std::uint32_t n = 200;
  auto x = random_floats(n + 1, 22, -100.0f, 100.0f);
  x[0] = 16777216.0f;  // 2^24
  auto out = upload(std::vector<float>(n * 4, 1.0f));
  auto c = config({n, 1, 1}, {64, 1, 1}, runtime::Dispatch::Threads);
  c.buffers[0] = runtime::Binding::of(upload(x));
  c.buffers[1] = runtime::Binding::of(out);
  device().launch(*p, c);
  auto got = download<float>(out, n * 4);
  int differs_from_double = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    volatile float a = x[0], one = 1.0f, v = x[i + 1];
    float w0 = (a + one) - a;  // float arithmetic: 0
    float w1 = v * 0.1f, w2 = v / 3.0f + 1e-3f, w3 = 3.0f * v;
    EXPECT_EQ(got[i * 4 + 0], w0) << i;
    EXPECT_EQ(got[i * 4 + 1], w1) << i;
    EXPECT_EQ(got[i * 4 + 2], w2) << i;
    EXPECT_EQ(got[i * 4 + 3], w3) << i;
    differs_from_double += static_cast<float>(double(v) * 0.1) != w1;
  }
  EXPECT_EQ(got[0], 0.0f);
  EXPECT_GT(differs_from_double, 0);  // the data can tell the two semantics apart
}

TEST(NumericSemantics, HalfLiteralsAndIntegerConversionsRoundOnce) {
  auto p = pipeline("../semantics/numeric_semantics.metal", "conversions");
  std::uint32_t n = 64;
  std::vector<std::int32_t> v(n);
  std::mt19937 g(23);
  for (auto& k : v) k = static_cast<std::int32_t>(g() % 200000000u);
  v[0] = 16842753;  // 2^24 + 2^16 + 1: through float it would round to 2^24 in bfloat; once: 2^24 + 2^17
  auto bits = upload(std::vector<std::uint16_t>(n * 6, 0));
  auto c = config({n, 1, 1}, {32, 1, 1}, runtime::Dispatch::Threads);
  c.buffers[0] = runtime::Binding::of(upload(v));
  c.buffers[1] = runtime::Binding::of(bits);
  device().launch(*p, c);
  auto got = download<std::uint16_t>(bits, n * 6);
  const double lits[4] = {0.1, 1.000488282, 65519.99, 3.14159};
  for (std::uint32_t i = 0; i < n; ++i) {
    EXPECT_EQ(got[i * 6 + 0], nearest(lits[i % 4], from_half_bits, 0x7c00, 65520.0)) << i;
    EXPECT_EQ(got[i * 6 + 1], nearest(double(v[i]), from_bf16_bits, 0x7f80, 3.4e38)) << i;
    EXPECT_EQ(got[i * 6 + 2], nearest(double(v[i] % 65536), from_half_bits, 0x7c00, 65520.0)) << i;
    EXPECT_EQ(got[i * 6 + 3], nearest(double(v[i] % 4096) * 0.25, from_half_bits, 0x7c00, 65520.0)) << i;
    int a = v[i] & 255, b = (v[i] >> 8) & 255;
    EXPECT_EQ(got[i * 6 + 4], a + b) << i;
    EXPECT_EQ(got[i * 6 + 5], (a + b) & 255) << i;
  }
  EXPECT_EQ(got[1], 0x4b81);  // bfloat(16842753) = 2^24 + 2^17
  EXPECT_EQ(got[6], 0x3c01);  // 1.000488282h: 1 + 2^-10 (through float: 1.0)
}

TEST(NumericSemantics, NumericLimitsAndTypeTraits) {
  auto p = pipeline("../semantics/numeric_semantics.metal", "limits");
  auto out = upload(std::vector<float>(10, -7.0f));
  auto c = config({1, 1, 1}, {1, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  device().launch(*p, c);
  auto got = download<float>(out, 10);
  EXPECT_EQ(got[0], 65504.0f);
  EXPECT_EQ(got[1], std::ldexp(1.0f, -10));
  EXPECT_EQ(got[2], from_bf16_bits(0x7f7f));
  EXPECT_EQ(got[3], std::ldexp(1.0f, -7));
  EXPECT_EQ(got[4], std::numeric_limits<float>::max());
  EXPECT_EQ(got[5], 2147483648.0f);
  EXPECT_EQ(got[6], -65504.0f);
  EXPECT_EQ(got[7], 1.0f);
  EXPECT_EQ(got[8], 1.0f);
  EXPECT_EQ(got[9], 1.0f);
}

}  // namespace
}  // namespace tmetal::test
