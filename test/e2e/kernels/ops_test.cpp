// test/e2e/kernels/Inputs/ops.py on the emulator vs float64 C++ references: argmax/argmin, integer ops, casts
// and atomics, tl.join, tl.histogram, while loops, a reverse scan, a 1-D cumsum on the simd_prefix path and
// device-memory ordering across the branches of an if.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

CompiledKernel compile_ops(const std::string& kernel, const std::string& sig, const std::string& cx, const std::string& target,
                           int num_warps = 4) {
  std::ifstream in(std::string(TM_OPS_FILE));
  std::stringstream ss;
  ss << in.rdbuf();
  Specialization spec;
  spec.parse_signature(sig);
  if (!cx.empty()) spec.parse_constexpr(cx);
  KernelOptions o;
  o.target = target;
  o.num_warps = num_warps;
  return compile(ss.str(), "ops.py", kernel, spec, o);
}

class Ops : public ::testing::TestWithParam<std::string> {};

TEST_P(Ops, ArgExtrema) {
  auto k = compile_ops("arg_extrema", "x_ptr=*fp32, out_ptr=*i32, n=i32", "BLOCK=256", GetParam());
  const int n = 201;
  interp::HostArray x("f32", n), out("i32", 2);
  x.fill_random(111, -5, 5);
  launch(k, emulator(), {1, 1, 1}, {arg(x), arg(out), KernelArg::scalar(n)});
  int hi = 0, lo = 0;
  for (int i = 1; i < n; ++i) {
    if (x.get(i) > x.get(hi)) hi = i;
    if (x.get(i) < x.get(lo)) lo = i;
  }
  EXPECT_TRUE(matches(out, {double(hi), double(lo)}, 0));
}

TEST_P(Ops, IntegerOpsCastsAndAtomics) {
  auto k = compile_ops("int_ops", "x_ptr=*fp32, y_ptr=*fp32, bins_ptr=*i32, n=i32", "BLOCK=128", GetParam());
  const int n = 300;
  interp::HostArray x("f32", n), y("f32", n), bins("i32", 8);
  x.fill_random(121, -3, 3);
  launch(k, emulator(), {3, 1, 1}, {arg(x), arg(y), arg(bins), KernelArg::scalar(n)});
  std::vector<double> wy(n), wb(8, 0);
  // bins start at zero: atomic_max keeps max(0, w), atomic_add counts.
  for (int o = 0; o < n; ++o) {
    double xv = x.get(o);
    int32_t iv = static_cast<int32_t>(static_cast<float>(xv * 100.0));
    int32_t v = ((iv * 7) >> 2) ^ (iv & 5);
    int32_t w = (v % 13) + (v / 3);  // C semantics: truncation, as Triton's // and % on ints lower to divsi/remsi
    wy[o] = interp::round_to_dtype(static_cast<double>(w), "f16") + std::fmod(xv, 0.5);
    wb[o % 4] = std::max(wb[o % 4], static_cast<double>(w));
    wb[4 + o % 4] += 1;
  }
  EXPECT_TRUE(matches(y, wy, 1e-6));
  EXPECT_TRUE(matches(bins, wb, 0));
}

TEST_P(Ops, JoinAndHistogram) {
  auto k = compile_ops("join_hist", "x_ptr=*i32, pairs_ptr=*i32, hist_ptr=*i32", "", GetParam());
  interp::HostArray x("i32", 64), pairs("i32", 128), hist("i32", 16);
  x.fill_random(131, -2, 17);
  launch(k, emulator(), {1, 1, 1}, {arg(x), arg(pairs), arg(hist)});
  std::vector<double> wp(128), wh(16, 0);
  for (int i = 0; i < 64; ++i) {
    wp[2 * i] = x.get(i);
    wp[2 * i + 1] = 2 * x.get(i);
    if (x.get(i) >= 0 && x.get(i) < 16) wh[static_cast<int>(x.get(i))] += 1;
  }
  EXPECT_TRUE(matches(pairs, wp, 0));
  EXPECT_TRUE(matches(hist, wh, 0));
}

TEST_P(Ops, WhileLoopAndReverseScan) {
  auto k = compile_ops("while_scan", "x_ptr=*fp32, y_ptr=*fp32, n=i32", "BLOCK=128", GetParam());
  const int n = 100;
  interp::HostArray x("f32", n), y("f32", n);
  x.fill_random(141);
  launch(k, emulator(), {1, 1, 1}, {arg(x), arg(y), KernelArg::scalar(n)});
  std::vector<double> want(n);
  double s = 0;
  for (int i = n - 1; i >= 0; --i) want[i] = (s += x.get(i)) * 0.125;
  EXPECT_TRUE(matches(y, want, 1e-5));
}

