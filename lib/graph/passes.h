// The graph passes, in pipeline order. Each takes the graph (and the target, for target passes),
// rewrites it in place, and returns a log with one line per rewrite. pass_pipeline.cpp runs them.
#pragma once

#include "triton_metal/graph.h"

#include <functional>

namespace tmetal::graph {

PassLog run_dce(Graph& graph);
PassLog run_cse(Graph& graph);
PassLog run_constant_folding(Graph& graph);
PassLog run_algebraic_simplification(Graph& graph);
PassLog run_merge_parallel_matmuls(Graph& graph, const GraphTarget& target);
PassLog run_target_precision(Graph& graph, const GraphTarget& target);

struct PassInfo {
  std::string name;
  std::function<PassLog(Graph&, const GraphTarget&)> run;
};
// All passes in pipeline order: dce, cse, constant-folding, algebraic, merge-matmuls, dce, target-precision.
const std::vector<PassInfo>& graph_passes();
// Runs the named passes (all when empty), re-validating after each; calls `after` for each pass.
std::vector<PassLog> run_passes(Graph& graph, const GraphTarget& target, const std::vector<std::string>& names,
                                const std::function<void(const PassLog&, const Graph&)>& after = {});

// Rewriting helpers shared by passes.
// Makes every reader of `from` read `to` instead (graph outputs included).
void replace_uses(Graph& graph, const std::string& from, const std::string& to);
// Removes tensors that no node reads or writes and that are not graph inputs or outputs.
void drop_unreferenced_tensors(Graph& graph);

}  // namespace tmetal::graph
