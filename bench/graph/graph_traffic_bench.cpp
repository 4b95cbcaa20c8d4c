// Graph traffic benchmark: for each example graph (small and medium) and target m1..m5, prints a table
// of kernels launched and device-memory bytes fused vs unfused vs the minimum, then times compile_graph
// with Google Benchmark (the counters repeat the table's numbers per run). A second table runs every
// graph's fused and unfused plans as compiled kernels on the emulator (DeviceGroupRunner) and prints the
// launches and the device bytes the emulator measured, next to the planner's model.
#include "triton_metal/graph.h"
#include "triton_metal/runtime.h"

#include <benchmark/benchmark.h>
#include <fmt/core.h>

namespace {

namespace tg = tmetal::graph;

const char* kGraphs[] = {"llama_block_small", "llama_block_medium", "resnet_block_small", "resnet_block_medium",
                         "mlp_gelu_small",    "mlp_gelu_medium"};
const char* kTargets[] = {"m1", "m2", "m3", "m4", "m5"};

tg::Graph load(const std::string& name) { return tg::load_graph_file(std::string(TM_BENCH_GRAPHS) + "/" + name + ".json"); }

void print_table() {
  fmt::print("{:<20} {:<6} {:>7} {:>9} {:>12} {:>12} {:>12} {:>8} {:>8}\n", "graph", "target", "kernels", "unfused", "bytes fused",
             "unfused", "minimum", "fused/min", "unf/min");
  for (const char* name : kGraphs) {
    tg::Graph g = load(name);
    for (const char* target : kTargets) {
      auto t = tg::compile_graph(g, tg::GraphTarget::from_name(target)).traffic;
      double m = static_cast<double>(t.minimum_bytes);
      fmt::print("{:<20} {:<6} {:>7} {:>9} {:>12} {:>12} {:>12} {:>8.2f} {:>8.2f}\n", name, target, t.fused_kernels, t.unfused_kernels,
                 t.fused_bytes, t.unfused_bytes, t.minimum_bytes, t.fused_bytes / m, t.unfused_bytes / m);
    }
  }
  fmt::print("\n");
}

void print_measured() {
  fmt::print("measured on the emulator (compiled kernels, random inputs):\n");
  fmt::print("{:<20} {:<6} {:>8} {:>12} {:>12} {:>8} {:>12} {:>12}\n", "graph", "target", "launches", "bytes fused", "(model)",
             "unfused", "bytes", "(model)");
  auto device = tmetal::runtime::make_device("emulator");
  for (const char* name : kGraphs) {
    tg::Graph g = load(name);
    auto inputs = tg::random_inputs(g, 1);
    for (const char* target : {"m1", "m3"}) {
      tg::Plan fused = tg::compile_graph(g, tg::GraphTarget::from_name(target));
      tg::Plan unfused = tg::compile_graph(g, tg::GraphTarget::from_name(target), {.fuse = false});
      tg::DeviceGroupRunner f(*device), u(*device);
      tg::execute_plan(fused, inputs, f);
      tg::execute_plan(unfused, inputs, u);
      fmt::print("{:<20} {:<6} {:>8} {:>12} {:>12} {:>8} {:>12} {:>12}\n", name, target, f.launches(), f.device_bytes(), fused.traffic.fused_bytes,
                 u.launches(), u.device_bytes(), unfused.traffic.fused_bytes);
    }
  }
  fmt::print("\n");
}

void BM_CompileGraph(benchmark::State& state, const std::string& name, const std::string& target) {
  tg::Graph g = load(name);
  tg::TrafficReport t;
  for (auto _ : state) {
    auto plan = tg::compile_graph(g, tg::GraphTarget::from_name(target));
    t = plan.traffic;
    benchmark::DoNotOptimize(plan);
  }
  state.counters["kernels_fused"] = static_cast<double>(t.fused_kernels);
  state.counters["kernels_unfused"] = static_cast<double>(t.unfused_kernels);
  state.counters["bytes_fused"] = static_cast<double>(t.fused_bytes);
  state.counters["bytes_unfused"] = static_cast<double>(t.unfused_bytes);
  state.counters["bytes_minimum"] = static_cast<double>(t.minimum_bytes);
}

}  // namespace

int main(int argc, char** argv) {
  print_table();
  print_measured();
  for (const char* name : kGraphs)
    for (const char* target : {"m1", "m3"})
      benchmark::RegisterBenchmark(fmt::format("compile_graph/{}/{}", name, target).c_str(), BM_CompileGraph, std::string(name), std::string(target));
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
