// Shared helpers of the emulator's end-to-end tests: one device per test binary with a build-tree cache
// directory, kernel loading, random data, and float64 comparison.
#pragma once

#include "triton_metal/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace tmetal::test {

inline runtime::Device& device() {
  static std::unique_ptr<runtime::Device> d = [] {
    setenv("TRITON_METAL_CACHE_DIR", TM_TEST_CACHE_DIR, 0);
    return runtime::make_device("emulator");
  }();
  return *d;
}

inline std::string read_kernel_in(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/" + name);
  if (!in) throw std::runtime_error("missing kernel file " + dir + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Compiles each (folder, file, entry, constants) once per test binary; `file_name` names the file in
// messages, `include_dirs` are searched for its #include headers.
inline std::shared_ptr<runtime::Pipeline> pipeline_in(const std::string& dir, const std::string& file, const std::string& entry,
                                                      const runtime::FunctionConstants& fcs, const std::string& file_name,
                                                      const std::vector<std::string>& include_dirs = {}) {
  static std::map<std::string, std::shared_ptr<runtime::Pipeline>> cache;
  std::string key = dir + "|" + file + "|" + entry;
  for (auto& [k, v] : fcs) key += "|" + k + "=" + std::to_string(v.index()) + std::visit([](auto x) { return std::to_string(x); }, v);
  auto& p = cache[key];
  if (!p) {
    runtime::CompileOptions o;
    o.function_constants = fcs;
    o.file_name = file_name;
    o.include_dirs = include_dirs;
    p = device().compile(read_kernel_in(dir, file), entry, o);
  }
  return p;
}

#ifdef TM_KERNEL_DIR
inline std::string read_kernel(const std::string& name) { return read_kernel_in(TM_KERNEL_DIR, name); }

// A kernel of the emulator tests' kernels/ folder.
inline std::shared_ptr<runtime::Pipeline> pipeline(const std::string& file, const std::string& entry,
                                                   const runtime::FunctionConstants& fcs = {}) {
  return pipeline_in(TM_KERNEL_DIR, file, entry, fcs, file);
}
#endif

inline std::vector<float> random_floats(std::size_t n, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

template <class T> std::shared_ptr<runtime::Buffer> upload(const std::vector<T>& v) {
  auto b = device().allocate(std::max<std::size_t>(1, v.size()) * sizeof(T));
  if (!v.empty()) std::memcpy(b->data(), v.data(), v.size() * sizeof(T));
  return b;
}

template <class T> std::vector<T> download(const std::shared_ptr<runtime::Buffer>& b, std::size_t n) {
  std::vector<T> v(n);
  std::memcpy(v.data(), b->data(), n * sizeof(T));
  return v;
}

// Max |got - want| / (atol + rtol*|want|) must be <= 1.
template <class T>
::testing::AssertionResult near(const std::vector<T>& got, const std::vector<double>& want, double atol, double rtol) {
  if (got.size() != want.size()) return ::testing::AssertionFailure() << "size " << got.size() << " vs " << want.size();
  for (std::size_t i = 0; i < got.size(); ++i) {
    double g = static_cast<double>(got[i]);
    if (!(std::fabs(g - want[i]) <= atol + rtol * std::fabs(want[i])))
      return ::testing::AssertionFailure() << "element " << i << ": got " << g << ", want " << want[i];
  }
  return ::testing::AssertionSuccess();
}

inline runtime::LaunchConfig config(runtime::Size3 grid, runtime::Size3 tg,
                                    runtime::Dispatch d = runtime::Dispatch::Threadgroups) {
  runtime::LaunchConfig c;
  c.grid = grid;
  c.threads_per_threadgroup = tg;
  c.dispatch = d;
  return c;
}

}  // namespace tmetal::test
