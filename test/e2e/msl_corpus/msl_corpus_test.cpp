// The MSL acceptance corpus (test/e2e/msl_corpus/*.metal): every kernel runs unmodified on the emulator, on
// random data, against a float64 reference computed here. Headers come from include/ by path (-I).
#include "../emulator/emulator_test_support.h"
#include "runtime/half_bits.h"
#include "triton_metal/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <sstream>

namespace tmetal::test {
namespace {

using runtime::Binding;
using runtime::Dispatch;

// A kernel of this folder, compiled as the corpus's users compile it (headers from include/ by path).
std::shared_ptr<runtime::Pipeline> kernel(const std::string& file, const std::string& entry, const runtime::FunctionConstants& fcs = {}) {
  return pipeline_in(TM_CORPUS_DIR, file, entry, fcs, std::string(TM_CORPUS_DIR) + "/" + file, {std::string(TM_CORPUS_DIR) + "/include"});
}

// 16-bit float helpers (host side, independent of the emulator's).
std::vector<std::uint16_t> halves(const std::vector<float>& v) {
  std::vector<std::uint16_t> r;
  for (float x : v) r.push_back(runtime::to_f16(x));
  return r;
}
std::vector<std::uint16_t> bf16s(const std::vector<float>& v) {
  std::vector<std::uint16_t> r;
  for (float x : v) r.push_back(runtime::to_bf16(x));
  return r;
}

::testing::AssertionResult close(const std::vector<double>& got, const std::vector<double>& want, double atol, double rtol) {
  if (got.size() != want.size()) return ::testing::AssertionFailure() << "size " << got.size() << " vs " << want.size();
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!(std::fabs(got[i] - want[i]) <= atol + rtol * std::fabs(want[i])))
      return ::testing::AssertionFailure() << "element " << i << ": got " << got[i] << ", want " << want[i];
  return ::testing::AssertionSuccess();
}
template <class T> std::vector<double> dbl(const std::vector<T>& v) { return std::vector<double>(v.begin(), v.end()); }
std::vector<double> dbl_half(const std::vector<std::uint16_t>& v) {
  std::vector<double> r;
  for (auto b : v) r.push_back(runtime::from_f16(b));
  return r;
}
std::vector<double> dbl_bf16(const std::vector<std::uint16_t>& v) {
  std::vector<double> r;
  for (auto b : v) r.push_back(runtime::from_bf16(b));
  return r;
}

// ---------------------------------------------------------------------------------------------- elementwise
TEST(MslCorpus, ElementwiseUnaryTemplatesInstantiatedByMacro) {
  const std::uint32_t n = 300;
  auto x = random_floats(n, 1, -3.0f, 3.0f);
  auto run = [&](const char* entry, std::shared_ptr<runtime::Buffer> in, std::size_t elem) {
    auto out = device().allocate(n * elem);
    auto c = config({n, 1, 1}, {64, 1, 1}, Dispatch::Threads);
    c.buffers[0] = Binding::of(in);
    c.buffers[1] = Binding::of(out);
    c.buffers[2] = Binding::value(n);
    device().launch(*kernel("elementwise.metal", entry), c);
    return out;
  };
  std::vector<double> we(n), ws(n), wg(n);
  auto xh = halves(x), xb = bf16s(x);
  for (std::uint32_t i = 0; i < n; ++i) {
    we[i] = std::exp(double(x[i]));
    double h = runtime::from_f16(xh[i]), b = runtime::from_bf16(xb[i]);
    ws[i] = 1.0 / (1.0 + std::exp(-h));
    wg[i] = 0.5 * b * (1.0 + std::tanh(0.7978845608 * (b + 0.044715 * b * b * b)));
  }
  EXPECT_TRUE(close(dbl(download<float>(run("vexp_float32", upload(x), 4), n)), we, 1e-6, 2e-6));
  EXPECT_TRUE(close(dbl_half(download<std::uint16_t>(run("vsigmoid_float16", upload(xh), 2), n)), ws, 1e-3, 1e-3));
  EXPECT_TRUE(close(dbl_bf16(download<std::uint16_t>(run("vgelu_bfloat16", upload(xb), 2), n)), wg, 1e-2, 8e-3));
}

TEST(MslCorpus, ElementwiseBinaryBroadcastThroughStrideArrays) {
  const std::uint32_t rows = 7, cols = 33;
  auto a = random_floats(rows * cols, 2), b = random_floats(cols, 3);  // b broadcast along rows (stride 0)
  std::vector<std::int64_t> sa = {cols, 1}, sb = {0, 1};
  for (const char* entry : {"binary_add_float32", "binary_mul_float16"}) {
    bool h = std::string(entry).find("16") != std::string::npos;
    auto out = device().allocate(rows * cols * 4);
    auto c = config({cols, rows, 1}, {8, 4, 1}, Dispatch::Threads);
    c.buffers[0] = Binding::of(h ? upload(halves(a)) : upload(a));
    c.buffers[1] = Binding::of(h ? upload(halves(b)) : upload(b));
    c.buffers[2] = Binding::of(out);
    c.buffers[3] = Binding::of(upload(sa));
    c.buffers[4] = Binding::of(upload(sb));
    device().launch(*kernel("elementwise.metal", entry), c);
    std::vector<double> want(rows * cols);
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t k = 0; k < cols; ++k) {
        double x = h ? runtime::from_f16(runtime::to_f16(a[r * cols + k])) : a[r * cols + k], y = h ? runtime::from_f16(runtime::to_f16(b[k])) : b[k];
        want[r * cols + k] = h ? x * y : x + y;
      }
    auto got = h ? dbl_half(download<std::uint16_t>(out, rows * cols)) : dbl(download<float>(out, rows * cols));
    EXPECT_TRUE(close(got, want, h ? 1e-3 : 1e-7, h ? 1e-3 : 1e-7)) << entry;
  }
}

