// Helpers of the CUDA proxy check-and-benchmark driver: the device, kernel loading, random data, half /
// bfloat rounding on the host, float64 comparison, median event timing, and JSON-lines results.
#pragma once

#include "runtime/cuda/cuda_device.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace tmetal::proxy {

namespace rt = tmetal::runtime;

struct Env {
  std::unique_ptr<rt::cuda::CudaDevice> dev;
  std::string kernel_dir;
  bool check_only = false;  // small sizes, no timing (for compute-sanitizer)
  FILE* json = nullptr;
  int failures = 0;
  std::map<std::string, double> compile_ms;  // NVRTC + module load per entry (first compile of its module)
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("missing kernel file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::shared_ptr<rt::Pipeline> pipeline(Env& env, const std::string& file, const std::string& entry,
                                              const rt::FunctionConstants& fcs = {}) {
  rt::CompileOptions o;
  o.file_name = file;
  o.function_constants = fcs;
  std::string src = read_file(env.kernel_dir + "/" + file);
  auto t0 = std::chrono::steady_clock::now();
  auto p = env.dev->compile(src, entry, o);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!p->from_cache()) env.compile_ms[entry] = ms;
  return p;
}

inline std::vector<float> random_floats(std::size_t n, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

template <class T> std::shared_ptr<rt::Buffer> upload(Env& env, const std::vector<T>& v) {
  auto b = env.dev->allocate(std::max<std::size_t>(1, v.size()) * sizeof(T));
  if (!v.empty()) std::memcpy(b->data(), v.data(), v.size() * sizeof(T));
  return b;
}
template <class T> std::vector<T> download(const std::shared_ptr<rt::Buffer>& b, std::size_t n) {
  std::vector<T> v(n);
  std::memcpy(v.data(), b->data(), n * sizeof(T));
  return v;
}

// IEEE binary16 and bfloat16 from float, round to nearest even; and back.
inline std::uint16_t to_half(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  std::uint32_t sign = (x >> 16) & 0x8000u, e = (x >> 23) & 0xffu, m = x & 0x7fffffu;
  if (e == 0xff) return static_cast<std::uint16_t>(sign | 0x7c00u | (m ? 0x200u : 0u));
  int exp = static_cast<int>(e) - 127 + 15;
  if (exp >= 31) return static_cast<std::uint16_t>(sign | 0x7c00u);
  if (exp <= 0) {
    if (exp < -10) return static_cast<std::uint16_t>(sign);
    m |= 0x800000u;
    int shift = 14 - exp;
    std::uint32_t r = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1u))) ++r;
    return static_cast<std::uint16_t>(sign | r);
  }
  std::uint32_t r = (static_cast<std::uint32_t>(exp) << 10) | (m >> 13), rem = m & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) ++r;
  return static_cast<std::uint16_t>(sign | r);
}
inline float from_half(std::uint16_t h) {
  std::uint32_t sign = (h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu, x;
  if (e == 0) {
    float f = std::ldexp(static_cast<float>(m), -24);
    return sign ? -f : f;
  }
  if (e == 31) x = sign | 0x7f800000u | (m << 13);
  else x = sign | ((e - 15 + 127) << 23) | (m << 13);
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}
inline std::uint16_t to_bfloat(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((x >> 16) | 0x40u);
  x += 0x7fffu + ((x >> 16) & 1u);
  return static_cast<std::uint16_t>(x >> 16);
}
inline float from_bfloat(std::uint16_t b) {
  std::uint32_t x = static_cast<std::uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

// max over i of |got - want| / (atol + rtol |want|); <= 1 passes.
template <class T> double error_ratio(const std::vector<T>& got, const std::vector<double>& want, double atol, double rtol) {
  double worst = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    double g = static_cast<double>(got[i]);
    double r = std::fabs(g - want[i]) / (atol + rtol * std::fabs(want[i]));
    if (!(r <= worst)) worst = std::isnan(r) ? INFINITY : r;
  }
  return worst;
}

// Median of `iters` launches (CUDA events around each), after `warmup` launches; buffers stay resident.
inline double median_ms(Env& env, const rt::Pipeline& p, const rt::LaunchConfig& c, int warmup = 5, int iters = 30) {
  env.dev->set_host_sync(false);
  for (int i = 0; i < warmup; ++i) env.dev->launch(p, c);
  std::vector<double> t;
  for (int i = 0; i < iters; ++i) t.push_back(env.dev->launch(p, c).wall_seconds * 1e3);
  env.dev->set_host_sync(true);
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

struct Record {
  std::string kernel, shape, detail;
  bool ok = true;
  double ms = 0, bytes = 0, flops = 0;
};

inline void report(Env& env, const Record& r) {
  std::printf("%-24s %-6s %-28s %10.4f ms  %s\n", r.kernel.c_str(), r.ok ? "ok" : "FAIL", r.shape.c_str(), r.ms, r.detail.c_str());
  std::fflush(stdout);
  if (!r.ok) ++env.failures;
  if (env.json)
    std::fprintf(env.json, "{\"kernel\": \"%s\", \"shape\": \"%s\", \"ok\": %s, \"ms\": %.6f, \"bytes\": %.0f, \"flops\": %.0f, \"compile_ms\": %.1f, \"detail\": \"%s\"}\n",
                 r.kernel.c_str(), r.shape.c_str(), r.ok ? "true" : "false", r.ms, r.bytes, r.flops,
                 env.compile_ms.count(r.kernel) ? env.compile_ms[r.kernel] : 0.0, r.detail.c_str());
}

inline rt::LaunchConfig config(rt::Size3 grid, rt::Size3 tg, rt::Dispatch d = rt::Dispatch::Threadgroups) {
  rt::LaunchConfig c;
  c.grid = grid;
  c.threads_per_threadgroup = tg;
  c.dispatch = d;
  return c;
}

}  // namespace tmetal::proxy
