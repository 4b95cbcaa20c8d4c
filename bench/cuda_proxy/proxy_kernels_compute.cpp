// Matrix kernels, the metal_stdlib checks and the thread-position kernels of the emulator's e2e suite on
// the CUDA proxy, each against a float64 / exact reference; the matrix kernels are also timed.
#include "proxy_kernels.h"

namespace tmetal::proxy {

namespace {

std::vector<double> matmul_ref(const std::vector<float>& a, const std::vector<float>& b, std::uint32_t M, std::uint32_t N, std::uint32_t K) {
  std::vector<double> c(std::size_t{M} * N, 0.0);
  for (std::uint32_t i = 0; i < M; ++i)
    for (std::uint32_t k = 0; k < K; ++k) {
      double x = a[std::size_t{i} * K + k];
      for (std::uint32_t j = 0; j < N; ++j) c[std::size_t{i} * N + j] += x * b[std::size_t{k} * N + j];
    }
  return c;
}

}  // namespace

void matmul_tiled(Env& env) {
  auto p = pipeline(env, "matmul_tiled.metal", "matmul_tiled");
  auto run = [&](std::uint32_t M, std::uint32_t N, std::uint32_t K, bool time) {
    auto a = random_floats(std::size_t{M} * K, 8), b = random_floats(std::size_t{K} * N, 9);
    auto ba = upload(env, a), bb = upload(env, b), bc = upload(env, std::vector<float>(std::size_t{M} * N, 0.0f));
    // Whole 16x16 threadgroups (the kernel zero-pads edge tiles itself, as in the emulator's test): with
    // dispatchThreads a partial threadgroup would lack the threads that stage the padding.
    auto c = config({(N + 15) / 16, (M + 15) / 16, 1}, {16, 16, 1});
    c.buffers[0] = rt::Binding::of(ba);
    c.buffers[1] = rt::Binding::of(bb);
    c.buffers[2] = rt::Binding::of(bc);
    std::uint32_t dims[3] = {M, N, K};
    c.buffers[3] = rt::Binding::value(dims);
    env.dev->launch(*p, c);
    Record r{"matmul_tiled", fmt_shape({M, N, K}), "", true};
    if (!time) {
      double e = error_ratio(download<float>(bc, std::size_t{M} * N), matmul_ref(a, b, M, N, K), 1e-5 * K, 1e-5);
      r.detail = "max err ratio " + std::to_string(e);
      r.ok = e <= 1.0;
    } else {
      r.detail = "timing run (checked at the small size)";
      r.ms = median_ms(env, *p, c, 2, 10);
      r.flops = 2.0 * M * N * K;
    }
    report(env, r);
  };
  run(100, 70, 45, false);
  if (!env.check_only) run(4096, 4096, 4096, true);
}

void simdgroup_gemm(Env& env) {
  for (int type = 0; type < 3; ++type) {
    const char* entry = type == 0 ? "gemm_f32" : type == 1 ? "gemm_f16" : "gemm_bf16";
    auto p = pipeline(env, "simdgroup_gemm.metal", entry);
    auto run = [&](std::uint32_t M, std::uint32_t N, std::uint32_t K, bool time) {
      auto a = random_floats(std::size_t{M} * K, 10), b = random_floats(std::size_t{K} * N, 11);
      std::shared_ptr<rt::Buffer> ba, bb;
      if (type == 0) {
        ba = upload(env, a), bb = upload(env, b);
      } else {
        std::vector<std::uint16_t> ah(a.size()), bh(b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
          ah[i] = type == 1 ? to_half(a[i]) : to_bfloat(a[i]);
          a[i] = type == 1 ? from_half(ah[i]) : from_bfloat(ah[i]);
        }
        for (std::size_t i = 0; i < b.size(); ++i) {
          bh[i] = type == 1 ? to_half(b[i]) : to_bfloat(b[i]);
          b[i] = type == 1 ? from_half(bh[i]) : from_bfloat(bh[i]);
        }
        ba = upload(env, ah), bb = upload(env, bh);
      }
      auto bc = upload(env, std::vector<float>(std::size_t{M} * N, 0.0f));
      auto c = config({(N + 15) / 16, (M + 15) / 16, 1}, {128, 1, 1});
      c.buffers[0] = rt::Binding::of(ba);
      c.buffers[1] = rt::Binding::of(bb);
      c.buffers[2] = rt::Binding::of(bc);
      std::uint32_t dims[3] = {M, N, K};
      c.buffers[3] = rt::Binding::value(dims);
      env.dev->launch(*p, c);
      Record r{entry, fmt_shape({M, N, K}), "", true};
      if (!time) {
        double e = error_ratio(download<float>(bc, std::size_t{M} * N), matmul_ref(a, b, M, N, K), 1e-5 * K, 1e-5);
        r.detail = "max err ratio " + std::to_string(e);
        r.ok = e <= 1.0;
      } else {
        r.detail = "timing run (checked at the small size)";
        r.ms = median_ms(env, *p, c, 2, 10);
        r.flops = 2.0 * M * N * K;
      }
      report(env, r);
    };
    run(50, 40, 30, false);
    if (!env.check_only) run(4096, 4096, 4096, true);
  }
}

void stdlib_math(Env& env) {
  auto p = pipeline(env, "stdlib_check.metal", "math_functions");
  const std::uint32_t n = 1000;
  auto x = random_floats(n, 12, -1.99f, 1.99f);
  auto bx = upload(env, x), bo = upload(env, std::vector<float>(n * 16, 0.0f));
  auto c = config({n, 1, 1}, {64, 1, 1}, rt::Dispatch::Threads);
  c.buffers[0] = rt::Binding::of(bx);
  c.buffers[1] = rt::Binding::of(bo);
  c.buffers[2] = rt::Binding::value(n);
  env.dev->launch(*p, c);
  std::vector<double> want(n * 16);
  for (std::uint32_t i = 0; i < n; ++i) {
    double v = x[i];
    double* o = &want[i * 16];
    o[0] = std::exp(v), o[1] = std::exp2(v), o[2] = std::log(std::fabs(v) + 1.0), o[3] = std::sqrt(std::fabs(v));
    o[4] = 1.0 / std::sqrt(std::fabs(v) + 0.5), o[5] = std::sin(v) + std::cos(v), o[6] = std::tanh(v);
    o[7] = std::clamp(v, -0.5, 0.5), o[8] = v + (1.0 - v) * 0.25, o[9] = v * v + 1.0, o[10] = std::clamp(v, 0.0, 1.0);
    o[11] = v < 0 ? -v : v, o[12] = std::pow(std::fabs(v), 1.5);
    double f3 = double(float(v * 3.0f));
    o[13] = std::floor(f3) + (v - std::floor(v)), o[14] = std::max(v, 0.25) - std::min(v, -0.25), o[15] = std::atan2(v, 1.5);
  }
  double e = error_ratio(download<float>(bo, n * 16), want, 2e-6, 2e-6);
  report(env, {"math_functions", fmt_shape({n}), "max err ratio " + std::to_string(e), e <= 1.0});
}

void stdlib_vector_integer(Env& env) {
  auto p = pipeline(env, "stdlib_check.metal", "vector_and_integer");
  const std::uint32_t n = 512;
  auto x = random_floats(n * 4, 13, -2.0f, 2.0f);
  auto bx = upload(env, x), bo = upload(env, std::vector<float>(n * 8, 0.0f)), bi = upload(env, std::vector<std::int32_t>(n * 8, 0)),
       bp = upload(env, std::vector<float>(n * 3, 0.0f));
  auto c = config({n, 1, 1}, {64, 1, 1}, rt::Dispatch::Threads);
  c.buffers[0] = rt::Binding::of(bx);
  c.buffers[1] = rt::Binding::of(bo);
  c.buffers[2] = rt::Binding::of(bi);
  c.buffers[3] = rt::Binding::of(bp);
  env.dev->launch(*p, c);
  std::vector<double> wf(n * 8), wp(n * 3);
  std::vector<std::int32_t> wi(n * 8);
  for (std::uint32_t i = 0; i < n; ++i) {
    const float* v = &x[i * 4];
    double* o = &wf[i * 8];
    o[0] = 2.0 * v[2], o[1] = 2.0 * v[3], o[2] = double(v[1]) + 1.0, o[3] = double(v[0]) - 1.0;
    o[4] = v[1], o[5] = -double(v[0]), o[6] = 0.0;
    o[7] = double(v[0]) * v[0] + double(v[1]) * v[1] + double(v[2]) * v[2] + double(v[3]) * v[3] +
           std::sqrt(double(v[0]) * v[0] + double(v[1]) * v[1]) + std::fabs(v[3]);
    std::int32_t k[4];
    for (int j = 0; j < 4; ++j) k[j] = static_cast<std::int32_t>(v[j] * 100.0f);
    std::uint32_t bits;
    std::memcpy(&bits, &v[0], 4);
    auto uabs = [](std::int32_t q) { return static_cast<std::uint32_t>(q < 0 ? -q : q); };
    std::int32_t* w = &wi[i * 8];
    w[0] = __builtin_popcount(uabs(k[0]));
    w[1] = __builtin_clz(uabs(k[1]) + 1u);
    w[2] = __builtin_ctz(uabs(k[2]) | 256u);
    w[3] = static_cast<std::int32_t>(k[0] > k[1] ? std::uint32_t(k[0]) - std::uint32_t(k[1]) : std::uint32_t(k[1]) - std::uint32_t(k[0]));
    w[4] = static_cast<std::int32_t>((std::int64_t{k[0]} * 123456789) >> 32);
    w[5] = static_cast<std::int32_t>(bits >> 23);
    w[6] = std::max(k[2], k[3]);
    w[7] = 1;
    for (int j = 0; j < 3; ++j) wp[i * 3 + j] = double(v[j]) + 1.0;
  }
  double e = std::max(error_ratio(download<float>(bo, n * 8), wf, 1e-6, 1e-6), error_ratio(download<float>(bp, n * 3), wp, 1e-6, 1e-6));
  bool ints = download<std::int32_t>(bi, n * 8) == wi;
  report(env, {"vector_and_integer", fmt_shape({n}), "float err ratio " + std::to_string(e) + ", integers exact " + (ints ? "yes" : "no"),
               e <= 1.0 && ints});
}

void stdlib_half_bfloat(Env& env) {
  auto p = pipeline(env, "stdlib_check.metal", "half_bfloat");
  const std::uint32_t n = 65536;
  auto x = random_floats(n, 14, -70000.0f, 70000.0f);
  for (std::uint32_t i = 0; i < n; i += 3) x[i] *= 1e-6f;  // subnormal halves too
  auto bx = upload(env, x), bh = upload(env, std::vector<std::uint16_t>(n, 0)), bb = upload(env, std::vector<std::uint16_t>(n, 0)),
       bs = upload(env, std::vector<std::uint16_t>(n, 0)), br = upload(env, std::vector<std::uint16_t>(n, 0));
  auto c = config({n, 1, 1}, {256, 1, 1}, rt::Dispatch::Threads);
  c.buffers[0] = rt::Binding::of(bx);
  c.buffers[1] = rt::Binding::of(bh);
  c.buffers[2] = rt::Binding::of(bb);
  c.buffers[3] = rt::Binding::of(bs);
  c.buffers[4] = rt::Binding::of(br);
  env.dev->launch(*p, c);
  auto h = download<std::uint16_t>(bh, n), b = download<std::uint16_t>(bb, n), s = download<std::uint16_t>(bs, n),
       r = download<std::uint16_t>(br, n);
  // hsum = a * a + 1.0h in half: each operation rounded, or (Metal's default fast math and CUDA both allow
  // contraction) one fused multiply-add rounded once; either passes, and the count of fused results is shown.
  std::size_t bad_h = 0, bad_b = 0, bad_s = 0, fused = 0, bad_r = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    bad_h += h[i] != to_half(x[i]);
    bad_b += b[i] != to_bfloat(x[i]);
    double a = from_half(to_half(x[i]));
    std::uint16_t per_op = to_half(from_half(to_half(static_cast<float>(a * a))) + 1.0f);
    std::uint16_t fma1 = to_half(static_cast<float>(a * a + 1.0));
    if (s[i] != per_op) {
      if (s[i] == fma1) ++fused;
      else ++bad_s;
    }
    bool nan = (i & 0x7c00u) == 0x7c00u && (i & 0x3ffu);
    bad_r += r[i] != (nan ? 0x7e00u : i);
  }
  std::size_t bad = bad_h + bad_b + bad_s + bad_r;
  std::string detail = "wrong: half " + std::to_string(bad_h) + ", bfloat " + std::to_string(bad_b) + ", a*a+1 " +
                       std::to_string(bad_s) + " (" + std::to_string(fused) + " fused), roundtrip " + std::to_string(bad_r);
  report(env, {"half_bfloat", fmt_shape({n}), detail, bad == 0});
}