TEST(MslCorpus, AxpbyWithFunctionConstantsAndImplicitBufferIndices) {
  const std::uint32_t n = 100;
  auto x = random_floats(n, 4), y = random_floats(n, 5), bias = random_floats(n, 6);
  for (bool with_bias : {false, true}) {
    runtime::FunctionConstants fcs{{"alpha", 1.5}, {"beta", -0.25}};
    if (with_bias) fcs["has_bias"] = true;
    auto yb = upload(y);
    auto c = config({n, 1, 1}, {32, 1, 1}, Dispatch::Threads);
    c.buffers[0] = Binding::of(upload(x));
    c.buffers[1] = Binding::of(yb);
    c.buffers[2] = Binding::of(upload(bias));
    device().launch(*kernel("elementwise.metal", "axpby", fcs), c);
    std::vector<double> want(n);
    for (std::uint32_t i = 0; i < n; ++i) want[i] = 1.5 * x[i] - 0.25 * y[i] + (with_bias ? bias[i] : 0.0);
    EXPECT_TRUE(close(dbl(download<float>(yb, n)), want, 1e-6, 1e-6)) << with_bias;
  }
}

// -------------------------------------------------------------------------------------------- copies
TEST(MslCorpus, StridedCopiesTransposeAndGather) {
  // copy_g2: a transposed view (strides (1, rows)) of a rows x cols buffer, into cols x rows.
  const std::uint32_t rows = 19, cols = 13;
  auto src = random_floats(rows * cols, 7);
  std::vector<std::int32_t> srci(rows * cols);
  for (std::size_t i = 0; i < srci.size(); ++i) srci[i] = static_cast<std::int32_t>(src[i] * 1000);
  std::vector<std::int64_t> st = {1, cols};  // view of shape (cols, rows): element (r', c') at c' * cols + r'
  for (const char* entry : {"copy_g2_float32", "copy_g2_int32"}) {
    bool isint = std::string(entry).find("int") != std::string::npos;
    auto dst = device().allocate(rows * cols * 4);
    auto c = config({rows, cols, 1}, {4, 4, 1}, Dispatch::Threads);  // x over the view's columns (= rows of src)
    c.buffers[0] = Binding::of(isint ? upload(srci) : upload(src));
    c.buffers[1] = Binding::of(dst);
    c.buffers[2] = Binding::of(upload(st));
    device().launch(*kernel("copy.metal", entry), c);
    std::vector<double> want(rows * cols), got;
    for (std::uint32_t y = 0; y < cols; ++y)
      for (std::uint32_t x = 0; x < rows; ++x) want[y * rows + x] = isint ? srci[x * cols + y] : src[x * cols + y];
    got = isint ? dbl(download<std::int32_t>(dst, rows * cols)) : dbl(download<float>(dst, rows * cols));
    EXPECT_TRUE(close(got, want, 0, 0)) << entry;
  }
  // copy_nd: a 3-d permuted, sliced view.
  std::vector<std::int32_t> shape = {3, 4, 5};
  std::vector<std::int64_t> strides = {2, 60, 7};  // arbitrary, into a 300-element source
  auto big = random_floats(300, 8);
  auto dst = device().allocate(60 * 4);
  auto c = config({60, 1, 1}, {16, 1, 1}, Dispatch::Threads);
  c.buffers[0] = Binding::of(upload(big));
  c.buffers[1] = Binding::of(dst);
  c.buffers[2] = Binding::of(upload(shape));
  c.buffers[3] = Binding::of(upload(strides));
  c.buffers[4] = Binding::value(std::int32_t(3));
  device().launch(*kernel("copy.metal", "copy_nd"), c);
  std::vector<double> want;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 5; ++k) want.push_back(big[i * 2 + j * 60 + k * 7]);
  EXPECT_TRUE(close(dbl(download<float>(dst, 60)), want, 0, 0));
  // transpose_tiled: 37 x 50 with partial tiles.
  const std::uint32_t R = 37, C = 50;
  auto m = random_floats(R * C, 9);
  auto t = device().allocate(R * C * 4);
  auto ct = config({(C + 15) / 16, (R + 15) / 16, 1}, {16, 16, 1});
  ct.buffers[0] = Binding::of(upload(m));
  ct.buffers[1] = Binding::of(t);
  ct.buffers[2] = Binding::value(std::array<std::uint32_t, 2>{C, R});
  device().launch(*kernel("copy.metal", "transpose_tiled"), ct);
  std::vector<double> wt(R * C);
  for (std::uint32_t r = 0; r < R; ++r)
    for (std::uint32_t k = 0; k < C; ++k) wt[k * R + r] = m[r * C + k];
  EXPECT_TRUE(close(dbl(download<float>(t, R * C)), wt, 0, 0));
  // gather_rows
  const std::uint32_t vecs = 3, nrows = 10, nidx = 6;
  auto table = random_floats(nrows * vecs * 4, 10);
  std::vector<std::uint32_t> idx = {9, 0, 3, 3, 7, 1};
  auto g = device().allocate(nidx * vecs * 16);
  auto cg = config({vecs, nidx, 1}, {vecs, 2, 1}, Dispatch::Threads);
  cg.buffers[0] = Binding::of(upload(table));
  cg.buffers[1] = Binding::of(upload(idx));
  cg.buffers[2] = Binding::of(g);
  cg.buffers[3] = Binding::value(vecs);
  device().launch(*kernel("copy.metal", "gather_rows"), cg);
  std::vector<double> wg;
  for (auto r : idx)
    for (std::uint32_t k = 0; k < vecs * 4; ++k) wg.push_back(table[r * vecs * 4 + k]);
  EXPECT_TRUE(close(dbl(download<float>(g, nidx * vecs * 4)), wg, 0, 0));
}

