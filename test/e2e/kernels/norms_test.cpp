// layer_norm (forward and backward, with atomics) and rms_norm on the emulator vs float64 C++ references,
// ragged row lengths.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

// float64 references: each row's mean and 1 / sqrt(variance + eps) over `cols` elements (row stride `stride`).
struct RowStats {
  std::vector<double> mean, rstd;
};
RowStats layer_norm_stats(const interp::HostArray& x, int rows, int cols, int stride, double eps) {
  RowStats s{std::vector<double>(rows), std::vector<double>(rows)};
  for (int r = 0; r < rows; ++r) {
    double m = 0, v = 0;
    for (int c = 0; c < cols; ++c) m += x.get(r * stride + c);
    m /= cols;
    for (int c = 0; c < cols; ++c) v += (x.get(r * stride + c) - m) * (x.get(r * stride + c) - m);
    s.mean[r] = m;
    s.rstd[r] = 1 / std::sqrt(v / cols + eps);
  }
  return s;
}

class Norms : public ::testing::TestWithParam<std::string> {};

TEST_P(Norms, LayerNormForwardAndBackward) {
  std::string target = GetParam();
  const int rows = 6, cols = 900, stride = 912;
  auto fwd = compile_example("layer_norm", "layer_norm_fwd",
                             "x_ptr=*fp32:16, y_ptr=*fp32:16, w_ptr=*fp32:16, b_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, row_stride=i32:16, n_cols=i32, eps=fp32",
                             "BLOCK_SIZE=1024", target);
  interp::HostArray x("f32", rows * stride), y("f32", rows * stride), w("f32", cols), b("f32", cols), mean("f32", rows), rstd("f32", rows);
  x.fill_random(31, -3, 3);
  w.fill_random(32);
  b.fill_random(33);
  const double eps = 1e-5;
  launch(fwd, emulator(), {rows, 1, 1},
         {arg(x), arg(y), arg(w), arg(b), arg(mean), arg(rstd), KernelArg::scalar(stride), KernelArg::scalar(cols), KernelArg::scalar_real(eps)});
  const auto [wm, wr] = layer_norm_stats(x, rows, cols, stride, eps);
  std::vector<double> wy(rows * stride);
  for (int i = 0; i < rows * stride; ++i) wy[i] = y.get(i);  // padding untouched
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) wy[r * stride + c] = (x.get(r * stride + c) - wm[r]) * wr[r] * w.get(c) + b.get(c);
  EXPECT_TRUE(matches(mean, wm, 1e-5));
  EXPECT_TRUE(matches(rstd, wr, 1e-5));
  EXPECT_TRUE(matches(y, wy, 1e-5));

  auto bwd = compile_example("layer_norm", "layer_norm_bwd",
                             "dy_ptr=*fp32:16, x_ptr=*fp32:16, w_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, dx_ptr=*fp32:16, dw_ptr=*fp32:16, db_ptr=*fp32:16, row_stride=i32:16, n_cols=i32",
                             "BLOCK_SIZE=1024", target);
  interp::HostArray dy("f32", rows * stride), dx("f32", rows * stride), dw("f32", cols), db("f32", cols);
  dy.fill_random(34);
  interp::HostArray dw0 = dw, db0 = db;  // zeros: the kernel accumulates with atomics
  launch(bwd, emulator(), {rows, 1, 1},
         {arg(dy), arg(x), arg(w), arg(mean), arg(rstd), arg(dx), arg(dw), arg(db), KernelArg::scalar(stride), KernelArg::scalar(cols)});
  std::vector<double> wdx(rows * stride, 0), wdw(cols, 0), wdb(cols, 0);
  interp::HostArray dx0("f32", rows * stride);  // dx starts zero; padding stays zero
  for (int i = 0; i < rows * stride; ++i) wdx[i] = dx0.get(i);
  for (int r = 0; r < rows; ++r) {
    double c1 = 0, c2 = 0;
    std::vector<double> xhat(cols), wdyv(cols);
    for (int c = 0; c < cols; ++c) {
      xhat[c] = (x.get(r * stride + c) - mean.get(r)) * rstd.get(r);
      wdyv[c] = w.get(c) * dy.get(r * stride + c);
      c1 += xhat[c] * wdyv[c];
      c2 += wdyv[c];
    }
    c1 /= cols;
    c2 /= cols;
    for (int c = 0; c < cols; ++c) {
      wdx[r * stride + c] = (wdyv[c] - (xhat[c] * c1 + c2)) * rstd.get(r);
      wdw[c] += dy.get(r * stride + c) * xhat[c];
      wdb[c] += dy.get(r * stride + c);
    }
  }
  EXPECT_TRUE(matches(dx, wdx, 1e-5));
  EXPECT_TRUE(matches(dw, wdw, 1e-5));
  EXPECT_TRUE(matches(db, wdb, 1e-5));
}

