// Graph scaling benchmark (issue 18: `graph --report` was quadratic in nodes, a 10k-node chain took over
// 60 s): times parse_graph + compile_graph + format_report for graphs of N nodes in three shapes, and
// lets Google Benchmark fit the complexity (expect ~N or N log N):
//   chain: x -> neg -> relu -> neg -> ... -> y      (one long fusable chain)
//   wide:  N inputs x_i, relu(x_i) summed in a chain (many branches, many live tensors)
//   dups:  N copies of relu(x) added in a chain       (CSE removes N-1 nodes)
#include "triton_metal/graph.h"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <string>

namespace {

namespace tg = tmetal::graph;

std::string make_graph(const std::string& shape, int n) {
  nlohmann::json nodes = nlohmann::json::array(), tensors = {{"x", {{"shape", {4, 8}}, {"dtype", "f32"}}}};
  auto node = [&](const std::string& name, const std::string& op, std::vector<std::string> in, const std::string& out) {
    nodes.push_back({{"name", name}, {"op", op}, {"inputs", in}, {"outputs", {out}}});
  };
  std::vector<std::string> inputs{"x"};
  if (shape == "chain") {
    for (int i = 0; i < n; ++i)
      node("n" + std::to_string(i), i % 2 ? "relu" : "neg", {i ? "t" + std::to_string(i - 1) : "x"}, i < n - 1 ? "t" + std::to_string(i) : "y");
  } else if (shape == "wide") {  // distinct inputs, so CSE cannot merge the branches
    for (int i = 0; i < n; ++i) {
      std::string in = "x" + std::to_string(i);
      tensors[in] = {{"shape", {4, 8}}, {"dtype", "f32"}};
      inputs.push_back(in);
      node("r" + std::to_string(i), "relu", {in}, "r" + std::to_string(i));
    }
    std::string acc = "r0";
    for (int i = 1; i < n; ++i) {
      std::string out = i < n - 1 ? "s" + std::to_string(i) : "y";
      node("a" + std::to_string(i), "add", {acc, "r" + std::to_string(i)}, out);
      acc = out;
    }
  } else {  // dups
    for (int i = 0; i < n; ++i) node("d" + std::to_string(i), "relu", {"x"}, "d" + std::to_string(i));
    std::string acc = "d0";
    for (int i = 1; i < n; ++i) {
      std::string out = i < n - 1 ? "m" + std::to_string(i) : "y";
      node("m" + std::to_string(i), "mul", {acc, "d" + std::to_string(i)}, out);
      acc = out;
    }
  }
  return nlohmann::json{{"format", "triton-metal-graph"}, {"version", 1}, {"inputs", inputs}, {"outputs", {"y"}}, {"tensors", tensors},
                        {"nodes", nodes}}
      .dump();
}

void report(benchmark::State& state, const std::string& shape) {
  int n = static_cast<int>(state.range(0));
  std::string text = make_graph(shape, n);
  auto target = tg::GraphTarget::from_name("m3");
  for (auto _ : state) {
    tg::Graph g = tg::parse_graph(text, shape + ".json", ".");
    std::string r = tg::format_report(tg::compile_graph(g, target));
    benchmark::DoNotOptimize(r);
  }
  state.SetComplexityN(n);
}

void BM_Chain(benchmark::State& s) { report(s, "chain"); }
void BM_Wide(benchmark::State& s) { report(s, "wide"); }
void BM_Dups(benchmark::State& s) { report(s, "dups"); }
BENCHMARK(BM_Chain)->RangeMultiplier(4)->Range(256, 16384)->Unit(benchmark::kMillisecond)->Complexity();
BENCHMARK(BM_Wide)->RangeMultiplier(4)->Range(256, 4096)->Unit(benchmark::kMillisecond)->Complexity();
BENCHMARK(BM_Dups)->RangeMultiplier(4)->Range(256, 4096)->Unit(benchmark::kMillisecond)->Complexity();

}  // namespace

BENCHMARK_MAIN();