// -------------------------------------------------------------------------------------------- reductions
TEST(MslCorpus, RowReductionsArgmaxAtomicsAndScans) {
  const std::uint32_t rows = 5, cols = 777;
  auto x = random_floats(rows * cols, 11);
  std::vector<std::int32_t> xi(rows * cols);
  for (std::size_t i = 0; i < xi.size(); ++i) xi[i] = static_cast<std::int32_t>(x[i] * 100);
  for (const char* entry : {"sum_rows_float32", "sum_rows_int32"}) {
    bool isint = std::string(entry).find("int") != std::string::npos;
    auto out = device().allocate(rows * 4);
    auto c = config({rows, 1, 1}, {96, 1, 1});
    c.buffers[0] = Binding::of(isint ? upload(xi) : upload(x));
    c.buffers[1] = Binding::of(out);
    c.buffers[2] = Binding::value(cols);
    device().launch(*kernel("reduce.metal", entry), c);
    std::vector<double> want(rows, 0.0);
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t k = 0; k < cols; ++k) want[r] += isint ? xi[r * cols + k] : x[r * cols + k];
    auto got = isint ? dbl(download<std::int32_t>(out, rows)) : dbl(download<float>(out, rows));
    EXPECT_TRUE(close(got, want, isint ? 0 : 1e-4, isint ? 0 : 1e-5)) << entry;
  }
  {
    auto xh = halves(x);
    auto out = device().allocate(rows * 4);
    auto c = config({rows, 1, 1}, {32, 1, 1});
    c.buffers[0] = Binding::of(upload(xh));
    c.buffers[1] = Binding::of(out);
    c.buffers[2] = Binding::value(cols);
    device().launch(*kernel("reduce.metal", "max_rows"), c);
    std::vector<double> want(rows, -1e30);
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t k = 0; k < cols; ++k) want[r] = std::max<double>(want[r], runtime::from_f16(xh[r * cols + k]));
    EXPECT_TRUE(close(dbl(download<float>(out, rows)), want, 0, 0));
  }
  {
    auto out = device().allocate(rows * 4);
    auto c = config({rows, 1, 1}, {32, 1, 1});
    c.buffers[0] = Binding::of(upload(x));
    c.buffers[1] = Binding::of(out);
    c.buffers[2] = Binding::value(cols);
    device().launch(*kernel("reduce.metal", "argmax_rows"), c);
    std::vector<double> want(rows);
    for (std::uint32_t r = 0; r < rows; ++r)
      want[r] = double(std::max_element(x.begin() + r * cols, x.begin() + (r + 1) * cols) - (x.begin() + r * cols));
    EXPECT_TRUE(close(dbl(download<std::uint32_t>(out, rows)), want, 0, 0));
  }
  {
    const std::uint32_t n = 1024;
    auto v = random_floats(n, 12);
    auto total = upload(std::vector<float>{0.0f});
    auto c = config({n / 64, 1, 1}, {64, 1, 1});
    c.buffers[0] = Binding::of(upload(v));
    c.buffers[1] = Binding::of(total);
    device().launch(*kernel("reduce.metal", "sum_all_atomic"), c);
    double want = std::accumulate(v.begin(), v.end(), 0.0);
    EXPECT_NEAR(download<float>(total, 1)[0], want, 1e-3);
  }
  for (const char* entry : {"cumsum_inclusive_float32", "cumsum_exclusive_int32"}) {
    bool isint = std::string(entry).find("int") != std::string::npos;
    const std::uint32_t n = 200, nrows = 3;
    auto v = random_floats(n * nrows, 13);
    std::vector<std::int32_t> vi(n * nrows);
    for (std::size_t i = 0; i < vi.size(); ++i) vi[i] = static_cast<std::int32_t>(v[i] * 50);
    auto out = device().allocate(n * nrows * 4);
    auto c = config({nrows, 1, 1}, {n, 1, 1});
    c.buffers[0] = Binding::of(isint ? upload(vi) : upload(v));
    c.buffers[1] = Binding::of(out);
    device().launch(*kernel("reduce.metal", entry), c);
    std::vector<double> want(n * nrows);
    for (std::uint32_t r = 0; r < nrows; ++r) {
      double s = 0;
      for (std::uint32_t k = 0; k < n; ++k) {
        double e = isint ? vi[r * n + k] : v[r * n + k];
        want[r * n + k] = isint ? s : s + e;
        s += e;
      }
    }
    auto got = isint ? dbl(download<std::int32_t>(out, n * nrows)) : dbl(download<float>(out, n * nrows));
    EXPECT_TRUE(close(got, want, isint ? 0 : 1e-5, isint ? 0 : 1e-5)) << entry;
  }
}