void positions(Env& env) {
  struct Rec { std::uint32_t tpig[3], tpitg[3], tgpig[3], tptg[3], tgpg[3], tpg[3], dtptg[3], tiitg, tiisg, sgitg, sgptg, tpsg, tew, tiiqg, qgitg; };
  auto p = pipeline(env, "positions.metal", "positions");
  for (bool threads : {false, true}) {
    std::uint32_t dims[3] = {threads ? 13u : 12u, threads ? 7u : 6u, threads ? 3u : 4u}, t[3] = {threads ? 8u : 4u, threads ? 4u : 3u, 2u}, ng[3];
    for (int i = 0; i < 3; ++i) ng[i] = (dims[i] + t[i] - 1) / t[i];
    std::size_t total = std::size_t{dims[0]} * dims[1] * dims[2];
    auto out = upload(env, std::vector<Rec>(total, Rec{}));
    auto c = config(threads ? rt::Size3{dims[0], dims[1], dims[2]} : rt::Size3{ng[0], ng[1], ng[2]}, {t[0], t[1], t[2]},
                    threads ? rt::Dispatch::Threads : rt::Dispatch::Threadgroups);
    c.buffers[0] = rt::Binding::of(out);
    std::uint32_t gt[4] = {dims[0], dims[1], dims[2], 0};
    c.buffers[1] = rt::Binding::value(gt);
    env.dev->launch(*p, c);
    auto recs = download<Rec>(out, total);
    std::size_t bad = 0;
    for (std::uint32_t z = 0; z < dims[2]; ++z)
      for (std::uint32_t y = 0; y < dims[1]; ++y)
        for (std::uint32_t x = 0; x < dims[0]; ++x) {
          const Rec& r = recs[(std::size_t{z} * dims[1] + y) * dims[0] + x];
          std::uint32_t pos[3] = {x, y, z}, actual[3];
          for (int i = 0; i < 3; ++i) {
            actual[i] = std::min(t[i], dims[i] - (pos[i] / t[i]) * t[i]);
            bad += r.tpig[i] != pos[i] || r.tpitg[i] != pos[i] % t[i] || r.tgpig[i] != pos[i] / t[i] || r.tptg[i] != actual[i] ||
                   r.dtptg[i] != t[i] || r.tgpg[i] != ng[i] || r.tpg[i] != dims[i];
          }
          std::uint32_t lin = r.tpitg[0] + r.tpitg[1] * actual[0] + r.tpitg[2] * actual[0] * actual[1];
          bad += r.tiitg != lin || r.tiisg != lin % 32 || r.sgitg != lin / 32 || r.sgptg != (actual[0] * actual[1] * actual[2] + 31) / 32 ||
                 r.tpsg != 32 || r.tew != 32 || r.tiiqg != lin % 4 || r.qgitg != lin / 4;
        }
    report(env, {threads ? "positions_dispatch_threads" : "positions_threadgroups", fmt_shape({dims[0], dims[1], dims[2]}),
                 std::to_string(bad) + " wrong records (exact)", bad == 0});
  }
}

void features(Env& env) {
  auto p = pipeline(env, "positions.metal", "features");
  std::size_t bad = 0;
  for (std::uint32_t tg : {1u, 17u, 64u}) {
    std::uint32_t groups = 3;
    auto in = random_floats(groups * tg, tg);
    auto bo = upload(env, std::vector<float>(groups * tg, 0.0f));
    auto c = config({groups, 1, 1}, {tg, 1, 1});
    c.buffers[0] = rt::Binding::of(upload(env, in));
    c.buffers[1] = rt::Binding::of(bo);
    env.dev->launch(*p, c);
    std::vector<double> want(groups * tg);
    for (std::uint32_t g = 0; g < groups; ++g) {
      double s = 0;
      for (std::uint32_t i = 0; i < tg; ++i) s += in[g * tg + i];
      for (std::uint32_t i = 0; i < tg; ++i) want[g * tg + i] = 8.0 * s;
    }
    bad += error_ratio(download<float>(bo, want.size()), want, 1e-5, 1e-5) > 1.0;
  }
  report(env, {"features", "3 groups x {1,17,64}", std::to_string(bad) + " failing sizes", bad == 0});
}

}  // namespace tmetal::proxy
