// cumsum_rows (tl.cumsum), transpose (tl.trans, also inside a loop) and histogram (atomics) on the emulator vs float64 C++
// references, ragged shapes, several dtypes.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

std::string ptr_type(const std::string& d) { return d == "f32" ? "*fp32:16" : d == "f16" ? "*fp16:16" : "*bf16:16"; }

class Shapes : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(Shapes, CumsumRows) {
  auto [target, dtype] = GetParam();
  auto k = compile_example("cumsum_rows", "cumsum_rows_kernel",
                           fmt::format("x_ptr={0}, y_ptr={0}, n_rows=i32, n_cols=i32, row_stride=i32:16", ptr_type(dtype)),
                           "BLOCK_ROWS=16, BLOCK_COLS=256", target);
  const int rows = 37, cols = 200, stride = 208;
  interp::HostArray x(dtype, rows * stride), y(dtype, rows * stride);
  x.fill_random(51);
  y.fill_random(52);
  interp::HostArray y0 = y;
  launch(k, emulator(), {3, 1, 1}, {arg(x), arg(y), KernelArg::scalar(rows), KernelArg::scalar(cols), KernelArg::scalar(stride)});
  std::vector<double> want(rows * stride);
  for (int i = 0; i < rows * stride; ++i) want[i] = y0.get(i);
  for (int r = 0; r < rows; ++r) {
    double s = 0;
    for (int c = 0; c < cols; ++c) want[r * stride + c] = s += x.get(r * stride + c);
  }
  // bf16 partial sums round after every add (up to 200 adds of values in [-1, 1)).
  EXPECT_TRUE(matches(y, want, dtype == "f32" ? 1e-5 : dtype == "f16" ? 2e-2 : 2e-1)) << target << " " << dtype;
}

TEST_P(Shapes, Transpose) {
  auto [target, dtype] = GetParam();
  auto k = compile_example("transpose", "transpose_kernel",
                           fmt::format("in_ptr={0}, out_ptr={0}, M=i32, N=i32, stride_in=i32:16, stride_out=i32:16", ptr_type(dtype)), "BLOCK=32", target);
  const int M = 50, N = 70, si = 80, so = 64;
  interp::HostArray in(dtype, M * si), out(dtype, N * so);
  in.fill_random(61);
  out.fill_random(62);
  interp::HostArray out0 = out;
  launch(k, emulator(), {2, 3, 1}, {arg(in), arg(out), KernelArg::scalar(M), KernelArg::scalar(N), KernelArg::scalar(si), KernelArg::scalar(so)});
  std::vector<double> want(N * so);
  for (int i = 0; i < N * so; ++i) want[i] = out0.get(i);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) want[j * so + i] = in.get(i * si + j);
  EXPECT_TRUE(matches(out, want, 0)) << target << " " << dtype;
}

// A transpose inside a loop (Inputs/ops.py trans_tiles): the conversion through threadgroup memory runs once per
// tile, and its write must wait for the previous tile's reads (the barrier codegen keeps in loops; the suite runs
// under the emulator's race detector, TRITON_METAL_RACECHECK=1, which names a missing one).
TEST_P(Shapes, TransposeInLoop) {
  auto [target, dtype] = GetParam();
  auto k = compile_file(TM_OPS_FILE, "trans_tiles",
                        fmt::format("in_ptr={0}, out_ptr={0}, M=i32, N=i32, n_tiles=i32", ptr_type(dtype)), "BLOCK=32", target);
  const int M = 27, N = 19, tiles = 3;
  interp::HostArray in(dtype, tiles * M * N), out(dtype, tiles * M * N);
  in.fill_random(63);
  out.fill_random(64);
  launch(k, emulator(), {1, 1, 1}, {arg(in), arg(out), KernelArg::scalar(M), KernelArg::scalar(N), KernelArg::scalar(tiles)});
  std::vector<double> want(tiles * M * N);
  for (int t = 0; t < tiles; ++t)
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) want[t * M * N + j * M + i] = in.get(t * M * N + i * N + j);
  EXPECT_TRUE(matches(out, want, 0)) << target << " " << dtype;
}

INSTANTIATE_TEST_SUITE_P(Targets, Shapes,
                         ::testing::Combine(::testing::Values("m1", "m3", "m4-max"), ::testing::Values("f32", "f16", "bf16")));

TEST(Histogram, AtomicCountsMatch) {
  for (std::string target : {"m1", "m3", "m4-max"}) {
    auto k = compile_example("histogram", "histogram_kernel", "values_ptr=*i32:16, bins_ptr=*i32:16, n_values=i32, n_bins=i32",
                             "BLOCK_SIZE=1024", target);
    const int n = 2900, bins = 12;
    interp::HostArray values("i32", 3072), hist("i32", 16);
    values.fill_random(71, -2, 14);  // some values outside [0, bins)
    launch(k, emulator(), {3, 1, 1}, {arg(values), arg(hist), KernelArg::scalar(n), KernelArg::scalar(bins)});
    std::vector<double> want(16, 0);
    for (int i = 0; i < n; ++i) {
      int v = static_cast<int>(values.get(i));
      if (v >= 0 && v < bins) want[v] += 1;
    }
    EXPECT_TRUE(matches(hist, want, 0)) << target;
  }
}

}  // namespace
}  // namespace tmetal::test