// ------------------------------------------------------------------------------------------ normalization
TEST(MslCorpus, SoftmaxLayerNormRmsNormAndRope) {
  const std::uint32_t rows = 4, n = 300;
  auto x = random_floats(rows * n, 14, -4.0f, 4.0f), w = random_floats(n, 15), b = random_floats(n, 16);
  auto row_cfg = [&] { return config({rows, 1, 1}, {128, 1, 1}); };
  for (const char* entry : {"softmax_float32", "softmax_float16"}) {
    bool h = std::string(entry).find("16") != std::string::npos;
    auto xs = halves(x);
    auto out = device().allocate(rows * n * 4);
    auto c = row_cfg();
    c.buffers[0] = Binding::of(h ? upload(xs) : upload(x));
    c.buffers[1] = Binding::of(out);
    c.buffers[2] = Binding::value(std::int32_t(n));
    device().launch(*kernel("norm.metal", entry), c);
    std::vector<double> want(rows * n);
    for (std::uint32_t r = 0; r < rows; ++r) {
      double m = -1e30, s = 0;
      for (std::uint32_t k = 0; k < n; ++k) m = std::max(m, h ? double(runtime::from_f16(xs[r * n + k])) : double(x[r * n + k]));
      for (std::uint32_t k = 0; k < n; ++k) s += std::exp((h ? double(runtime::from_f16(xs[r * n + k])) : double(x[r * n + k])) - m);
      for (std::uint32_t k = 0; k < n; ++k) want[r * n + k] = std::exp((h ? double(runtime::from_f16(xs[r * n + k])) : double(x[r * n + k])) - m) / s;
    }
    auto got = h ? dbl_half(download<std::uint16_t>(out, rows * n)) : dbl(download<float>(out, rows * n));
    EXPECT_TRUE(close(got, want, h ? 1e-4 : 1e-7, h ? 2e-3 : 1e-5)) << entry;
  }
  {
    auto out = device().allocate(rows * n * 4);
    auto c = row_cfg();
    c.buffers[0] = Binding::of(upload(x));
    c.buffers[1] = Binding::of(upload(w));
    c.buffers[2] = Binding::of(upload(b));
    c.buffers[3] = Binding::of(out);
    c.buffers[4] = Binding::value(1e-5f);
    c.buffers[5] = Binding::value(n);
    device().launch(*kernel("norm.metal", "layer_norm_float32"), c);
    std::vector<double> want(rows * n);
    for (std::uint32_t r = 0; r < rows; ++r) {
      double mean = 0, var = 0;
      for (std::uint32_t k = 0; k < n; ++k) mean += x[r * n + k];
      mean /= n;
      for (std::uint32_t k = 0; k < n; ++k) var += (x[r * n + k] - mean) * (x[r * n + k] - mean);
      var /= n;
      for (std::uint32_t k = 0; k < n; ++k) want[r * n + k] = (x[r * n + k] - mean) / std::sqrt(var + 1e-5) * w[k] + b[k];
    }
    EXPECT_TRUE(close(dbl(download<float>(out, rows * n)), want, 1e-5, 1e-5));
  }
  for (const char* entry : {"rms_norm_float32", "rms_norm_bfloat16"}) {
    bool bf = std::string(entry).find("bfloat") != std::string::npos;
    auto xb = bf16s(x), wb = bf16s(w);
    auto out = device().allocate(rows * n * 4);
    auto c = row_cfg();
    c.buffers[0] = Binding::of(bf ? upload(xb) : upload(x));
    c.buffers[1] = Binding::of(bf ? upload(wb) : upload(w));
    c.buffers[2] = Binding::of(out);
    c.buffers[3] = Binding::value(1e-6f);
    c.buffers[4] = Binding::value(n);
    device().launch(*kernel("norm.metal", entry), c);
    std::vector<double> want(rows * n);
    for (std::uint32_t r = 0; r < rows; ++r) {
      double ss = 0;
      for (std::uint32_t k = 0; k < n; ++k) {
        double v = bf ? runtime::from_bf16(xb[r * n + k]) : x[r * n + k];
        ss += v * v;
      }
      double inv = 1.0 / std::sqrt(ss / n + 1e-6);
      for (std::uint32_t k = 0; k < n; ++k)
        want[r * n + k] = (bf ? runtime::from_bf16(xb[r * n + k]) : x[r * n + k]) * inv * (bf ? runtime::from_bf16(wb[k]) : w[k]);
    }
    auto got = bf ? dbl_bf16(download<std::uint16_t>(out, rows * n)) : dbl(download<float>(out, rows * n));
    EXPECT_TRUE(close(got, want, bf ? 1e-2 : 1e-5, bf ? 1.6e-2 : 1e-5)) << entry;
  }
  for (const char* entry : {"rope_traditional_float32", "rope_neox_float32"}) {
    bool trad = std::string(entry).find("traditional") != std::string::npos;
    const int tokens = 6, dims = 16, offset = 3;
    auto in = random_floats(tokens * dims, 17);
    auto out = device().allocate(tokens * dims * 4);
    auto c = config({dims / 2, tokens, 1}, {8, 2, 1}, Dispatch::Threads);
    c.buffers[0] = Binding::of(upload(in));
    c.buffers[1] = Binding::of(out);
    c.buffers[2] = Binding::value(std::int32_t(offset));
    c.buffers[3] = Binding::value(10000.0f);
    c.buffers[4] = Binding::value(std::int32_t(dims));
    device().launch(*kernel("norm.metal", entry), c);
    std::vector<double> want(tokens * dims);
    for (int t = 0; t < tokens; ++t)
      for (int p = 0; p < dims / 2; ++p) {
        double theta = (t + offset) * std::pow(10000.0, -double(p) / (dims / 2));
        int i0 = trad ? 2 * p : p, i1 = trad ? 2 * p + 1 : p + dims / 2;
        double x0 = in[t * dims + i0], x1 = in[t * dims + i1];
        want[t * dims + i0] = x0 * std::cos(theta) - x1 * std::sin(theta);
        want[t * dims + i1] = x0 * std::sin(theta) + x1 * std::cos(theta);
      }
    EXPECT_TRUE(close(dbl(download<float>(out, tokens * dims)), want, 2e-5, 1e-5)) << entry;
  }
}

