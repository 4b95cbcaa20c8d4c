// Emulator throughput and latency: vector add (elements/s), simdgroup_matrix GEMM (GFLOP/s), a tiled
// threadgroup matmul, cold compile time (fresh cache each iteration), cache-hit compile, and the latency
// of launching a one-thread kernel.
#include "triton_metal/runtime.h"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace {

using namespace tmetal::runtime;

Device& dev() {
  static std::unique_ptr<Device> d = [] {
    setenv("TRITON_METAL_CACHE_DIR", TM_BENCH_CACHE_DIR, 0);
    return make_device("emulator");
  }();
  return *d;
}

std::string kernel(const std::string& name) {
  std::ifstream in(std::string(TM_KERNEL_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<Buffer> random_buffer(std::size_t n) {
  auto b = dev().allocate(n * sizeof(float));
  std::mt19937 g(1);
  std::uniform_real_distribution<float> d(-1, 1);
  for (auto& x : b->as<float>()) x = d(g);
  return b;
}

void BM_VectorAdd(benchmark::State& state) {
  auto p = dev().compile(kernel("vector_add.metal"), "vector_add");
  std::uint32_t n = static_cast<std::uint32_t>(state.range(0));
  LaunchConfig c;
  c.threads_per_threadgroup = {256, 1, 1};
  c.grid = {n / 4 + 1, 1, 1};
  c.dispatch = Dispatch::Threads;
  c.buffers[0] = Binding::of(random_buffer(n));
  c.buffers[1] = Binding::of(random_buffer(n));
  c.buffers[2] = Binding::of(random_buffer(n));
  struct { std::uint32_t n; float alpha; } prm{n, 0.5f};
  c.buffers[3] = Binding::value(prm);
  for (auto _ : state) benchmark::DoNotOptimize(dev().launch(*p, c));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_VectorAdd)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

void gemm(benchmark::State& state, const char* file, const char* entry, Size3 tg, std::uint32_t tile) {
  auto p = dev().compile(kernel(file), entry);
  std::uint32_t n = static_cast<std::uint32_t>(state.range(0));
  LaunchConfig c;
  c.threads_per_threadgroup = tg;
  c.grid = {(n + tile - 1) / tile, (n + tile - 1) / tile, 1};
  c.buffers[0] = Binding::of(random_buffer(std::size_t{n} * n));
  c.buffers[1] = Binding::of(random_buffer(std::size_t{n} * n));
  c.buffers[2] = Binding::of(random_buffer(std::size_t{n} * n));
  std::uint32_t dims[3] = {n, n, n};
  c.buffers[3] = Binding::value(dims);
  for (auto _ : state) benchmark::DoNotOptimize(dev().launch(*p, c));
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}
void BM_SimdgroupGemmF32(benchmark::State& s) { gemm(s, "simdgroup_gemm.metal", "gemm_f32", {128, 1, 1}, 16); }
void BM_TiledMatmulF32(benchmark::State& s) { gemm(s, "matmul_tiled.metal", "matmul_tiled", {16, 16, 1}, 16); }
BENCHMARK(BM_SimdgroupGemmF32)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TiledMatmulF32)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CompileCold(benchmark::State& state) {
  std::string src = kernel("softmax.metal");
  int i = 0;
  for (auto _ : state) {
    // A unique constant makes a new cache key each time: a real compile (comments would not).
    auto p = dev().compile(src + "\nconstant constexpr int bench_unique = " + std::to_string(i++) + " + " +
                               std::to_string(getpid()) + ";\n", "softmax_rows");
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_CompileCold)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

void BM_CompileCacheHit(benchmark::State& state) {
  std::string src = kernel("softmax.metal");
  dev().compile(src, "softmax_rows");
  for (auto _ : state) benchmark::DoNotOptimize(dev().compile(src, "softmax_rows"));
}
BENCHMARK(BM_CompileCacheHit)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_LaunchLatency(benchmark::State& state) {
  auto p = dev().compile(kernel("vector_add.metal"), "vector_add");
  LaunchConfig c;
  c.threads_per_threadgroup = {1, 1, 1};
  c.grid = {1, 1, 1};
  auto b = random_buffer(4);
  for (int i = 0; i < 3; ++i) c.buffers[i] = Binding::of(b);
  struct { std::uint32_t n; float alpha; } prm{4, 0.5f};
  c.buffers[3] = Binding::value(prm);
  for (auto _ : state) benchmark::DoNotOptimize(dev().launch(*p, c));
}
BENCHMARK(BM_LaunchLatency)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