TEST_P(Norms, RmsNormFp16) {
  std::string target = GetParam();
  const int rows = 4, cols = 1300, stride = 1312;  // two blocks of 512 plus a ragged one
  auto k = compile_example("rms_norm", "rms_norm_kernel", "x_ptr=*fp16:16, w_ptr=*fp16:16, y_ptr=*fp16:16, row_stride=i32:16, n_cols=i32, eps=fp32",
                           "BLOCK_SIZE=512", target);
  interp::HostArray x("f16", rows * stride), w("f16", cols), y("f16", rows * stride);
  x.fill_random(41, -2, 2);
  w.fill_random(42);
  y.fill_random(43);
  interp::HostArray y0 = y;
  const double eps = 1e-6;
  launch(k, emulator(), {rows, 1, 1}, {arg(x), arg(w), arg(y), KernelArg::scalar(stride), KernelArg::scalar(cols), KernelArg::scalar_real(eps)});
  std::vector<double> want(rows * stride);
  for (int i = 0; i < rows * stride; ++i) want[i] = y0.get(i);
  for (int r = 0; r < rows; ++r) {
    double ss = 0;
    for (int c = 0; c < cols; ++c) ss += x.get(r * stride + c) * x.get(r * stride + c);
    double inv = 1 / std::sqrt(ss / cols + eps);
    for (int c = 0; c < cols; ++c) want[r * stride + c] = x.get(r * stride + c) * inv * w.get(c);
  }
  EXPECT_TRUE(matches(y, want, tolerance("f16", 2)));
}

INSTANTIATE_TEST_SUITE_P(Targets, Norms, ::testing::Values("m1", "m3", "m4-max"));

// layer_norm_fwd and rms_norm with 16-bit data (statistics in f32 inside the kernels), vs float64.
class NormsLowPrecision : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(NormsLowPrecision, LayerNormForward) {
  auto [target, dtype] = GetParam();
  std::string t = dtype == "f16" ? "fp16" : "bf16";
  const int rows = 3, cols = 700, stride = 720;
  auto k = compile_example("layer_norm", "layer_norm_fwd",
                           fmt::format("x_ptr=*{0}:16, y_ptr=*{0}:16, w_ptr=*{0}:16, b_ptr=*{0}:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, row_stride=i32:16, n_cols=i32, eps=fp32", t),
                           "BLOCK_SIZE=1024", target);
  interp::HostArray x(dtype, rows * stride), y(dtype, rows * stride), w(dtype, cols), b(dtype, cols), mean("f32", rows), rstd("f32", rows);
  x.fill_random(171, -3, 3);
  w.fill_random(172);
  b.fill_random(173);
  launch(k, emulator(), {rows, 1, 1},
         {arg(x), arg(y), arg(w), arg(b), arg(mean), arg(rstd), KernelArg::scalar(stride), KernelArg::scalar(cols), KernelArg::scalar_real(1e-5)});
  const auto [wm, wr] = layer_norm_stats(x, rows, cols, stride, 1e-5);
  std::vector<double> wy(rows * stride, 0);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) wy[r * stride + c] = (x.get(r * stride + c) - wm[r]) * wr[r] * w.get(c) + b.get(c);
  EXPECT_TRUE(matches(mean, wm, 1e-5));
  EXPECT_TRUE(matches(rstd, wr, 1e-5));
  EXPECT_TRUE(matches(y, wy, tolerance(dtype, 2))) << target << " " << dtype;
}