// ---------------------------------------------------------------------------------------------- matmul
TEST(MslCorpus, SimdgroupGemmGemvAndQuantizedMatVec) {
  const int M = 64, N = 32, K = 48;
  auto A = random_floats(M * K, 18), B = random_floats(K * N, 19);
  for (const char* entry : {"gemm_sg_float32", "gemm_sg_float16"}) {
    bool h = std::string(entry).find("16") != std::string::npos;
    auto C = device().allocate(M * N * 4);
    auto c = config({N / 32, M / 32, 1}, {128, 1, 1});
    c.buffers[0] = Binding::of(h ? upload(halves(A)) : upload(A));
    c.buffers[1] = Binding::of(h ? upload(halves(B)) : upload(B));
    c.buffers[2] = Binding::of(C);
    c.buffers[3] = Binding::value(std::array<std::int32_t, 4>{M, N, K, 0});
    device().launch(*kernel("matmul.metal", entry), c);
    std::vector<double> want(M * N, 0.0);
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j)
        for (int k = 0; k < K; ++k) {
          double a = h ? runtime::from_f16(runtime::to_f16(A[i * K + k])) : A[i * K + k], b = h ? runtime::from_f16(runtime::to_f16(B[k * N + j])) : B[k * N + j];
          want[i * N + j] += a * b;
        }
    EXPECT_TRUE(close(dbl(download<float>(C, M * N)), want, 1e-4, 1e-4)) << entry;
  }
  {
    const std::uint32_t rows = 9, Kv = 100;
    auto a = random_floats(rows * Kv, 20), x = random_floats(Kv, 21);
    auto y = device().allocate(rows * 4);
    auto c = config({rows, 1, 1}, {32, 1, 1});
    c.buffers[0] = Binding::of(upload(a));
    c.buffers[1] = Binding::of(upload(x));
    c.buffers[2] = Binding::of(y);
    c.buffers[3] = Binding::value(Kv);
    device().launch(*kernel("matmul.metal", "gemv"), c);
    std::vector<double> want(rows, 0.0);
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t k = 0; k < Kv; ++k) want[r] += double(a[r * Kv + k]) * x[k];
    EXPECT_TRUE(close(dbl(download<float>(y, rows)), want, 1e-5, 1e-5));
  }
  {
    const std::uint32_t rows = 6, Kq = 512, groups = Kq / 32;
    std::mt19937 g(22);
    std::vector<std::uint8_t> q(rows * Kq);
    for (auto& v : q) v = static_cast<std::uint8_t>(g() % 16);
    std::vector<std::uint32_t> packed(rows * Kq / 8, 0);
    for (std::uint32_t i = 0; i < rows * Kq; ++i) packed[i / 8] |= std::uint32_t(q[i]) << (4 * (i % 8));
    auto sc = random_floats(rows * groups, 23, 0.01f, 0.1f), bi = random_floats(rows * groups, 24, -0.5f, 0.5f), x = random_floats(Kq, 25);
    auto y = device().allocate(rows * 4);
    auto c = config({rows, 1, 1}, {32, 1, 1});
    c.buffers[0] = Binding::of(upload(packed));
    c.buffers[1] = Binding::of(upload(sc));
    c.buffers[2] = Binding::of(upload(bi));
    c.buffers[3] = Binding::of(upload(x));
    c.buffers[4] = Binding::of(y);
    c.buffers[5] = Binding::value(Kq);
    device().launch(*kernel("matmul.metal", "qmv_4bit"), c);
    std::vector<double> want(rows, 0.0);
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t k = 0; k < Kq; ++k)
        want[r] += (double(sc[r * groups + k / 32]) * q[r * Kq + k] + bi[r * groups + k / 32]) * x[k];
    EXPECT_TRUE(close(dbl(download<float>(y, rows)), want, 1e-4, 1e-4));
    // dequantize (bytes: two weights each, low nibble first), half scales and biases
    const std::uint32_t nw = 256;
    std::vector<std::uint8_t> bytes(nw / 2);
    for (std::uint32_t i = 0; i < nw; ++i) bytes[i / 2] |= std::uint8_t(q[i] << (4 * (i % 2)));
    auto sh = halves(random_floats(nw / 32, 26, 0.01f, 0.1f)), bh = halves(random_floats(nw / 32, 27, -0.5f, 0.5f));
    auto out = device().allocate(nw * 2);
    auto cd = config({nw, 1, 1}, {64, 1, 1}, Dispatch::Threads);
    cd.buffers[0] = Binding::of(upload(bytes));
    cd.buffers[1] = Binding::of(upload(sh));
    cd.buffers[2] = Binding::of(upload(bh));
    cd.buffers[3] = Binding::of(out);
    device().launch(*kernel("matmul.metal", "dequant_4bit"), cd);
    std::vector<double> wd(nw);
    for (std::uint32_t i = 0; i < nw; ++i) wd[i] = double(runtime::from_f16(sh[i / 32])) * q[i] + runtime::from_f16(bh[i / 32]);
    EXPECT_TRUE(close(dbl_half(download<std::uint16_t>(out, nw)), wd, 1e-3, 1e-3));
  }
}

