// Memory-bound and reduction kernels of the emulator's e2e suite on the CUDA proxy: each is checked against
// a float64 (or exact integer) reference at a small odd size, then timed at a size that fills the GPU.
#include "proxy_kernels.h"

namespace tmetal::proxy {

void vector_add(Env& env) {
  auto p = pipeline(env, "vector_add.metal", "vector_add");
  struct Params { std::uint32_t n; float alpha; };
  auto run = [&](std::uint32_t n, bool time) {
    auto a = random_floats(n, 1), b = random_floats(n, 2);
    auto ba = upload(env, a), bb = upload(env, b), bo = upload(env, std::vector<float>(n, 0.0f));
    auto c = config({n / 4 + 1, 1, 1}, {256, 1, 1}, rt::Dispatch::Threads);
    c.buffers[0] = rt::Binding::of(ba);
    c.buffers[1] = rt::Binding::of(bb);
    c.buffers[2] = rt::Binding::of(bo);
    c.buffers[3] = rt::Binding::value(Params{n, 0.75f});
    env.dev->launch(*p, c);
    std::vector<double> want(n);
    for (std::uint32_t i = 0; i < n; ++i) want[i] = double(a[i]) + 0.75 * double(b[i]);
    double e = error_ratio(download<float>(bo, n), want, 1e-6, 1e-6);
    Record r{"vector_add", fmt_shape({n}), "max err ratio " + std::to_string(e), e <= 1.0};
    if (time) {
      r.ms = median_ms(env, *p, c);
      r.bytes = 12.0 * n;
    }
    report(env, r);
  };
  run(1000003, false);
  if (!env.check_only) run(1u << 28, true);
}

void reduce_sum(Env& env) {
  auto p = pipeline(env, "reduce.metal", "reduce_sum");
  auto run = [&](std::uint32_t n, std::uint32_t groups, bool time) {
    auto x = random_floats(n, 3);
    auto bx = upload(env, x), bp = upload(env, std::vector<float>(groups, 0.0f));
    auto c = config({groups, 1, 1}, {256, 1, 1});
    c.buffers[0] = rt::Binding::of(bx);
    c.buffers[1] = rt::Binding::of(bp);
    c.buffers[2] = rt::Binding::value(n);
    c.threadgroup_memory[0] = 256 * sizeof(float);
    env.dev->launch(*p, c);
    auto part = download<float>(bp, groups);
    double got = 0, want = 0, mag = 0;
    for (float v : part) got += v;
    for (float v : x) want += v, mag += std::fabs(v);
    double e = std::fabs(got - want) / (1e-6 * mag);
    Record r{"reduce_sum", fmt_shape({n}), "err/(1e-6 sum|x|) " + std::to_string(e), e <= 1.0};
    if (time) {
      r.ms = median_ms(env, *p, c);
      r.bytes = 4.0 * n;
    }
    report(env, r);
  };
  run(100003, 37, false);
  if (!env.check_only) run(1u << 28, 132 * 16, true);
}

void softmax(Env& env) {
  auto p = pipeline(env, "softmax.metal", "softmax_rows");
  auto run = [&](std::uint32_t rows, std::uint32_t cols, bool time) {
    auto x = random_floats(std::size_t{rows} * cols, 4, -4.0f, 4.0f);
    auto bx = upload(env, x), by = upload(env, std::vector<float>(x.size(), 0.0f));
    auto c = config({rows, 1, 1}, {256, 1, 1});
    c.buffers[0] = rt::Binding::of(bx);
    c.buffers[1] = rt::Binding::of(by);
    std::uint32_t shape[2] = {rows, cols};
    c.buffers[2] = rt::Binding::value(shape);
    env.dev->launch(*p, c);
    std::vector<double> want(x.size());
    for (std::uint32_t r = 0; r < rows; ++r) {
      double m = -INFINITY, s = 0;
      for (std::uint32_t k = 0; k < cols; ++k) m = std::max(m, double(x[std::size_t{r} * cols + k]));
      for (std::uint32_t k = 0; k < cols; ++k) s += std::exp(double(x[std::size_t{r} * cols + k]) - m);
      for (std::uint32_t k = 0; k < cols; ++k) want[std::size_t{r} * cols + k] = std::exp(double(x[std::size_t{r} * cols + k]) - m) / s;
    }
    double e = error_ratio(download<float>(by, x.size()), want, 1e-7, 1e-5);
    Record r{"softmax_rows", fmt_shape({rows, cols}), "max err ratio " + std::to_string(e), e <= 1.0};
    if (time) {
      r.ms = median_ms(env, *p, c);
      r.bytes = 8.0 * rows * cols;  // one read and one write of the matrix (the kernel reads x three times)
    }
    report(env, r);
  };
  run(37, 1000, false);
  if (!env.check_only) run(16384, 4096, true);
}

void block_scan(Env& env) {
  auto p = pipeline(env, "prefix_sum.metal", "block_scan");
  auto run = [&](std::uint32_t n, bool time) {
    std::mt19937 g(5);
    std::uniform_int_distribution<int> d(-100, 100);
    std::vector<int> in(n);
    for (auto& v : in) v = d(g);
    std::uint32_t groups = (n + 255) / 256;
    auto bi = upload(env, in), bo = upload(env, std::vector<int>(n, 0)), bs = upload(env, std::vector<int>(groups, 0));
    auto c = config({groups, 1, 1}, {256, 1, 1});
    c.buffers[0] = rt::Binding::of(bi);
    c.buffers[1] = rt::Binding::of(bo);
    c.buffers[2] = rt::Binding::of(bs);
    c.buffers[3] = rt::Binding::value(n);
    env.dev->launch(*p, c);
    auto out = download<int>(bo, n), sums = download<int>(bs, groups);
    std::size_t bad = 0;
    for (std::uint32_t b = 0; b < groups; ++b) {
      long long acc = 0;
      for (std::uint32_t i = b * 256; i < std::min(n, b * 256 + 256); ++i) {
        bad += out[i] != acc;
        acc += in[i];
      }
      bad += sums[b] != acc;
    }
    Record r{"block_scan", fmt_shape({n}), std::to_string(bad) + " wrong values (exact)", bad == 0};
    if (time) {
      r.ms = median_ms(env, *p, c);
      r.bytes = 8.0 * n;
    }
    report(env, r);
  };
  run(100000, false);
  if (!env.check_only) run(1u << 28, true);
}

void histogram(Env& env) {
  auto p = pipeline(env, "histogram.metal", "histogram");
  auto run = [&](std::uint32_t n, std::uint32_t groups, bool time) {
    auto v = random_floats(n, 6, 0.0f, 0.999999f);
    auto bv = upload(env, v), bh = upload(env, std::vector<std::uint32_t>(64, 0)), bt = upload(env, std::vector<float>(1, 0.0f));
    auto c = config({groups, 1, 1}, {256, 1, 1});
    c.buffers[0] = rt::Binding::of(bv);
    c.buffers[1] = rt::Binding::of(bh);
    c.buffers[2] = rt::Binding::of(bt);
    c.buffers[3] = rt::Binding::value(n);
    env.dev->launch(*p, c);
    auto h = download<std::uint32_t>(bh, 64);
    std::vector<std::uint32_t> want(64, 0);
    double total = 0;
    for (float x : v) {
      want[std::min<std::uint32_t>(static_cast<std::uint32_t>(x * 64.0f), 63)]++;
      total += x;
    }
    float got_total = download<float>(bt, 1)[0];
    bool ok = h == want && std::fabs(got_total - total) <= 1e-5 * total;
    Record r{"histogram", fmt_shape({n}), "bins exact " + std::string(h == want ? "yes" : "no") + ", total rel err " +
                                              std::to_string(std::fabs(got_total - total) / total), ok};
    if (time) {
      r.ms = median_ms(env, *p, c);
      r.bytes = 4.0 * n;
    }
    report(env, r);
  };
  run(100003, 13, false);
  if (!env.check_only) run(1u << 28, 132 * 16, true);
}

void scaled_activation(Env& env) {
  rt::FunctionConstants fcs = {{"0", 1.5}, {"1", std::int64_t{2}}, {"2", 0.25}};
  for (bool f16 : {false, true}) {
    auto p = pipeline(env, "scaled_activation.metal", f16 ? "scaled_activation_f16" : "scaled_activation_f32", fcs);
    auto run = [&](std::uint32_t cols, std::uint32_t rows, bool time) {
      std::size_t n = std::size_t{cols} * rows;
      auto x = random_floats(n, 7, -3.0f, 3.0f);
      std::shared_ptr<rt::Buffer> bx, by;
      std::vector<double> want(n);
      std::vector<std::uint16_t> xh(n);
      for (std::size_t i = 0; i < n; ++i) {
        // The kernel computes v = 1.5f * x + 0.25f in float, then (f16) rounds v to half before activating.
        float v = 1.5f * (f16 ? from_half(xh[i] = to_half(x[i])) : x[i]);
        v += 0.25f;
        double f = f16 ? double(from_half(to_half(v))) : double(v);
        want[i] = 0.5 * f * (1.0 + std::tanh(0.7978845608 * (f + 0.044715 * f * f * f)));
      }
      if (f16) bx = upload(env, xh), by = upload(env, std::vector<std::uint16_t>(n, 0));
      else bx = upload(env, x), by = upload(env, std::vector<float>(n, 0.0f));
      auto c = config({cols, rows, 1}, {32, 8, 1}, rt::Dispatch::Threads);
      c.buffers[0] = rt::Binding::of(bx);
      c.buffers[1] = rt::Binding::of(by);
      std::uint32_t size[2] = {cols, rows};
      c.buffers[2] = rt::Binding::value(size);
      env.dev->launch(*p, c);
      double e;
      if (f16) {
        auto h = download<std::uint16_t>(by, n);
        std::vector<float> got(n);
        for (std::size_t i = 0; i < n; ++i) got[i] = from_half(h[i]);
        e = error_ratio(got, want, 1e-3, 2e-3);
      } else {
        e = error_ratio(download<float>(by, n), want, 2e-6, 1e-5);
      }
      Record r{f16 ? "scaled_activation_f16" : "scaled_activation_f32", fmt_shape({rows, cols}),
               "max err ratio " + std::to_string(e), e <= 1.0};
      if (time) {
        r.ms = median_ms(env, *p, c);
        r.bytes = (f16 ? 4.0 : 8.0) * n;
      }
      report(env, r);
    };
    run(123, 45, false);
    if (!env.check_only) run(8192, 8192, true);
  }
}

void layer_norm(Env& env) {
  auto p = pipeline(env, "layer_norm.metal", "layer_norm_f16");
  struct Args { std::uint32_t rows, cols; std::int32_t mode; };
  auto run = [&](std::uint32_t rows, std::uint32_t cols, bool time) {
    std::size_t n = std::size_t{rows} * cols;
    auto xf = random_floats(n, 15, -2.0f, 2.0f), wf = random_floats(cols, 16), bf = random_floats(cols, 17);
    std::vector<std::uint16_t> x(n), w(cols), b(cols);
    for (std::size_t i = 0; i < n; ++i) x[i] = to_half(xf[i]);
    for (std::uint32_t i = 0; i < cols; ++i) w[i] = to_half(wf[i]), b[i] = to_half(bf[i]);
    auto by = upload(env, std::vector<std::uint16_t>(n, 0));
    auto c = config({rows, 1, 1}, {256, 1, 1});
    c.buffers[0] = rt::Binding::of(upload(env, x));
    c.buffers[1] = rt::Binding::of(upload(env, w));
    c.buffers[2] = rt::Binding::of(upload(env, b));
    c.buffers[3] = rt::Binding::of(by);
    c.buffers[4] = rt::Binding::value(Args{rows, cols, 2});
    env.dev->launch(*p, c);
    std::vector<double> want(n);
    for (std::uint32_t r = 0; r < rows; ++r) {
      double s = 0, s2 = 0;
      for (std::uint32_t i = 0; i < cols; ++i) {
        double v = from_half(x[std::size_t{r} * cols + i]);
        s += v, s2 += v * v;
      }
      double mean = s / cols, inv = 1.0 / std::sqrt(std::max(s2 / cols - mean * mean, 0.0) + 1e-5);
      for (std::uint32_t i = 0; i < cols; ++i)
        want[std::size_t{r} * cols + i] = (from_half(x[std::size_t{r} * cols + i]) - mean) * inv * from_half(w[i]) + from_half(b[i]);
    }
    auto h = download<std::uint16_t>(by, n);
    std::vector<float> got(n);
    for (std::size_t i = 0; i < n; ++i) got[i] = from_half(h[i]);
    double e = error_ratio(got, want, 2e-3, 1e-3);
    Record rec{"layer_norm_f16", fmt_shape({rows, cols}), "max err ratio " + std::to_string(e), e <= 1.0};
    if (time) {
      rec.ms = median_ms(env, *p, c);
      rec.bytes = 4.0 * n;  // one read of x and one write of y, in half
    }
    report(env, rec);
  };
  run(37, 1003, false);
  if (!env.check_only) run(16384, 4096, true);
}

}  // namespace tmetal::proxy
