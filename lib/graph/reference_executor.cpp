// The float64 reference executor: runs each node of a graph with straightforward loops in double (the
// op tables' eval functions), and makes deterministic random inputs. It is the independent reference
// the fused kernels are checked against, and the oracle for every graph pass's tests.
#include "node_error.h"
#include "op_registry.h"

#include <fmt/core.h>

#include <random>

namespace tmetal::graph {

std::vector<TensorValue> evaluate_node(const Graph& graph, const Node& node, const std::vector<const TensorValue*>& in) {
  const OpDef* op = find_op(node.op);
  if (!op) throw GraphError(node_prefix(graph, node) + "unknown op");
  std::vector<TensorType> out;
  for (const auto& name : node.outputs) {
    const Tensor& t = graph.tensor(name);
    out.push_back({t.shape, t.dtype});
  }
  try {
    return op->eval(node, in, out);
  } catch (const OpError& e) {
    throw GraphError(node_prefix(graph, node) + e.what());
  }
}

Values run_reference(const Graph& graph, const Values& inputs) {
  Values values;
  for (const auto& name : graph.inputs) {
    auto it = inputs.find(name);
    const Tensor& t = graph.tensor(name);
    if (it == inputs.end()) throw GraphError(fmt::format("{}: no value given for graph input '{}'", graph.source, name));
    if (it->second.shape != t.shape)
      throw GraphError(fmt::format("{}: value for graph input '{}' has shape {}, expected {}", graph.source, name,
                                   shape_str(it->second.shape), shape_str(t.shape)));
    values[name] = it->second;
  }
  for (const auto& [name, t] : graph.tensors)
    if (t.data) values[name] = {t.shape, *t.data};
  for (const auto& node : graph.nodes) {
    std::vector<const TensorValue*> in;
    for (const auto& name : node.inputs) in.push_back(&values.at(name));
    auto out = evaluate_node(graph, node, in);
    for (size_t i = 0; i < out.size(); ++i) values[node.outputs[i]] = std::move(out[i]);
  }
  return values;
}

Values random_inputs(const Graph& graph, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Values values;
  auto consumers = graph.consumers();
  for (const auto& name : graph.inputs) {
    const Tensor& t = graph.tensor(name);
    TensorValue v{t.shape, std::vector<double>(static_cast<size_t>(numel(t.shape)))};
    if (is_float(t.dtype)) {
      std::uniform_real_distribution<double> dist(-1.0, 1.0);
      for (auto& x : v.data) x = round_to_dtype(dist(rng), t.dtype);
    } else {
      int64_t hi = 10;  // ids index their embedding table
      for (size_t c : consumers[name]) {
        const Node& node = graph.nodes[c];
        if (node.op == "embedding" && node.inputs.size() == 2 && node.inputs[1] == name)
          hi = std::min(hi == 10 ? INT64_MAX : hi, graph.tensor(node.inputs[0]).shape[0]);
      }
      std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(0, hi - 1));
      for (auto& x : v.data) x = static_cast<double>(dist(rng));
    }
    values[name] = std::move(v);
  }
  return values;
}

}  // namespace tmetal::graph
