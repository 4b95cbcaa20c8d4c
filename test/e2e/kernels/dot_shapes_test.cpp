// tl.dot of every M, N and K in {16, 32, 64, 128} (all 16 (M, N) pairs, K over a Latin square so every K
// meets every M and N once), cycling f16 / bf16 / f32 inputs with f32 accumulators and f16 inputs with an
// f16 accumulator; inside a K loop (accumulator carried in simdgroup_matrix registers) and as one dot, A
// row-major and column-major, B row-major, column-major and through tl.trans; ragged runtime M, N, K (masked
// loads) against float64. Half the cases specialize the unit strides by value, as Triton's launcher does for
// integer arguments equal to 1: their loads are contiguous along the unit-stride dimension (coalesce-accesses
// reads a column-major tile down its columns, and the dot stages it transposed); the others gather.
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
  bool trans_b, col_major_a, col_major_b, loop, unit_strides;
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
      c.col_major_a = (2 * i + j) % 3 == 1;
      c.unit_strides = (i + j) % 2 == 0 || c.col_major_a;
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
  if (c.unit_strides) cx += fmt::format(", {}, {}", c.col_major_a ? "stride_am=1" : "stride_ak=1", c.col_major_b ? "stride_bk=1" : "stride_bn=1");
  int warps = c.bm * c.bn >= 64 * 64 ? 4 : 2;
  CompiledKernel k = compile_dots("dot_tile", sig, cx, c.target, warps);
  const int M = c.bm - 3, N = c.bn - 5, K = c.loop ? 2 * c.bk + 3 : c.bk - 1;
  int sam = K + 2, sak = 1;  // row-major A with a padded row
  if (c.col_major_a) sam = 1, sak = M + 2;
  int sbk = N + 1, sbn = 1;  // row-major B with a padded row
  if (c.col_major_b) sbk = 1, sbn = K + 3;
  interp::HostArray a(c.in, c.col_major_a ? K * sak : M * sam), b(c.in, (c.col_major_b ? N * sbn : K * sbk)), out("f32", c.bm * c.bn);
  a.fill_random(41);
  b.fill_random(42);
  out.fill_random(43);
  // A parameter specialized by value is not an argument of the compiled kernel any more.
  std::vector<KernelArg> args = {arg(a), arg(b), arg(out), KernelArg::scalar(M), KernelArg::scalar(N), KernelArg::scalar(K)};
  for (int s : {sam, sak, sbk, sbn})
    if (!(c.unit_strides && s == 1)) args.push_back(KernelArg::scalar(s));
  launch(k, emulator(), {1, 1, 1}, args);
  std::vector<double> want(c.bm * c.bn, 0.0);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = 0;
      for (int p = 0; p < K; ++p) s += a.get(i * sam + p * sak) * b.get(p * sbk + j * sbn);
      want[i * c.bn + j] = s;
    }
  // f16 accumulation rounds every partial sum to f16 (up to 259 terms here); f32 accumulation of exact products.
  double tol = c.acc_f16 ? 3e-2 : 1e-4;
  EXPECT_TRUE(matches(out, want, tol)) << cx << " " << c.in << " col_major_a=" << c.col_major_a << " col_major_b=" << c.col_major_b << " on " << c.target;
}

INSTANTIATE_TEST_SUITE_P(Grid, DotShapes, ::testing::ValuesIn(cases()), [](const auto& p) {
  const Case& c = p.param;
  return fmt::format("m{}n{}k{}_{}{}{}{}{}{}{}", c.bm, c.bn, c.bk, c.in, c.acc_f16 ? "_acc16" : "", c.trans_b ? "_trans" : "",
                     c.col_major_a ? "_colmajorA" : "", c.col_major_b ? "_colmajor" : "", c.unit_strides ? "_unit" : "", c.loop ? "_loop" : "");
});

}  // namespace
}  // namespace tmetal::test
