// The emulator's device byte counters equal the bytes each example kernel must move: every input element read
// once (reads through `const device` pointers: the emitter marks the pointers a kernel only reads), every
// output element written once, masked-off elements not at all. Scalar arguments are read from the constant
// address space and counted apart (constant_bytes_read). Exact counts for vector add, softmax and layer norm
// on ragged sizes, with the outputs checked against float64 too (a kernel that skips work cannot pass).
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

std::string ptr_type(const std::string& dtype) {
  return "*" + std::string(dtype == "f32" ? "fp32" : dtype == "f16" ? "fp16" : "bf16") + ":16";
}

TEST(ByteCounts, VectorAddReadsTwoInputsAndWritesOneOutput) {
  for (std::string dtype : {"f32", "f16", "bf16"}) {
    std::string p = ptr_type(dtype);
    auto k = compile_example("vector_add", "add_kernel", fmt::format("x_ptr={0}, y_ptr={0}, out_ptr={0}, n_elements=i32", p),
                             "BLOCK_SIZE=256", "m3");
    const int n = 1000;  // the README's first command: 4 programs of 256, the last one ragged
    interp::HostArray x(dtype, n), y(dtype, n), out(dtype, n);
    x.fill_random(1, -4, 4);
    y.fill_random(2, -4, 4);
    out.fill_random(3);
    auto s = launch(k, emulator(), {4, 1, 1}, {arg(x), arg(y), arg(out), KernelArg::scalar(n)});
    const std::uint64_t es = dtype == "f32" ? 4 : 2;
    EXPECT_EQ(s.device_bytes_read, 2 * n * es) << dtype;
    EXPECT_EQ(s.device_bytes_written, n * es) << dtype;
    EXPECT_EQ(s.constant_bytes_read, s.threads * 4) << dtype;  // `n_elements`, once per thread
    std::vector<double> want(n);
    for (int i = 0; i < n; ++i) want[i] = x.get(i) + y.get(i);
    EXPECT_TRUE(matches(out, want, tolerance(dtype, 4))) << dtype;
  }
}

TEST(ByteCounts, SoftmaxReadsAndWritesEachRowOnce) {
  auto k = compile_example("fused_softmax", "softmax_kernel",
                           "out_ptr=*fp32:16, in_ptr=*fp32:16, in_row_stride=i32, out_row_stride=i32, n_rows=i32, n_cols=i32",
                           "BLOCK_SIZE=1024", "m3");
  const int rows = 6, cols = 781, stride = 800;
  interp::HostArray in("f32", rows * stride), out("f32", rows * stride);
  in.fill_random(21, -6, 6);
  out.fill_random(22);
  auto s = launch(k, emulator(), {rows, 1, 1},
                  {arg(out), arg(in), KernelArg::scalar(stride), KernelArg::scalar(stride), KernelArg::scalar(rows), KernelArg::scalar(cols)});
  EXPECT_EQ(s.device_bytes_read, std::uint64_t{rows} * cols * 4);
  EXPECT_EQ(s.device_bytes_written, std::uint64_t{rows} * cols * 4);
  std::vector<double> got, want;
  for (int r = 0; r < rows; ++r) {
    double m = -INFINITY, sum = 0;
    for (int c = 0; c < cols; ++c) m = std::max(m, in.get(r * stride + c));
    for (int c = 0; c < cols; ++c) sum += std::exp(in.get(r * stride + c) - m);
    for (int c = 0; c < cols; ++c) {
      double e = std::fabs(out.get(r * stride + c) - std::exp(in.get(r * stride + c) - m) / sum);
      ASSERT_LT(e, 1e-6) << "row " << r << " col " << c;
    }
  }
}

TEST(ByteCounts, LayerNormReadsRowWeightsAndBiasWritesRowAndStatistics) {
  auto k = compile_example("layer_norm", "layer_norm_fwd",
                           "x_ptr=*fp32:16, y_ptr=*fp32:16, w_ptr=*fp32:16, b_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, "
                           "row_stride=i32:16, n_cols=i32, eps=fp32",
                           "BLOCK_SIZE=1024", "m3");
  const int rows = 5, cols = 700, stride = 704;
  interp::HostArray x("f32", rows * stride), y("f32", rows * stride), w("f32", cols), b("f32", cols), mean("f32", rows), rstd("f32", rows);
  x.fill_random(31, -3, 3);
  w.fill_random(32, -2, 2);
  b.fill_random(33, -1, 1);
  y.fill_random(34);
  auto s = launch(k, emulator(), {rows, 1, 1},
                  {arg(x), arg(y), arg(w), arg(b), arg(mean), arg(rstd), KernelArg::scalar(stride), KernelArg::scalar(cols), KernelArg::scalar_real(1e-5)});
  // Each program reads its row of x and all of w and b; writes its row of y, one mean and one rstd.
  EXPECT_EQ(s.device_bytes_read, std::uint64_t{rows} * cols * 4 * 3);
  EXPECT_EQ(s.device_bytes_written, std::uint64_t{rows} * cols * 4 + rows * 8);
  for (int r = 0; r < rows; ++r) {
    double m = 0, v = 0;
    for (int c = 0; c < cols; ++c) m += x.get(r * stride + c);
    m /= cols;
    for (int c = 0; c < cols; ++c) v += (x.get(r * stride + c) - m) * (x.get(r * stride + c) - m);
    double rs = 1 / std::sqrt(v / cols + 1e-5);
    ASSERT_NEAR(mean.get(r), m, 1e-5);
    ASSERT_NEAR(rstd.get(r), rs, 1e-4 * rs);
    for (int c = 0; c < cols; ++c) ASSERT_NEAR(y.get(r * stride + c), (x.get(r * stride + c) - m) * rs * w.get(c) + b.get(c), 1e-4);
  }
}

// Inputs are `const device`, outputs and atomics' targets plain `device`: the signature of the MSL.
TEST(ByteCounts, OnlyReadPointersAreConst) {
  auto k = compile_example("layer_norm", "layer_norm_bwd",
                           "dy_ptr=*fp32:16, x_ptr=*fp32:16, w_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, dx_ptr=*fp32:16, "
                           "dw_ptr=*fp32:16, db_ptr=*fp32:16, row_stride=i32:16, n_cols=i32",
                           "BLOCK_SIZE=1024", "m3");
  for (std::string in : {"dy_ptr", "x_ptr", "w_ptr", "mean_ptr", "rstd_ptr"})
    EXPECT_NE(k.msl.find("const device float* " + in + " [[buffer("), std::string::npos) << in;
  for (std::string out : {"dx_ptr", "dw_ptr", "db_ptr"}) {
    EXPECT_EQ(k.msl.find("const device float* " + out + " "), std::string::npos) << out;
    EXPECT_NE(k.msl.find("device float* " + out + " [[buffer("), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace tmetal::test
