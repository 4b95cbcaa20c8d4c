// tl.dot of every M, N and K in {16, 32, 64, 128} (all 16 (M, N) pairs, K over a Latin square so every K
// meets every M and N once), cycling f16 / bf16 / f32 inputs with f32 accumulators and f16 inputs with an
// f16 accumulator; inside a K loop (accumulator carried in simdgroup_matrix registers) and as one dot, B
// row-major, column-major and through tl.trans; ragged runtime M, N, K (masked loads) against float64.
// Kernels: test/e2e/kernels/Inputs/dots.py (dot_tile). One compile per case.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

std::string dots_source() {
  std::ifstream in(std::string(TM_DOTS_FILE));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CompiledKernel compile_dots(const std::string& kernel, const std::string& sig, const std::string& cx, const std::string& target,
                            int num_warps = 4) {
  Specialization spec;
  spec.parse_signature(sig);
  spec.parse_constexpr(cx);
  KernelOptions o;
  o.target = target;
  o.num_warps = num_warps;
  return compile(dots_source(), "dots.py", kernel, spec, o);
}

struct Case {
  int bm, bn, bk;
  std::string in;   // f16, bf16, f32
  bool acc_f16;
  bool trans_b, col_major_b, loop;
  std::string target;
};

std::vector<Case> cases() {
  const int v[4] = {16, 32, 64, 128};
  const char* targets[3] = {"m1", "m3", "m4-max"};
  std::vector<Case> out;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      int combo = (i + 2 * j) % 4;
      Case c;
      c.bm = v[i];
      c.bn = v[j];
      c.bk = v[(i + j) % 4];
      c.in = combo == 1 ? "bf16" : combo == 2 ? "f32" : "f16";
      c.acc_f16 = combo == 3;
      c.trans_b = j % 2 == 1;
      c.col_major_b = (i + j) % 3 == 0;
      c.loop = i % 2 == 0 || j == 3;
      c.target = targets[(i * 4 + j) % 3];
      out.push_back(c);
    }
  return out;
}

class DotShapes : public ::testing::TestWithParam<Case> {};

TEST_P(DotShapes, MatchesFloat64) {
  const Case& c = GetParam();
  std::string t = c.in == "f32" ? "fp32" : c.in == "f16" ? "fp16" : "bf16";
  std::string sig = fmt::format("a_ptr=*{0}:16, b_ptr=*{0}:16, c_ptr=*fp32:16, M=i32, N=i32, K=i32, stride_am=i32, stride_ak=i32, "
                                "stride_bk=i32, stride_bn=i32", t);
  std::string cx = fmt::format("BM={}, BN={}, BK={}, ACC_F16={}, TRANS_B={}, LOOP={}", c.bm, c.bn, c.bk, int(c.acc_f16), int(c.trans_b),
                               int(c.loop));
  int warps = c.bm * c.bn >= 64 * 64 ? 4 : 2;
  CompiledKernel k = compile_dots("dot_tile", sig, cx, c.target, warps);
  const int M = c.bm - 3, N = c.bn - 5, K = c.loop ? 2 * c.bk + 3 : c.bk - 1;
  const int lda = K + 2;
  int sbk = N + 1, sbn = 1;  // row-major B with a padded row
  if (c.col_major_b) sbk = 1, sbn = K + 3;
  interp::HostArray a(c.in, M * lda), b(c.in, (c.col_major_b ? N * sbn : K * sbk)), out("f32", c.bm * c.bn);
  a.fill_random(41);
  b.fill_random(42);
  out.fill_random(43);
  launch(k, emulator(), {1, 1, 1},
         {arg(a), arg(b), arg(out), KernelArg::scalar(M), KernelArg::scalar(N), KernelArg::scalar(K), KernelArg::scalar(lda),
          KernelArg::scalar(1), KernelArg::scalar(sbk), KernelArg::scalar(sbn)});
  std::vector<double> want(c.bm * c.bn, 0.0);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = 0;
      for (int p = 0; p < K; ++p) s += a.get(i * lda + p) * b.get(p * sbk + j * sbn);
      want[i * c.bn + j] = s;
    }
  // f16 accumulation rounds every partial sum to f16 (up to 259 terms here); f32 accumulation of exact products.
  double tol = c.acc_f16 ? 3e-2 : 1e-4;
  EXPECT_TRUE(matches(out, want, tol)) << cx << " " << c.in << " col_major_b=" << c.col_major_b << " on " << c.target;
}

INSTANTIATE_TEST_SUITE_P(Grid, DotShapes, ::testing::ValuesIn(cases()), [](const auto& p) {
  const Case& c = p.param;
  return fmt::format("m{}n{}k{}_{}{}{}{}{}", c.bm, c.bn, c.bk, c.in, c.acc_f16 ? "_acc16" : "", c.trans_b ? "_trans" : "",
                     c.col_major_b ? "_colmajor" : "", c.loop ? "_loop" : "");
});

}  // namespace
}  // namespace tmetal::test
