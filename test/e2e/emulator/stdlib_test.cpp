// metal_stdlib on the emulator against float64 references: math functions, vectors and swizzles, packed
// vectors, integer functions, as_type, and half / bfloat rounding (round to nearest even, exhaustive for
// half's bit patterns).
#include "emulator_test_support.h"

namespace tmetal::test {
namespace {

TEST(Stdlib, MathFunctionsMatchFloat64) {
  auto p = pipeline("stdlib_check.metal", "math_functions");
  std::uint32_t n = 300;
  auto x = random_floats(n, 5, -2.0f, 2.0f);
  auto bo = upload(std::vector<float>(n * 16, 0.0f));
  auto c = config({n, 1, 1}, {64, 1, 1}, runtime::Dispatch::Threads);
  c.buffers[0] = runtime::Binding::of(upload(x));
  c.buffers[1] = runtime::Binding::of(bo);
  c.buffers[2] = runtime::Binding::value(n);
  device().launch(*p, c);
  auto got = download<float>(bo, n * 16);
  std::vector<double> want(n * 16);
  for (std::uint32_t i = 0; i < n; ++i) {
    double v = x[i];
    double* o = &want[i * 16];
    o[0] = std::exp(v);
    o[1] = std::exp2(v);
    o[2] = std::log(std::fabs(v) + 1.0);
    o[3] = std::sqrt(std::fabs(v));
    o[4] = 1.0 / std::sqrt(std::fabs(v) + 0.5);
    o[5] = std::sin(v) + std::cos(v);
    o[6] = std::tanh(v);
    o[7] = std::clamp(v, -0.5, 0.5);
    o[8] = v + (1.0 - v) * 0.25;
    o[9] = v * v + 1.0;
    o[10] = std::clamp(v, 0.0, 1.0);
    o[11] = std::fabs(v);
    o[12] = std::pow(std::fabs(v), 1.5);
    o[13] = std::floor(double(x[i] * 3.0f)) + (v - std::floor(v));
    o[14] = std::max(v, 0.25) - std::min(v, -0.25);
    o[15] = std::atan2(v, 1.5);
  }
  EXPECT_TRUE(near(got, want, 1e-6, 2e-6));
}

TEST(Stdlib, VectorsSwizzlesPackedAndIntegerFunctions) {
  auto p = pipeline("stdlib_check.metal", "vector_and_integer");
  std::uint32_t n = 50;
  auto x = random_floats(n * 4, 9, -3.0f, 3.0f);
  auto bo = upload(std::vector<float>(n * 8, 0.0f));
  auto bi = upload(std::vector<std::int32_t>(n * 8, 0));
  auto bp = upload(std::vector<float>(n * 3, 0.0f));
  auto c = config({n, 1, 1}, {16, 1, 1}, runtime::Dispatch::Threads);
  c.buffers[0] = runtime::Binding::of(upload(x));
  c.buffers[1] = runtime::Binding::of(bo);
  c.buffers[2] = runtime::Binding::of(bi);
  c.buffers[3] = runtime::Binding::of(bp);
  device().launch(*p, c);
  auto out = download<float>(bo, n * 8);
  auto iout = download<std::int32_t>(bi, n * 8);
  auto packed = download<float>(bp, n * 3);
  for (std::uint32_t i = 0; i < n; ++i) {
    const float* v = &x[i * 4];
    double w[4] = {2.0 * v[2], 2.0 * v[3], v[1] + 1.0, v[0] - 1.0};  // v.wzyx, then xy = yx*2, zw += (1,-1)
    double cr[3] = {v[1], -double(v[0]), 0.0};
    double d = 0;
    for (int k = 0; k < 4; ++k) d += double(v[k]) * v[k];
    double last = d + std::sqrt(double(v[0]) * v[0] + double(v[1]) * v[1]) + std::fabs(v[3]);
    std::vector<double> want = {w[0], w[1], w[2], w[3], cr[0], cr[1], cr[2], last};
    std::vector<float> got(out.begin() + i * 8, out.begin() + i * 8 + 8);
    ASSERT_TRUE(near(got, want, 1e-5, 1e-5)) << i;
    std::int32_t k[4];
    for (int j = 0; j < 4; ++j) k[j] = static_cast<std::int32_t>(v[j] * 100.0f);
    std::uint32_t bits;
    std::memcpy(&bits, &v[0], 4);
    auto ua = [](std::int32_t a) { return static_cast<std::uint32_t>(a < 0 ? -a : a); };
    std::int32_t wi[8] = {__builtin_popcount(ua(k[0])), __builtin_clz(ua(k[1]) + 1u), __builtin_ctz(ua(k[2]) | 256u),
                          static_cast<std::int32_t>(k[0] > k[1] ? k[0] - k[1] : k[1] - k[0]),
                          static_cast<std::int32_t>((std::int64_t{k[0]} * 123456789) >> 32), static_cast<std::int32_t>(bits >> 23),
                          std::max(k[2], k[3]), 1};
    for (int j = 0; j < 8; ++j) ASSERT_EQ(iout[i * 8 + j], wi[j]) << i << " " << j;
    for (int j = 0; j < 3; ++j) ASSERT_EQ(packed[i * 3 + j], v[j] + 1.0f);
  }
}

TEST(Stdlib, HalfAndBfloatRoundToNearestEven) {
  auto p = pipeline("stdlib_check.metal", "half_bfloat");
  std::uint32_t n = 65536;
  auto x = random_floats(n, 3, -70000.0f, 70000.0f);
  for (std::uint32_t i = 0; i < 2000; ++i) x[i] = std::ldexp(x[i] / 70000.0f, -14 - static_cast<int>(i % 12));  // subnormals
  x[2000] = 65520.0f;   // rounds to infinity
  x[2001] = 65519.99f;  // rounds to 65504
  auto bh = upload(std::vector<_Float16>(n)), bb = upload(std::vector<std::uint16_t>(n)), bs = upload(std::vector<_Float16>(n));
  auto br = upload(std::vector<std::uint16_t>(n));
  auto c = config({n / 256, 1, 1}, {256, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(x));
  c.buffers[1] = runtime::Binding::of(bh);
  c.buffers[2] = runtime::Binding::of(bb);
  c.buffers[3] = runtime::Binding::of(bs);
  c.buffers[4] = runtime::Binding::of(br);
  device().launch(*p, c);
  auto h = download<_Float16>(bh, n);
  auto b = download<std::uint16_t>(bb, n);
  auto s = download<_Float16>(bs, n);
  auto r = download<std::uint16_t>(br, n);
  for (std::uint32_t i = 0; i < n; ++i) {
    _Float16 want = static_cast<_Float16>(x[i]);  // GCC's conversion rounds to nearest even
    ASSERT_EQ(std::memcmp(&h[i], &want, 2), 0) << x[i];
    std::uint32_t u;
    std::memcpy(&u, &x[i], 4);
    std::uint16_t wb = static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
    ASSERT_EQ(b[i], wb) << x[i];
    _Float16 sq = static_cast<_Float16>(static_cast<float>(want) * static_cast<float>(want));  // rounded to half
    _Float16 ws = static_cast<_Float16>(static_cast<float>(sq) + 1.0f);
    ASSERT_EQ(std::memcmp(&s[i], &ws, 2), 0) << x[i];
    std::uint16_t wr = static_cast<std::uint16_t>(i);
    if ((wr & 0x7c00) == 0x7c00 && (wr & 0x3ff)) wr = 0x7e00;  // NaN
    ASSERT_EQ(r[i], wr) << i;
  }
}

}  // namespace
}  // namespace tmetal::test
