// Common subexpression elimination: two nodes with the same op, the same inputs and the same attributes
// compute the same value, so the later one is removed and its readers read the earlier one's output.
// Equal constants (same dtype, shape and values) are merged first so that they count as the same input.
#include "passes.h"

#include <fmt/core.h>

#include <map>

namespace tmetal::graph {

PassLog run_cse(Graph& graph) {
  PassLog log{"cse", {}};
  // 1. merge equal constants
  std::map<std::tuple<DType, Shape, std::vector<double>>, std::string> constants;
  std::vector<std::pair<std::string, std::string>> merged;
  for (const auto& [name, t] : graph.tensors) {
    if (!t.data || graph.is_output(name)) continue;
    auto [it, fresh] = constants.emplace(std::make_tuple(t.dtype, t.shape, *t.data), name);
    if (!fresh) merged.emplace_back(name, it->second);
  }
  // One pass renames every use (per-merge replace_uses over all nodes was quadratic).
  std::map<std::string, std::string> renamed;
  for (const auto& [from, to] : merged) {
    renamed[from] = to;
    log.changes.push_back(fmt::format("constant '{}' equals '{}': merged", from, to));
  }
  auto rename = [&](std::string& t) {
    if (auto it = renamed.find(t); it != renamed.end()) t = it->second;
  };
  for (auto& out : graph.outputs) rename(out);
  // 2. merge equal nodes (nodes are in topological order, so a node's inputs are renamed before its key
  // is formed)
  std::map<std::string, std::string> seen;  // key -> output tensor
  std::vector<Node> kept;
  for (auto& node : graph.nodes) {
    for (auto& in : node.inputs) rename(in);
    std::string key = node.op + "(" + nlohmann::json(node.inputs).dump() + ")" + node.attrs.dump();
    auto it = seen.find(key);
    if (it != seen.end() && node.outputs.size() == 1 && !graph.is_output(node.outputs[0])) {
      log.changes.push_back(fmt::format("node '{}' ({}) repeats the computation of '{}': removed", node.name, node.op, it->second));
      renamed[node.outputs[0]] = it->second;
      continue;
    }
    if (node.outputs.size() == 1) seen.emplace(key, node.outputs[0]);
    kept.push_back(std::move(node));
  }
  graph.nodes = std::move(kept);
  drop_unreferenced_tensors(graph);
  return log;
}

}  // namespace tmetal::graph
