// tl.dot at Triton's standard matmul configurations (tutorial 03's autotune list: 128x256x64 with 8 warps,
// 64x256x32, 128x128x32, 128x64x32, 64x128x32, 128x32x32 with 4, 64x32x32 and 32x64x32 with 2) through
// examples/matmul.py: every config compiles for m1, m3 and m4-max (its accumulator lives in simdgroup_matrix
// registers, so only the A/B stages use threadgroup memory) and runs on the emulator for one of them, on a
// ragged problem of 2x2 programs, against a float64 product.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

struct Config {
  int bm, bn, bk, warps;
};

class DotConfigs : public ::testing::TestWithParam<std::tuple<Config, std::string>> {};

const char* kSignature =
    "a_ptr=*fp16:16, b_ptr=*fp16:16, c_ptr=*fp16:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, "
    "stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32";

TEST_P(DotConfigs, CompilesForEveryTargetAndMatchesFloat64) {
  auto [cfg, run_target] = GetParam();
  std::string blocks = fmt::format("BLOCK_M={}, BLOCK_N={}, BLOCK_K={}, GROUP_M=8", cfg.bm, cfg.bn, cfg.bk);
  for (const char* target : {"m1", "m3", "m4-max"}) {
    CompiledKernel k = compile_example("matmul", "matmul_kernel", kSignature, blocks, target, cfg.warps);
    EXPECT_LE(k.threadgroup_memory_bytes, 32768) << target;
    EXPECT_EQ(k.msl.find("simdgroup_store(tm_acc"), std::string::npos) << "no accumulator round trip";
  }
  CompiledKernel k = compile_example("matmul", "matmul_kernel", kSignature, blocks, run_target, cfg.warps);
  const int M = cfg.bm + 13, N = cfg.bn + 5, K = 2 * cfg.bk + 7;  // 2x2 programs, ragged everywhere, 3 K steps
  const int lda = K + 9, ldb = N + 11, ldc = N + 3;
  interp::HostArray a("f16", M * lda), b("f16", K * ldb), c("f16", M * ldc);
  a.fill_random(31);
  b.fill_random(32);
  c.fill_random(33);
  interp::HostArray before = c;
  launch(k, emulator(), {4, 1, 1},
         {arg(a), arg(b), arg(c), KernelArg::scalar(M), KernelArg::scalar(N), KernelArg::scalar(K), KernelArg::scalar(lda),
          KernelArg::scalar(1), KernelArg::scalar(ldb), KernelArg::scalar(1), KernelArg::scalar(ldc), KernelArg::scalar(1)});
  std::vector<double> want(M * ldc);
  for (int i = 0; i < M * ldc; ++i) want[i] = before.get(i);  // padding columns stay untouched
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = 0;
      for (int p = 0; p < K; ++p) s += a.get(i * lda + p) * b.get(p * ldb + j);
      want[i * ldc + j] = interp::round_to_dtype(s, "f16");
    }
  EXPECT_TRUE(matches(c, want, tolerance("f16", 4))) << blocks << " warps " << cfg.warps << " on " << run_target;
}

INSTANTIATE_TEST_SUITE_P(Tutorial03, DotConfigs,
                         ::testing::Values(std::tuple{Config{128, 256, 64, 8}, std::string("m3")},
                                           std::tuple{Config{64, 256, 32, 4}, std::string("m1")},
                                           std::tuple{Config{128, 128, 32, 4}, std::string("m4-max")},
                                           std::tuple{Config{128, 64, 32, 4}, std::string("m1")},
                                           std::tuple{Config{64, 128, 32, 4}, std::string("m3")},
                                           std::tuple{Config{128, 32, 32, 4}, std::string("m4-max")},
                                           std::tuple{Config{64, 32, 32, 2}, std::string("m1")},
                                           std::tuple{Config{32, 64, 32, 2}, std::string("m3")},
                                           std::tuple{Config{128, 128, 64, 8}, std::string("m1")}),
                         [](const auto& p) {
                           const Config& c = std::get<0>(p.param);
                           return fmt::format("b{}x{}x{}_w{}", c.bm, c.bn, c.bk, c.warps);
                         });

}  // namespace
}  // namespace tmetal::test
