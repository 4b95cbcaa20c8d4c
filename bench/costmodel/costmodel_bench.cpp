// Latency of the calls an autotuner makes in loops: resolving a target name, predicting a workload,
// choosing a matmul tile.
#include "triton_metal/target_cost_model.h"

#include <benchmark/benchmark.h>

namespace {

namespace tt = tmetal::target;

void BM_ResolveTarget(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tt::resolve_target("Apple M3 Max"));
}
BENCHMARK(BM_ResolveTarget);

void BM_PredictMatmul(benchmark::State& state) {
  const tt::Target t = tt::resolve_target("m3-max");
  const auto w = tt::matmul_workload(4096, 4096, 4096, tmetal::DType::f16, tmetal::DType::f32);
  for (auto _ : state) benchmark::DoNotOptimize(tt::predict(t, w));
}
BENCHMARK(BM_PredictMatmul);

void BM_MatmulTile(benchmark::State& state) {
  const tt::Target t = tt::resolve_target("m1");
  for (auto _ : state) benchmark::DoNotOptimize(t.matmul_tile(tmetal::DType::f32, tmetal::DType::f32));
}
BENCHMARK(BM_MatmulTile);

}  // namespace
