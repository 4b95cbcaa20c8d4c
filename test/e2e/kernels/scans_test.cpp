// Scans (test/e2e/kernels/Inputs/scans.py) on the emulator against float64: tl.cumsum, a max combine and a
// non-commutative tuple combine (a linear recurrence), along either axis of ragged 2-D tiles, forward and
// reverse, in f32/f16/bf16, over tile shapes that reach each path of codegen/emit_reduce.cpp: the scan in
// registers (lanes along the axis, with and without simdgroup totals, simd_shuffle_up forward and
// simd_shuffle_down in reverse) and the chunked scan (whole lines per thread, chunk carries by simd_shuffle_up,
// chunk carries through threadgroup memory).
#include "kernel_test_support.h"

#include <functional>

namespace tmetal::test {
namespace {

CompiledKernel compile_scan(const std::string& kernel, const std::string& sig, const std::string& cx) {
  return compile_file(TM_SCANS_FILE, kernel, sig, cx, "m3");
}

struct Tile {
  int R, C, axis;
  const char* path;  // the comment the emitter writes for this shape
};

// 128 threads, one element per thread and register (M, N not divisible by 16). Scans whose layout does not
// repeat along the axis stay in registers; the chunked scan takes the others: lines = elements / extent along
// the axis; threads per line = min(128 / lines, extent).
const Tile kTiles[] = {
    {16, 64, 1, "in registers"},                      // 32 lanes x 2 simdgroups along the axis: simdgroup totals
    {64, 16, 0, "carry by simd_shuffle_up"},          // chunked: 16 columns, 8 threads each
    {2, 512, 1, "carry through threadgroup memory"},  // chunked: 2 lines, 64 threads each (two simdgroups)
    {256, 4, 1, "in registers"},                      // 4 lanes along the axis, no simdgroup totals
    {4, 256, 0, "no carry"},                          // chunked: 256 columns of 4, whole lines per thread
};

// y[i][j] = fold of x along `axis` in scan order (forward or reverse): out = combine(previous, current).
std::vector<double> reference(int M, int N, int axis, bool reverse, const std::function<double(int, int)>& x,
                              const std::function<double(double, double)>& combine) {
  std::vector<double> y(M * N);
  int lines = axis == 1 ? M : N, len = axis == 1 ? N : M;
  for (int l = 0; l < lines; ++l) {
    double acc = 0;
    for (int q = 0; q < len; ++q) {
      int p = reverse ? len - 1 - q : q;
      int i = axis == 1 ? l : p, j = axis == 1 ? p : l;
      acc = q == 0 ? x(i, j) : combine(acc, x(i, j));
      y[i * N + j] = acc;
    }
  }
  return y;
}

TEST(Scans, CumsumAlongEitherAxisForwardAndReverse) {
  for (const Tile& t : kTiles)
    for (bool reverse : {false, true})
      for (std::string dtype : {"f32", "f16", "bf16"}) {
        if (dtype != "f32" && (t.C == 4 || reverse != (t.axis == 0))) continue;  // the low-precision types on half the shapes
        std::string ty = dtype == "f32" ? "fp32" : dtype == "f16" ? "fp16" : "bf16";
        auto k = compile_scan("cumsum_2d", fmt::format("x_ptr=*{0}, y_ptr=*{0}, M=i32, N=i32", ty),
                              fmt::format("R={}, C={}, AXIS={}, REVERSE={}", t.R, t.C, t.axis, reverse ? "True" : "False"));
        SCOPED_TRACE(fmt::format("{}x{} axis {} reverse {} {}", t.R, t.C, t.axis, reverse, dtype));
        EXPECT_NE(k.msl.find(t.path), std::string::npos);
        const int M = std::max(1, t.R - 3), N = std::max(1, t.C - 1);
        interp::HostArray x(dtype, M * N), y(dtype, M * N);
        x.fill_random(300 + t.R + reverse, -1, 1);
        y.fill_random(301);
        launch(k, emulator(), {1, 1, 1}, {arg(x), arg(y), KernelArg::scalar(M), KernelArg::scalar(N)});
        auto want = reference(M, N, t.axis, reverse, [&](int i, int j) { return x.get(i * N + j); }, [](double a, double b) { return a + b; });
        // bf16 scans in f32 (Triton's promotion) and rounds once at the store; f16 accumulates in f16.
        double tol = dtype == "f16" ? 2e-3 * (t.axis == 1 ? t.C : t.R) / 4 : tolerance(dtype, 4);
        EXPECT_TRUE(matches(y, want, tol));
      }
}

TEST(Scans, MaxCombineAndNonCommutativeTupleCombine) {
  for (const Tile& t : kTiles)
    for (bool reverse : {false, true}) {
      if (t.C == 4 && reverse) continue;
      std::string cx = fmt::format("R={}, C={}, AXIS={}, REVERSE={}", t.R, t.C, t.axis, reverse ? "True" : "False");
      SCOPED_TRACE(fmt::format("{}x{} axis {} reverse {}", t.R, t.C, t.axis, reverse));
      const int M = std::max(1, t.R - 1), N = std::max(1, t.C - 3);
      {
        auto k = compile_scan("cummax_2d", "x_ptr=*fp32, y_ptr=*fp32, M=i32, N=i32", cx);
        EXPECT_NE(k.msl.find(t.path), std::string::npos);
        interp::HostArray x("f32", M * N), y("f32", M * N);
        x.fill_random(400 + t.C + reverse, -5, 5);
        launch(k, emulator(), {1, 1, 1}, {arg(x), arg(y), KernelArg::scalar(M), KernelArg::scalar(N)});
        auto want = reference(M, N, t.axis, reverse, [&](int i, int j) { return x.get(i * N + j); }, [](double a, double b) { return std::max(a, b); });
        EXPECT_TRUE(matches(y, want, 0));
      }
      {
        auto k = compile_scan("linrec_2d", "a_ptr=*fp32, b_ptr=*fp32, y_ptr=*fp32, M=i32, N=i32", cx);
        interp::HostArray a("f32", M * N), b("f32", M * N), y("f32", M * N);
        a.fill_random(500 + t.R + reverse, -1, 1);
        b.fill_random(501 + t.C, -1, 1);
        launch(k, emulator(), {1, 1, 1}, {arg(a), arg(b), arg(y), KernelArg::scalar(M), KernelArg::scalar(N)});
        // h = a * h_before + b, h_before the previous element's h in scan order (0 before the first).
        std::vector<double> want(M * N);
        int lines = t.axis == 1 ? M : N, len = t.axis == 1 ? N : M;
        for (int l = 0; l < lines; ++l) {
          double h = 0;
          for (int q = 0; q < len; ++q) {
            int p = reverse ? len - 1 - q : q;
            int i = t.axis == 1 ? l : p, j = t.axis == 1 ? p : l;
            h = a.get(i * N + j) * h + b.get(i * N + j);
            want[i * N + j] = h;
          }
        }
        EXPECT_TRUE(matches(y, want, 1e-5));
      }
    }
}

// A one-operand combine that is associative but not commutative (the first non-zero value in scan order): the
// scan in registers keeps operand order across runs, lanes and simdgroups, in both directions.
TEST(Scans, NonCommutativeOneOperandCombine) {
  for (const Tile& t : kTiles)
    for (bool reverse : {false, true}) {
      SCOPED_TRACE(fmt::format("{}x{} axis {} reverse {}", t.R, t.C, t.axis, reverse));
      auto k = compile_scan("first_nonzero_2d", "x_ptr=*fp32, y_ptr=*fp32, M=i32, N=i32",
                            fmt::format("R={}, C={}, AXIS={}, REVERSE={}", t.R, t.C, t.axis, reverse ? "True" : "False"));
      EXPECT_NE(k.msl.find(t.path), std::string::npos);
      const int M = std::max(1, t.R - 1), N = std::max(1, t.C - 1);
      interp::HostArray x("f32", M * N), y("f32", M * N);
      x.fill_random(800 + t.R + reverse, -1, 1);
      launch(k, emulator(), {1, 1, 1}, {arg(x), arg(y), KernelArg::scalar(M), KernelArg::scalar(N)});
      auto want = reference(M, N, t.axis, reverse, [&](int i, int j) { double v = x.get(i * N + j); return v > 0.75 ? v : 0.0; },
                            [](double a, double b) { return a != 0 ? a : b; });
      EXPECT_TRUE(matches(y, want, 0));
    }
}

// Regression: a second scan in the same kernel redeclared the first one's tm_ names (invalid MSL).
TEST(Scans, SeveralScansInOneKernel) {
  const int R = 16, C = 64;
  auto k = compile_scan("several_scans", "x_ptr=*fp32, y_ptr=*fp32, z_ptr=*fp32, w_ptr=*fp32", fmt::format("R={}, C={}", R, C));
  interp::HostArray x("f32", R * C), y("f32", R * C), z("f32", R * C), w("f32", R * C);
  x.fill_random(701, -1, 1);
  launch(k, emulator(), {1, 1, 1}, {arg(x), arg(y), arg(z), arg(w)});
  auto rows = reference(R, C, 1, false, [&](int i, int j) { return x.get(i * C + j); }, [](double a, double b) { return a + b; });
  auto cols = reference(R, C, 0, true, [&](int i, int j) { return x.get(i * C + j); }, [](double a, double b) { return a + b; });
  std::vector<double> wy(R * C), wz(R * C), ww(R * C);
  double s = 0;
  for (int i = 0; i < R * C; ++i) {
    wy[i] = rows[i] + cols[i];
    wz[i] = (s += x.get(i));
    ww[i] = 2 * wz[i];
  }
  EXPECT_TRUE(matches(y, wy, 1e-5));
  EXPECT_TRUE(matches(z, wz, 1e-5));
  EXPECT_TRUE(matches(w, ww, 1e-5));
}

}  // namespace
}  // namespace tmetal::test
