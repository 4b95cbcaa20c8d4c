// Small rewriting helpers used by the graph passes: redirecting uses and dropping orphan tensors.
#include "passes.h"

#include <set>

namespace tmetal::graph {

void replace_uses(Graph& graph, const std::string& from, const std::string& to) {
  for (auto& node : graph.nodes)
    for (auto& in : node.inputs)
      if (in == from) in = to;
  for (auto& out : graph.outputs)
    if (out == from) out = to;
}

void drop_unreferenced_tensors(Graph& graph) {
  std::set<std::string> keep(graph.inputs.begin(), graph.inputs.end());
  keep.insert(graph.outputs.begin(), graph.outputs.end());
  for (const auto& node : graph.nodes) {
    keep.insert(node.inputs.begin(), node.inputs.end());
    keep.insert(node.outputs.begin(), node.outputs.end());
  }
  for (auto it = graph.tensors.begin(); it != graph.tensors.end();)
    it = keep.count(it->first) ? std::next(it) : graph.tensors.erase(it);
}

}  // namespace tmetal::graph