TEST_P(Ops, Cumsum1dOnSimdPrefixPath) {
  for (int warps : {1, 4}) {
    auto k = compile_ops("cumsum_1d", "x_ptr=*fp32:16, y_ptr=*fp32:16, n=i32", "BLOCK=1024", GetParam(), warps);
    ASSERT_NE(k.msl.find("simd_prefix_exclusive_sum"), std::string::npos);
    const int n = 1000;
    interp::HostArray x("f32", 1024), y("f32", 1024);
    x.fill_random(151);
    launch(k, emulator(), {1, 1, 1}, {arg(x), arg(y), KernelArg::scalar(n)});
    std::vector<double> want(1024);
    double s = 0;
    for (int i = 0; i < 1024; ++i) want[i] = i < n ? (s += x.get(i)) : y.get(i);
    EXPECT_TRUE(matches(y, want, 1e-5));
  }
}

TEST_P(Ops, RowAndColumnReductionsOnTheShufflePath) {
  for (std::string blocks : {"R=16, C=64", "R=64, C=16", "R=8, C=256"}) {
    auto k = compile_ops("reduce_2d", "x_ptr=*fp32, rows_ptr=*fp32, cols_ptr=*fp32, M=i32, N=i32", blocks, GetParam());
    ASSERT_NE(k.msl.find("simd_shuffle_xor"), std::string::npos) << blocks;
    const int M = blocks == "R=8, C=256" ? 7 : 13, N = blocks == "R=64, C=16" ? 15 : 50;
    interp::HostArray x("f32", M * N), rows("f32", 64), cols("f32", 256);
    x.fill_random(161, -4, 4);
    rows.fill_random(162);
    cols.fill_random(163);
    std::vector<double> wr(64), wc(256);
    for (int i = 0; i < 64; ++i) wr[i] = rows.get(i);
    for (int i = 0; i < 256; ++i) wc[i] = cols.get(i);
    launch(k, emulator(), {1, 1, 1}, {arg(x), arg(rows), arg(cols), KernelArg::scalar(M), KernelArg::scalar(N)});
    for (int i = 0; i < M; ++i) {
      double s = 0, m = -1e30;
      for (int j = 0; j < N; ++j) s += x.get(i * N + j), m = std::max(m, x.get(i * N + j));
      wr[i] = s + m;
    }
    for (int j = 0; j < N; ++j) {
      double s = 0, m = 1e30;
      for (int i = 0; i < M; ++i) s += x.get(i * N + j), m = std::min(m, x.get(i * N + j));
      wc[j] = s - m;
    }
    EXPECT_TRUE(matches(rows, wr, 1e-5)) << blocks;
    EXPECT_TRUE(matches(cols, wc, 1e-5)) << blocks;
  }
}

TEST_P(Ops, LoopWithARuntimeNegativeStep) {
  auto k = compile_ops("countdown", "x_ptr=*fp32, y_ptr=*fp32, n=i32, step=i32", "", GetParam());
  interp::HostArray x("f32", 640), y("f32", 64);
  x.fill_random(191);
  for (int step : {-1, -3, 2}) {
    launch(k, emulator(), {1, 1, 1}, {arg(x), arg(y), KernelArg::scalar(9), KernelArg::scalar(step)});
    std::vector<double> want(64, 0);
    for (int i = 9; step > 0 ? i < 0 : i > 0; i += step)
      for (int e = 0; e < 64; ++e) want[e] = want[e] * 0.5 + x.get(i * 64 + e);
    EXPECT_TRUE(matches(y, want, 1e-6)) << "step " << step;
  }
}

// Device-memory ordering across an scf.if: the then branch stores y, and after the if every thread reads
// another thread's element of y, so a device barrier must sit between them whichever branch ran (a barrier in
// the else branch, which does not run, orders nothing); the else branch's store of x needs none (the then
// branch's load of x did not run). Ragged n, both branches.
TEST_P(Ops, DeviceOrderAcrossIfBranches) {
  auto k = compile_ops("branch_then_reload", "x_ptr=*fp32, y_ptr=*fp32, n=i32, flag=i32", "BLOCK=256", GetParam());
  const int n = 203, block = 256;
  for (int flag : {1, 0}) {
    interp::HostArray x("f32", n), y("f32", 2 * block);
    x.fill_random(201 + flag);
    y.fill_random(203 + flag);
    interp::HostArray x0 = x, y0 = y;
    launch(k, emulator(), {1, 1, 1}, {arg(x), arg(y), KernelArg::scalar(n), KernelArg::scalar(flag)});
    std::vector<double> wy(2 * block), wx(n);
    for (int i = 0; i < 2 * block; ++i) wy[i] = y0.get(i);
    for (int i = 0; i < n; ++i) wx[i] = flag ? x0.get(i) : 0.0;
    if (flag)
      for (int i = 0; i < n; ++i) wy[i] = x0.get(i);
    for (int i = 0; i < n; ++i) wy[block + i] = wy[n - 1 - i];
    EXPECT_TRUE(matches(y, wy, 0)) << "flag " << flag;
    EXPECT_TRUE(matches(x, wx, 0)) << "flag " << flag;
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, Ops, ::testing::Values("m1", "m3"));

}  // namespace
}  // namespace tmetal::test
