// Constant folding: a node whose inputs are all constants (weights, folded values, or none at all, as
// for `constant` nodes) is evaluated at compile time by the float64 reference and replaced by a
// constant tensor holding its value rounded to the output dtype. Outputs above 1M elements stay nodes.
#include "passes.h"

#include <fmt/core.h>

namespace tmetal::graph {

PassLog run_constant_folding(Graph& graph) {
  PassLog log{"constant-folding", {}};
  constexpr int64_t kMaxFoldedElements = 1 << 20;
  std::vector<Node> kept;
  for (auto& node : graph.nodes) {
    bool all_const = std::all_of(node.inputs.begin(), node.inputs.end(), [&](const std::string& in) { return graph.is_constant(in); });
    const Tensor& out = graph.tensor(node.outputs[0]);
    if (!all_const || node.outputs.size() != 1 || numel(out.shape) > kMaxFoldedElements) {
      kept.push_back(std::move(node));
      continue;
    }
    std::vector<TensorValue> in_values;
    for (const auto& in : node.inputs) in_values.push_back({graph.tensor(in).shape, *graph.tensor(in).data});
    std::vector<const TensorValue*> ptrs;
    for (const auto& v : in_values) ptrs.push_back(&v);
    auto result = evaluate_node(graph, node, ptrs);
    Tensor& t = graph.tensor(node.outputs[0]);
    t.data = std::move(result[0].data);
    for (auto& v : *t.data) v = round_to_dtype(v, t.dtype);
    log.changes.push_back(fmt::format("folded node '{}' ({}) into constant '{}' {}{}", node.name, node.op, t.name,
                                      dtype_name(t.dtype), shape_str(t.shape)));
  }
  graph.nodes = std::move(kept);
  drop_unreferenced_tensors(graph);
  return log;
}

}  // namespace tmetal::graph