// ------------------------------------------------------------------------------------------------- misc
TEST(MslCorpus, ConstantTablesObjectsCastsAndThreadArrays) {
  {
    const std::uint32_t n = 40;
    std::vector<std::uint32_t> idx(n);
    std::mt19937 g(28);
    for (auto& v : idx) v = g() % 1000;
    auto out = device().allocate(n * 4);
    auto c = config({n, 1, 1}, {8, 1, 1}, Dispatch::Threads);
    c.buffers[0] = Binding::of(upload(idx));
    c.buffers[1] = Binding::of(out);
    device().launch(*kernel("misc.metal", "lut_apply"), c);
    std::vector<double> want(n);
    for (std::uint32_t i = 0; i < n; ++i) want[i] = 0.5 * (idx[i] % 16) * 3.0 + 2.0;
    EXPECT_TRUE(close(dbl(download<float>(out, n)), want, 0, 0));
  }
  {
    const std::uint32_t n = 50;
    auto x = random_floats(n, 29), coef = random_floats(5, 30);
    auto out = device().allocate(n * 4);
    auto c = config({n, 1, 1}, {16, 1, 1}, Dispatch::Threads);
    c.buffers[0] = Binding::of(upload(x));
    c.buffers[1] = Binding::of(upload(coef));
    c.buffers[2] = Binding::of(out);
    device().launch(*kernel("misc.metal", "polyval_float32_deg4"), c);
    std::vector<double> want(n, 0.0);
    for (std::uint32_t i = 0; i < n; ++i)
      for (int d = 0; d < 5; ++d) want[i] += coef[d] * std::pow(double(x[i]), d);
    EXPECT_TRUE(close(dbl(download<float>(out, n)), want, 1e-6, 1e-6));
  }
  {
    const std::uint32_t groups = 3;
    auto in = random_floats(groups * 128, 31);
    auto out = device().allocate(groups * 32 * 4);
    auto c = config({groups, 1, 1}, {32, 1, 1});
    c.buffers[0] = Binding::of(upload(in));
    c.buffers[1] = Binding::of(out);
    device().launch(*kernel("misc.metal", "stage_vec4"), c);
    std::vector<double> want(groups * 32);
    for (std::uint32_t g = 0; g < groups; ++g)
      for (std::uint32_t l = 0; l < 32; ++l) {
        std::uint32_t s = ((l + 1) % 32) * 4;
        want[g * 32 + l] = double(in[g * 128 + s]) + in[g * 128 + s + 1] + in[g * 128 + s + 2] + in[g * 128 + s + 3];
      }
    EXPECT_TRUE(close(dbl(download<float>(out, groups * 32)), want, 1e-6, 1e-6));
  }
}