// examples/rms_norm.py on `rows` rows of `cols` (row stride `stride`) against float64; y starts random so that
// the padding between rows is checked to be left alone. `cols16`: n_cols specialized as divisible by 16 (the
// bench's signature), so the masked accesses vectorize; `want_msl`: a string the emitted MSL must contain.
void check_rms_norm(const std::string& target, const std::string& dtype, int rows, int cols, int stride, int block, int seed,
                    bool cols16 = false, int num_warps = 4, const std::string& want_msl = "") {
  std::string t = dtype == "f16" ? "fp16" : "bf16";
  auto k = compile_example("rms_norm", "rms_norm_kernel",
                           fmt::format("x_ptr=*{0}:16, w_ptr=*{0}:16, y_ptr=*{0}:16, row_stride=i32:16, n_cols=i32{1}, eps=fp32", t, cols16 ? ":16" : ""),
                           fmt::format("BLOCK_SIZE={}", block), target, num_warps);
  if (!want_msl.empty()) {
    EXPECT_NE(k.msl.find(want_msl), std::string::npos) << "expected in the MSL: " << want_msl;
  }
  interp::HostArray x(dtype, rows * stride), w(dtype, cols), y(dtype, rows * stride);
  x.fill_random(seed, -2, 2);
  w.fill_random(seed + 1);
  y.fill_random(seed + 2);
  interp::HostArray y0 = y;
  launch(k, emulator(), {static_cast<unsigned>(rows), 1, 1},
         {arg(x), arg(w), arg(y), KernelArg::scalar(stride), KernelArg::scalar(cols), KernelArg::scalar_real(1e-6)});
  std::vector<double> want(rows * stride);
  for (int i = 0; i < rows * stride; ++i) want[i] = y0.get(i);
  for (int r = 0; r < rows; ++r) {
    double ss = 0;
    for (int c = 0; c < cols; ++c) ss += x.get(r * stride + c) * x.get(r * stride + c);
    double inv = 1 / std::sqrt(ss / cols + 1e-6);
    // the kernel rounds to f16 before storing into the (possibly bf16) output
    for (int c = 0; c < cols; ++c) want[r * stride + c] = interp::round_to_dtype(x.get(r * stride + c) * inv * w.get(c), "f16");
  }
  EXPECT_TRUE(matches(y, want, tolerance(dtype, 2))) << target << " " << dtype;
}

// A row longer than one block: the kernel's two loops over blocks.
TEST_P(NormsLowPrecision, RmsNorm) {
  auto [target, dtype] = GetParam();
  check_rms_norm(target, dtype, 2, 1100, 1104, 512, 181);
}

// A row that fits in one block takes the kernel's single-pass branch (x read once, kept in registers).
TEST_P(NormsLowPrecision, RmsNormRowInOneBlock) {
  auto [target, dtype] = GetParam();
  check_rms_norm(target, dtype, 3, 1300, 1312, 2048, 191);
}

// n_cols divisible by 16 (the bench's signature) so the masked accesses vectorize. BLOCK_SIZE 2048 over 8
// simdgroups is 8 elements per thread: x, w and y move as one 16-byte uint4 of 8 halves / bfloats per thread,
// on a ragged row (1312 of 2048 columns, the last vectors masked off) with padded rows and on a full row. The
// bench's BLOCK_SIZE 4096 (16 per thread) keeps four 8-byte vectors (assign_layouts.cpp, width_for), and so
// does the two-pass branch with 4 per thread (half4, or a uint2 of bfloat2 words).
TEST_P(NormsLowPrecision, RmsNormSixteenByteAccesses) {
  auto [target, dtype] = GetParam();
  const bool f16 = dtype == "f16";
  check_rms_norm(target, dtype, 3, 1312, 1328, 2048, 201, true, 8, "uint4 tm_v = *reinterpret_cast<const device uint4*>((x_ptr");
  check_rms_norm(target, dtype, 2, 2048, 2048, 2048, 203, true, 8, "*reinterpret_cast<device uint4*>((y_ptr");
  check_rms_norm(target, dtype, 2, 1312, 1328, 4096, 207, true, 8,
                 f16 ? "half4 tm_v = *reinterpret_cast<const device half4*>((x_ptr" : "uint2 tm_v = *reinterpret_cast<const device uint2*>((x_ptr");
  check_rms_norm(target, dtype, 2, 1104, 1120, 512, 205, true, 4,
                 f16 ? "half4 tm_v = *reinterpret_cast<const device half4*>((x_ptr" : "uint2 tm_v = *reinterpret_cast<const device uint2*>((x_ptr");
}

INSTANTIATE_TEST_SUITE_P(Targets, NormsLowPrecision,
                         ::testing::Combine(::testing::Values("m1", "m4-max"), ::testing::Values("f16", "bf16")));

