// Loads and stores of column-major tiles (coalesce-accesses): Inputs/strided_tiles.py reads a column-major
// [M, N] tile, reduces its rows and stores it column-major or row-major, on ragged M and N, f32 / f16 / bf16,
// against float64. With M and the leading dimensions divisible by 16 the column runs are aligned and their
// masks uniform, and the accesses are vectors down the columns (the MSL shows them); without that they stay
// scalar but still run down the columns. Elements of y outside the tile keep their random values (the masked stores leave them alone).
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

struct Case {
  std::string dtype;
  bool aligned, y_col_major;
  std::string target;
};

class ColumnMajorTiles : public ::testing::TestWithParam<Case> {};

TEST_P(ColumnMajorTiles, MatchFloat64) {
  const Case& c = GetParam();
  const std::string t = c.dtype == "f32" ? "fp32" : c.dtype == "f16" ? "fp16" : "bf16";
  const std::string ld = c.aligned ? "i32:16" : "i32";
  // Aligned: M too is divisible by 16, so the row mask is uniform over each vector (Triton's specialization).
  const std::string sig = fmt::format("x_ptr=*{0}:16, y_ptr=*{0}:16, M={1}, N=i32, ld_x={1}, ld_y={1}", t, ld);
  CompiledKernel k = compile_file(TM_STRIDED_FILE, "column_major_rows", sig, fmt::format("BM=64, BN=32, Y_COL_MAJOR={}", int(c.y_col_major)),
                                  c.target);
  if (c.aligned && c.dtype == "f32") {
    // The column-major load reads float4 vectors down the columns; so does a column-major store.
    EXPECT_NE(k.msl.find("*reinterpret_cast<const device float4*>"), std::string::npos) << k.msl;
    if (c.y_col_major) {
      EXPECT_NE(k.msl.find("*reinterpret_cast<device float4*>"), std::string::npos) << k.msl;
    }
  }
  const int M = c.aligned ? 160 : 150, N = 27;  // 3 programs of 64 rows: the last one is partly masked
  const int ld_x = c.aligned ? 160 : M + 3, ld_y = c.y_col_major ? (c.aligned ? 176 : M + 5) : (c.aligned ? 32 : N + 2);
  const int y_size = c.y_col_major ? N * ld_y : M * ld_y;
  interp::HostArray x(c.dtype, N * ld_x), y(c.dtype, y_size);
  x.fill_random(701, -2, 2);
  y.fill_random(702);
  std::vector<double> want(y_size);
  for (int i = 0; i < y_size; ++i) want[i] = y.get(i);
  for (int i = 0; i < M; ++i) {
    double s = 0;
    for (int j = 0; j < N; ++j) s += x.get(i + j * ld_x);
    for (int j = 0; j < N; ++j) want[c.y_col_major ? i + j * ld_y : i * ld_y + j] = 2 * x.get(i + j * ld_x) + s;
  }
  launch(k, emulator(), {static_cast<unsigned>((M + 63) / 64), 1, 1},
         {arg(x), arg(y), KernelArg::scalar(M), KernelArg::scalar(N), KernelArg::scalar(ld_x), KernelArg::scalar(ld_y)});
  EXPECT_TRUE(matches(y, want, tolerance(c.dtype, 8)));
}

std::vector<Case> cases() {
  std::vector<Case> out;
  const char* targets[3] = {"m1", "m3", "m4-max"};
  int i = 0;
  for (const char* d : {"f32", "f16", "bf16"})
    for (bool aligned : {true, false})
      for (bool col : {true, false}) out.push_back({d, aligned, col, targets[i++ % 3]});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Grid, ColumnMajorTiles, ::testing::ValuesIn(cases()), [](const auto& p) {
  const Case& c = p.param;
  return fmt::format("{}_{}_{}", c.dtype, c.aligned ? "aligned" : "unaligned", c.y_col_major ? "col_major_y" : "row_major_y");
});

}  // namespace
}  // namespace tmetal::test
