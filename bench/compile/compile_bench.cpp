// Compile latency, source -> MSL (front end, tile passes, layouts, emission), per example and per stage group,
// with Google Benchmark. Target: matmul under 5 ms median on the development machine; run with
// --benchmark_repetitions=9 --benchmark_report_aggregates_only=true for medians.
#include "examples.h"
#include "triton_metal/kernel.h"

#include <benchmark/benchmark.h>

namespace {

void BM_Compile(benchmark::State& state, const tmetal::bench::BenchExample& e, const std::string& target) {
  std::string source = tmetal::bench::read_example(e.file);
  tmetal::Specialization spec;
  spec.parse_signature(e.signature);
  spec.parse_constexpr(e.constexprs);
  tmetal::KernelOptions o;
  o.target = target;
  o.tile.verify_each = false;  // as in production: verification is for debugging pass pipelines
  for (auto _ : state) {
    tmetal::CompiledKernel k = tmetal::compile(source, e.file + ".py", e.kernel, spec, o);
    benchmark::DoNotOptimize(k.msl.data());
  }
}

void BM_FrontEndOnly(benchmark::State& state, const tmetal::bench::BenchExample& e) {
  std::string source = tmetal::bench::read_example(e.file);
  tmetal::Specialization spec;
  spec.parse_signature(e.signature);
  spec.parse_constexpr(e.constexprs);
  tmetal::CompileOptions o;
  o.verify_each = false;
  for (auto _ : state) {
    auto r = tmetal::compile_tile_ir(source, e.file + ".py", e.kernel, spec, o);
    benchmark::DoNotOptimize(r.ir.data());
  }
}

const int registered = [] {
  for (const auto& e : tmetal::bench::bench_examples()) {
    benchmark::RegisterBenchmark(("compile_to_msl/" + e.kernel + "/m3").c_str(), BM_Compile, e, std::string("m3"))
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("tile_ir_only/" + e.kernel).c_str(), BM_FrontEndOnly, e)->Unit(benchmark::kMillisecond);
  }
  const auto& mm = tmetal::bench::bench_examples()[2];
  benchmark::RegisterBenchmark("compile_to_msl/matmul_kernel/m1", BM_Compile, mm, std::string("m1"))->Unit(benchmark::kMillisecond);
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
