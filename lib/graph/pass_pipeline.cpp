// The graph pass pipeline: the passes in order, run by name, with re-validation (shape inference and
// topological order) after each so a broken rewrite is caught at the pass that made it.
#include "passes.h"

#include <fmt/core.h>

namespace tmetal::graph {

const std::vector<PassInfo>& graph_passes() {
  static const std::vector<PassInfo> passes = {
      {"dce", [](Graph& g, const GraphTarget&) { return run_dce(g); }},
      {"cse", [](Graph& g, const GraphTarget&) { return run_cse(g); }},
      {"constant-folding", [](Graph& g, const GraphTarget&) { return run_constant_folding(g); }},
      {"algebraic", [](Graph& g, const GraphTarget&) { return run_algebraic_simplification(g); }},
      {"merge-matmuls", run_merge_parallel_matmuls},
      {"dce", [](Graph& g, const GraphTarget&) { return run_dce(g); }},
      {"target-precision", run_target_precision},
  };
  return passes;
}

std::vector<PassLog> run_passes(Graph& graph, const GraphTarget& target, const std::vector<std::string>& names,
                                const std::function<void(const PassLog&, const Graph&)>& after) {
  for (const auto& name : names) {
    bool known = false;
    for (const auto& p : graph_passes()) known = known || p.name == name;
    if (!known) {
      std::string all;
      for (const auto& p : graph_passes()) all += (all.empty() ? "" : ", ") + p.name;
      throw GraphError(fmt::format("unknown graph pass '{}' (passes: {})", name, all));
    }
  }
  std::vector<PassLog> logs;
  auto run_one = [&](const PassInfo& p) {
    logs.push_back(p.run(graph, target));
    validate_graph(graph);
    if (after) after(logs.back(), graph);
  };
  if (names.empty()) {
    for (const auto& p : graph_passes()) run_one(p);
  } else {
    for (const auto& name : names)
      for (const auto& p : graph_passes())
        if (p.name == name) {
          run_one(p);
          break;
        }
  }
  return logs;
}

}  // namespace tmetal::graph