// A layer norm of 16 short rows per program (Inputs/ops.py layer_norm_rows, STATS=0) whose statistics pass through
// elementwise ops before `[:, None]` (the mean's division, rstd's add / sqrt / reciprocal): the reductions'
// partials go through those ops in the rows' own lanes, no threadgroup memory and no barrier (the MSL is
// checked for both), vs float64 on ragged shapes (37 rows of 200 in blocks of 16 x 256), f32 / f16 / bf16.
class NormRows : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

// Inputs/ops.py layer_norm_rows in `dtype` (statistics stored with `stats`), 16 rows of up to 256 per program.
CompiledKernel compile_norm_rows(const std::string& target, const std::string& dtype, bool stats) {
  std::string t = dtype == "f32" ? "fp32" : dtype == "f16" ? "fp16" : "bf16";
  return compile_file(TM_OPS_FILE, "layer_norm_rows",
                      fmt::format("x_ptr=*{0}:16, y_ptr=*{0}:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, n_rows=i32, n_cols=i32, eps=fp32", t),
                      fmt::format("BLOCK_ROWS=16, BLOCK=256, STATS={}", stats ? 1 : 0), target);
}

TEST_P(NormRows, LayerNormChainsStayInRegisters) {
  auto [target, dtype] = GetParam();
  auto k = compile_norm_rows(target, dtype, false);
  EXPECT_EQ(k.msl.find("threadgroup_barrier"), std::string::npos) << k.msl;
  EXPECT_NE(k.msl.find("elementwise op(s), in the input's lines (no threadgroup memory)"), std::string::npos);
  const int rows = 37, cols = 200;
  interp::HostArray x(dtype, rows * cols), y(dtype, rows * cols), unused("f32", 1);
  x.fill_random(221, -3, 3);
  y.fill_random(222);
  launch(k, emulator(), {3, 1, 1},
         {arg(x), arg(y), arg(unused), arg(unused), KernelArg::scalar(rows), KernelArg::scalar(cols), KernelArg::scalar_real(1e-5)});
  const auto [wm, wr] = layer_norm_stats(x, rows, cols, cols, 1e-5);
  std::vector<double> want(rows * cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) want[r * cols + c] = (x.get(r * cols + c) - wm[r]) * wr[r];
  EXPECT_TRUE(matches(y, want, tolerance(dtype, 2))) << target << " " << dtype;
}

// The same with the statistics stored too (layer_norm_rows, STATS=1): the reductions also fill their
// own layout, and the chained ops run both as tensors (for the stores) and on the partials (for `[:, None]`).
TEST_P(NormRows, LayerNormChainsWithStoredStatistics) {
  auto [target, dtype] = GetParam();
  auto k = compile_norm_rows(target, dtype, true);
  EXPECT_NE(k.msl.find("elementwise op(s), in the input's lines (no threadgroup memory)"), std::string::npos);
  const int rows = 37, cols = 200;
  interp::HostArray x(dtype, rows * cols), y(dtype, rows * cols), mean("f32", 48), rstd("f32", 48);
  x.fill_random(223, -3, 3);
  y.fill_random(224);
  mean.fill_random(225);
  rstd.fill_random(226);
  interp::HostArray mean0 = mean, rstd0 = rstd;
  launch(k, emulator(), {3, 1, 1},
         {arg(x), arg(y), arg(mean), arg(rstd), KernelArg::scalar(rows), KernelArg::scalar(cols), KernelArg::scalar_real(1e-5)});
  const RowStats stats = layer_norm_stats(x, rows, cols, cols, 1e-5);
  std::vector<double> want(rows * cols), wm(48), wr(48);
  for (int r = 0; r < 48; ++r) wm[r] = mean0.get(r), wr[r] = rstd0.get(r);  // rows past n_rows untouched
  for (int r = 0; r < rows; ++r) {
    wm[r] = stats.mean[r];
    wr[r] = stats.rstd[r];
    for (int c = 0; c < cols; ++c) want[r * cols + c] = (x.get(r * cols + c) - wm[r]) * wr[r];
  }
  EXPECT_TRUE(matches(y, want, tolerance(dtype, 2))) << target << " " << dtype;
  EXPECT_TRUE(matches(mean, wm, 1e-5)) << target << " " << dtype;
  EXPECT_TRUE(matches(rstd, wr, 1e-5)) << target << " " << dtype;
}

INSTANTIATE_TEST_SUITE_P(Targets, NormRows, ::testing::Combine(::testing::Values("m1", "m3", "m4-max"), ::testing::Values("f32", "f16", "bf16")));

}  // namespace
}  // namespace tmetal::test
