// examples/softmax_short_rows.py on the emulator: several rows per program as a [BLOCK_ROWS, BLOCK_SIZE] tile,
// each row reduced inside one simdgroup (assign-layouts keeps the simdgroups off the reduced axis). Ragged row
// counts and lengths, padded row strides, f32/f16/bf16, 1/2/4/8 simdgroups, vs a float64 softmax.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

struct ShortRows {
  int block_rows, block_size, num_warps;
  int rows, cols;  // rows need not fill the last program; cols <= block_size
};

class SoftmaxShortRows : public ::testing::TestWithParam<std::tuple<std::string, ShortRows>> {};

TEST_P(SoftmaxShortRows, MatchesFloat64Reference) {
  auto [dtype, c] = GetParam();
  std::string t = dtype == "f32" ? "fp32" : dtype == "f16" ? "fp16" : "bf16";
  auto k = compile_example("softmax_short_rows", "softmax_rows_kernel",
                           fmt::format("out_ptr=*{0}:16, in_ptr=*{0}:16, in_row_stride=i32, out_row_stride=i32, n_rows=i32, n_cols=i32", t),
                           fmt::format("BLOCK_ROWS={}, BLOCK_SIZE={}", c.block_rows, c.block_size), "m3", c.num_warps);
  const int in_stride = c.cols + 5, out_stride = c.cols + 3;
  interp::HostArray in(dtype, c.rows * in_stride), out(dtype, c.rows * out_stride);
  in.fill_random(61 + c.cols, -6, 6);
  out.fill_random(62);
  interp::HostArray before = out;
  const unsigned programs = static_cast<unsigned>((c.rows + c.block_rows - 1) / c.block_rows);
  launch(k, emulator(), {programs, 1, 1},
         {arg(out), arg(in), KernelArg::scalar(in_stride), KernelArg::scalar(out_stride), KernelArg::scalar(c.rows), KernelArg::scalar(c.cols)});
  std::vector<double> want(c.rows * out_stride);
  for (int i = 0; i < c.rows * out_stride; ++i) want[i] = before.get(i);  // padding untouched
  for (int r = 0; r < c.rows; ++r) {
    double m = -INFINITY, s = 0;
    for (int j = 0; j < c.cols; ++j) m = std::max(m, in.get(r * in_stride + j));
    for (int j = 0; j < c.cols; ++j) s += std::exp(in.get(r * in_stride + j) - m);
    for (int j = 0; j < c.cols; ++j) want[r * out_stride + j] = std::exp(in.get(r * in_stride + j) - m) / s;
  }
  EXPECT_TRUE(matches(out, want, tolerance(dtype, 2))) << dtype << " " << c.block_rows << "x" << c.block_size << " warps " << c.num_warps;
}

INSTANTIATE_TEST_SUITE_P(Shapes, SoftmaxShortRows,
                         ::testing::Combine(::testing::Values("f32", "f16", "bf16"),
                                            ::testing::Values(ShortRows{16, 256, 4, 37, 250}, ShortRows{16, 128, 4, 21, 97},
                                                              ShortRows{8, 64, 4, 13, 64}, ShortRows{32, 64, 8, 45, 33},
                                                              ShortRows{4, 256, 2, 9, 256}, ShortRows{2, 512, 1, 3, 300},
                                                              ShortRows{16, 256, 8, 23, 199},
                                                              ShortRows{4, 256, 8, 7, 201},  // 2 simdgroups per row: partials
                                                              ShortRows{2, 32, 4, 5, 29})));  // 4 simdgroups on 2 rows: replicas

}  // namespace
}  // namespace tmetal::test
