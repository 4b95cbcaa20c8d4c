// Tiled threadgroup-memory matmul and simdgroup_matrix GEMM (f32, f16, bf16 inputs) against float64
// references on shapes that do not divide the tiles.
#include "emulator_test_support.h"
#include "runtime/half_bits.h"

namespace tmetal::test {
namespace {

struct Dims {
  std::uint32_t M, N, K;
};

std::vector<double> reference(const std::vector<double>& a, const std::vector<double>& b, Dims d) {
  std::vector<double> c(std::size_t{d.M} * d.N, 0.0);
  for (std::uint32_t i = 0; i < d.M; ++i)
    for (std::uint32_t k = 0; k < d.K; ++k)
      for (std::uint32_t j = 0; j < d.N; ++j) c[i * d.N + j] += a[i * d.K + k] * b[k * d.N + j];
  return c;
}

const Dims kShapes[] = {{1, 1, 1}, {16, 16, 16}, {17, 33, 9}, {40, 24, 70}, {64, 8, 31}};

TEST(Matmul, TiledThreadgroupMatmulMatchesFloat64) {
  auto p = pipeline("matmul_tiled.metal", "matmul_tiled");
  for (Dims d : kShapes) {
    auto a = random_floats(std::size_t{d.M} * d.K, d.M + 7), b = random_floats(std::size_t{d.K} * d.N, d.N + 11);
    auto ba = upload(a), bb = upload(b), bc = upload(std::vector<float>(std::size_t{d.M} * d.N, 0.0f));
    auto c = config({(d.N + 15) / 16, (d.M + 15) / 16, 1}, {16, 16, 1});
    c.buffers[0] = runtime::Binding::of(ba);
    c.buffers[1] = runtime::Binding::of(bb);
    c.buffers[2] = runtime::Binding::of(bc);
    c.buffers[3] = runtime::Binding::value(d);
    device().launch(*p, c);
    auto want = reference(std::vector<double>(a.begin(), a.end()), std::vector<double>(b.begin(), b.end()), d);
    ASSERT_TRUE(near(download<float>(bc, want.size()), want, 1e-5, 1e-5)) << d.M << "x" << d.N << "x" << d.K;
  }
}

// Inputs rounded to T (via Encode) so the float64 reference sees exactly what the kernel multiplies.
template <class Bits>
void run_gemm(const char* entry, Bits (*encode)(float), float (*decode)(Bits), double rtol) {
  auto p = pipeline("simdgroup_gemm.metal", entry);
  for (Dims d : kShapes) {
    auto af = random_floats(std::size_t{d.M} * d.K, d.M * 5 + 1), bf = random_floats(std::size_t{d.K} * d.N, d.N * 3 + 2);
    std::vector<Bits> a(af.size()), b(bf.size());
    std::vector<double> ad(af.size()), bd(bf.size());
    for (std::size_t i = 0; i < af.size(); ++i) ad[i] = decode(a[i] = encode(af[i]));
    for (std::size_t i = 0; i < bf.size(); ++i) bd[i] = decode(b[i] = encode(bf[i]));
    auto ba = upload(a), bb = upload(b), bc = upload(std::vector<float>(std::size_t{d.M} * d.N, 0.0f));
    auto c = config({(d.N + 15) / 16, (d.M + 15) / 16, 1}, {128, 1, 1});
    c.buffers[0] = runtime::Binding::of(ba);
    c.buffers[1] = runtime::Binding::of(bb);
    c.buffers[2] = runtime::Binding::of(bc);
    c.buffers[3] = runtime::Binding::value(d);
    device().launch(*p, c);
    auto want = reference(ad, bd, d);
    ASSERT_TRUE(near(download<float>(bc, want.size()), want, 1e-5, rtol)) << entry << " " << d.M << "x" << d.N << "x" << d.K;
  }
}

float f32_identity(float f) { return f; }
float f32_decode(float f) { return f; }

TEST(SimdgroupGemm, Float32) { run_gemm<float>("gemm_f32", f32_identity, f32_decode, 1e-5); }
TEST(SimdgroupGemm, Half) { run_gemm<std::uint16_t>("gemm_f16", runtime::to_f16, runtime::from_f16, 1e-5); }
TEST(SimdgroupGemm, Bfloat) { run_gemm<std::uint16_t>("gemm_bf16", runtime::to_bf16, runtime::from_bf16, 1e-5); }

// simdgroup_load / simdgroup_store are simdgroup-wide: a tile loaded, updated and stored back in place must be
// updated once per step, not once per lane.
TEST(SimdgroupMatrix, InPlaceThreadgroupAccumulatorUpdatesOncePerStep) {
  auto p = pipeline("simdgroup_inplace.metal", "accumulate_in_tile");
  const std::uint32_t steps = 3;
  auto a = random_floats(steps * 64, 41), b = random_floats(steps * 64, 43);
  std::vector<double> want(64, 0.0);
  for (std::uint32_t s = 0; s < steps; ++s)
    for (int i = 0; i < 8; ++i)
      for (int k = 0; k < 8; ++k)
        for (int j = 0; j < 8; ++j) want[i * 8 + j] += double(a[s * 64 + i * 8 + k]) * b[s * 64 + k * 8 + j];
  auto ba = upload(a), bb = upload(b), bc = upload(std::vector<float>(64, 0.0f));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(ba);
  c.buffers[1] = runtime::Binding::of(bb);
  c.buffers[2] = runtime::Binding::of(bc);
  c.buffers[3] = runtime::Binding::value(steps);
  device().launch(*p, c);
  ASSERT_TRUE(near(download<float>(bc, 64), want, 1e-5, 1e-5));
}

}  // namespace
}  // namespace tmetal::test
