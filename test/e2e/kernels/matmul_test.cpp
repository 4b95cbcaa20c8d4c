// examples/matmul.py on the emulator: C = A @ B with M, N, K not multiples of the blocks, grouped program
// order, f16 / bf16 / f32 inputs with f32 accumulation, vs a float64 matrix product.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

class Matmul : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(Matmul, MatchesFloat64Reference) {
  auto [target, dtype] = GetParam();
  std::string t = dtype == "f32" ? "fp32" : dtype == "f16" ? "fp16" : "bf16";
  // f32 inputs at 64x64x32 need 32 KiB of staging plus the accumulator: use 32x32x32 blocks for f32.
  std::string blocks = dtype == "f32" ? "BLOCK_M=32, BLOCK_N=32, BLOCK_K=32, GROUP_M=2" : "BLOCK_M=64, BLOCK_N=64, BLOCK_K=32, GROUP_M=2";
  int bm = dtype == "f32" ? 32 : 64, bn = bm;
  auto k = compile_example("matmul", "matmul_kernel",
                           fmt::format("a_ptr=*{0}:16, b_ptr=*{0}:16, c_ptr=*{0}:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, "
                                       "stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32", t),
                           blocks, target);
  const int M = 70, N = 45, K = 83;  // ragged in every dimension
  const int lda = 96, ldb = 48, ldc = 48;
  interp::HostArray a(dtype, M * lda), b(dtype, K * ldb), c(dtype, M * ldc);
  a.fill_random(21);
  b.fill_random(22);
  c.fill_random(23);
  interp::HostArray before = c;
  uint32_t programs = static_cast<uint32_t>(((M + bm - 1) / bm) * ((N + bn - 1) / bn));
  launch(k, emulator(), {programs, 1, 1},
         {arg(a), arg(b), arg(c), KernelArg::scalar(M), KernelArg::scalar(N), KernelArg::scalar(K), KernelArg::scalar(lda),
          KernelArg::scalar(1), KernelArg::scalar(ldb), KernelArg::scalar(1), KernelArg::scalar(ldc), KernelArg::scalar(1)});
  std::vector<double> want(M * ldc);
  for (int i = 0; i < M * ldc; ++i) want[i] = before.get(i);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = 0;
      for (int p = 0; p < K; ++p) s += a.get(i * lda + p) * b.get(p * ldb + j);
      want[i * ldc + j] = interp::round_to_dtype(s, "f16");  // the kernel stores acc.to(tl.float16)
    }
  // K = 83 products of values in [-1, 1): sums up to ~10; the output is rounded to the dtype. The kernel stores
  // acc.to(tl.float16) whatever the input dtype, so an f32 sum next to an f16 rounding boundary may round to the
  // neighbouring half (one f16 ulp: at most 2^-10 relative); f32 inputs get that much and no more.
  double tol = dtype == "f32" ? std::ldexp(1.0, -10) : tolerance(dtype, 4);
  EXPECT_TRUE(matches(c, want, tol)) << target << " " << dtype;
}

INSTANTIATE_TEST_SUITE_P(Targets, Matmul,
                         ::testing::Combine(::testing::Values("m1", "m3", "m4-max"), ::testing::Values("f16", "bf16", "f32")));

}  // namespace
}  // namespace tmetal::test
