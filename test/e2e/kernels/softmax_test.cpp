// examples/fused_softmax.py on the emulator: ragged row lengths, padded row strides, vs a float64 softmax.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

class Softmax : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(Softmax, MatchesFloat64Reference) {
  auto [target, dtype] = GetParam();
  std::string t = dtype == "f32" ? "fp32" : dtype == "f16" ? "fp16" : "bf16";
  auto k = compile_example("fused_softmax", "softmax_kernel",
                           fmt::format("out_ptr=*{0}:16, in_ptr=*{0}:16, in_row_stride=i32, out_row_stride=i32, n_rows=i32, n_cols=i32", t),
                           "BLOCK_SIZE=256", target);
  const int rows = 5, cols = 181, in_stride = 190, out_stride = 185;
  interp::HostArray in(dtype, rows * in_stride), out(dtype, rows * out_stride);
  in.fill_random(11, -6, 6);
  out.fill_random(12);
  interp::HostArray before = out;
  launch(k, emulator(), {rows, 1, 1},
         {arg(out), arg(in), KernelArg::scalar(in_stride), KernelArg::scalar(out_stride), KernelArg::scalar(rows), KernelArg::scalar(cols)});
  std::vector<double> want(rows * out_stride);
  for (int i = 0; i < rows * out_stride; ++i) want[i] = before.get(i);  // padding untouched
  for (int r = 0; r < rows; ++r) {
    double m = -INFINITY, s = 0;
    for (int c = 0; c < cols; ++c) m = std::max(m, in.get(r * in_stride + c));
    for (int c = 0; c < cols; ++c) s += std::exp(in.get(r * in_stride + c) - m);
    for (int c = 0; c < cols; ++c) want[r * out_stride + c] = std::exp(in.get(r * in_stride + c) - m) / s;
  }
  EXPECT_TRUE(matches(out, want, tolerance(dtype, 2))) << target << " " << dtype;
}

INSTANTIATE_TEST_SUITE_P(Targets, Softmax,
                         ::testing::Combine(::testing::Values("m1", "m3", "m4-max"), ::testing::Values("f32", "f16", "bf16")));

}  // namespace
}  // namespace tmetal::test
