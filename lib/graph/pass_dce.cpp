// Dead code elimination: removes every node none of whose outputs reaches a graph output, and the
// tensors (weights included) that nothing reads any more.
#include "passes.h"

#include <fmt/core.h>

#include <set>

namespace tmetal::graph {

PassLog run_dce(Graph& graph) {
  PassLog log{"dce", {}};
  std::set<std::string> live(graph.outputs.begin(), graph.outputs.end());
  std::vector<bool> keep(graph.nodes.size(), false);
  for (size_t i = graph.nodes.size(); i-- > 0;) {
    const Node& node = graph.nodes[i];
    for (const auto& out : node.outputs) keep[i] = keep[i] || live.count(out);
    if (keep[i]) live.insert(node.inputs.begin(), node.inputs.end());
    else log.changes.push_back(fmt::format("removed node '{}' ({}): its output is never used", node.name, node.op));
  }
  std::vector<Node> kept;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (keep[i]) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
  for (const auto& [name, t] : graph.tensors)
    if (t.data && !live.count(name)) log.changes.push_back(fmt::format("removed unused constant '{}'", name));
  drop_unreferenced_tensors(graph);
  return log;
}

}  // namespace tmetal::graph
