// Target precision pass (consults the hardware model): on a target without native bfloat support, a
// node producing bf16 gets attribute compute_dtype = "f32" (its kernel loads bf16, widens to f32,
// computes, and rounds back on store), since the target has no native bf16 arithmetic (the MSL bfloat
// type exists but is emulated). On targets with native bf16 arithmetic the graph is unchanged.
#include "passes.h"

#include <fmt/core.h>

namespace tmetal::graph {

PassLog run_target_precision(Graph& graph, const GraphTarget& target) {
  PassLog log{"target-precision", {}};
  if (target.has_native_bfloat) return log;
  for (auto& node : graph.nodes) {
    bool bf16 = graph.tensor(node.outputs[0]).dtype == DType::BF16;
    for (const auto& in : node.inputs) bf16 = bf16 || graph.tensor(in).dtype == DType::BF16;
    if (!bf16 || node.op == "cast" || node.op == "reshape" || node.attrs.contains("compute_dtype")) continue;
    node.attrs["compute_dtype"] = "f32";
    log.changes.push_back(fmt::format("node '{}' ({}): computes bf16 in f32 ({} has no native bf16 arithmetic)", node.name, node.op, target.name));
  }
  return log;
}

}  // namespace tmetal::graph