TEST(MslCorpus, SimdgroupGemmEpilogueThroughThreadElements) {
  const int M = 16, N = 24, K = 32;
  auto A = random_floats(M * K, 34), B = random_floats(K * N, 35), bias = random_floats(N, 36);
  auto C = device().allocate(M * N * 4);
  auto c = config({N / 8, M / 8, 1}, {32, 1, 1});
  c.buffers[0] = Binding::of(upload(A));
  c.buffers[1] = Binding::of(upload(B));
  c.buffers[2] = Binding::of(upload(bias));
  c.buffers[3] = Binding::of(C);
  c.buffers[4] = Binding::value(std::array<std::int32_t, 4>{M, N, K, 0});
  device().launch(*kernel("matmul.metal", "gemm_bias_relu_8x8"), c);
  std::vector<double> want(M * N);
  int negative = 0;
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = bias[j];
      for (int k = 0; k < K; ++k) s += double(A[i * K + k]) * B[k * N + j];
      negative += s < 0;
      want[i * N + j] = std::max(s, 0.0);
    }
  EXPECT_GT(negative, 0);  // the relu matters
  EXPECT_TRUE(close(dbl(download<float>(C, M * N)), want, 1e-5, 1e-5));
}

TEST(MslCorpus, InClassExplicitSpecializations) {
  const std::uint32_t n = 64;
  std::vector<std::int32_t> qi(n);
  std::mt19937 g(32);
  for (auto& v : qi) v = static_cast<std::int32_t>(g() % 4096) - 2048;
  auto xh = halves(random_floats(n, 33));
  auto out = device().allocate(n * 4);
  auto c = config({n, 1, 1}, {32, 1, 1}, Dispatch::Threads);
  c.buffers[0] = Binding::of(upload(qi));
  c.buffers[1] = Binding::of(upload(xh));
  c.buffers[2] = Binding::of(out);
  device().launch(*kernel("misc.metal", "widen_mixed"), c);
  std::vector<double> want(n);
  for (std::uint32_t i = 0; i < n; ++i) want[i] = qi[i] / 256.0 + 0.5 + runtime::from_f16(xh[i]);
  EXPECT_TRUE(close(dbl(download<float>(out, n)), want, 1e-6, 1e-6));
}

}  // namespace
}  // namespace tmetal::test
