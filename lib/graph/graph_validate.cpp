// Structural and type validation of a graph: every reference resolves, each tensor has one producer,
// nodes are sorted topologically (a cycle is reported with the nodes on it), and each node's output
// shapes and dtypes are inferred by its op's rule and checked against any declaration.
#include "node_error.h"
#include "op_registry.h"
#include "tensor_size.h"

#include <fmt/core.h>

#include <algorithm>
#include <set>

namespace tmetal::graph {

std::string node_prefix(const Graph& graph, const Node& node) {
  return fmt::format("{}: node '{}' ({}): ", graph.source, node.name, node.op);
}

namespace {

void check_references(const Graph& graph) {
  const std::set<std::string> inputs(graph.inputs.begin(), graph.inputs.end());  // (std::count per use was quadratic)
  auto is_input = [&](const std::string& t) { return inputs.count(t) > 0; };
  std::map<std::string, const Node*> producer;
  std::set<std::string> node_names;
  for (const auto& node : graph.nodes) {
    if (!node_names.insert(node.name).second)
      throw GraphError(fmt::format("{}: node '{}': name is used by more than one node", graph.source, node.name));
    const OpDef* op = find_op(node.op);
    if (!op) throw GraphError(node_prefix(graph, node) + fmt::format("field 'op': unknown op '{}'", node.op));
    int n = static_cast<int>(node.inputs.size());
    if (n < op->min_inputs || (op->max_inputs >= 0 && n > op->max_inputs))
      throw GraphError(node_prefix(graph, node) +
                       fmt::format("field 'inputs': has {} inputs, expected {}", n,
                                   op->max_inputs < 0 ? fmt::format("at least {}", op->min_inputs)
                                   : op->min_inputs == op->max_inputs ? std::to_string(op->min_inputs)
                                                                      : fmt::format("{} to {}", op->min_inputs, op->max_inputs)));
    if (node.outputs.size() != 1)
      throw GraphError(node_prefix(graph, node) + fmt::format("field 'outputs': has {} outputs, expected 1", node.outputs.size()));
    for (const auto& out : node.outputs) {
      if (auto it = producer.find(out); it != producer.end())
        throw GraphError(node_prefix(graph, node) + fmt::format("field 'outputs': tensor '{}' is also written by node '{}'", out, it->second->name));
      if (graph.is_constant(out) || is_input(out))
        throw GraphError(node_prefix(graph, node) + fmt::format("field 'outputs': tensor '{}' is a graph input or weight and cannot be written", out));
      producer[out] = &node;
    }
  }
  for (const auto& node : graph.nodes)
    for (const auto& in : node.inputs)
      if (!producer.count(in) && !graph.is_constant(in) && !is_input(in))
        throw GraphError(node_prefix(graph, node) +
                         fmt::format("field 'inputs': tensor '{}' is not a graph input, a weight, or any node's output", in));
  for (const auto& out : graph.outputs)
    if (!producer.count(out) && !graph.is_constant(out) && !is_input(out))
      throw GraphError(fmt::format("{}: field 'outputs': tensor '{}' is not produced by any node", graph.source, out));
}

// Kahn's algorithm keeping the file order among ready nodes; on a cycle, walks it to name the nodes.
void sort_topologically(Graph& graph) {
  auto producers = graph.producers();
  size_t n = graph.nodes.size();
  std::vector<std::vector<size_t>> deps(n);
  for (size_t i = 0; i < n; ++i)
    for (const auto& in : graph.nodes[i].inputs)
      if (auto it = producers.find(in); it != producers.end()) deps[i].push_back(it->second);
  std::vector<int> state(n, 0);  // 0 new, 1 on stack, 2 done
  std::vector<size_t> order;
  // Iterative depth-first search (a 100k-node chain must not overflow the stack): (node, next dep).
  std::vector<std::pair<size_t, size_t>> stack;
  for (size_t root = 0; root < n; ++root) {
    if (state[root] != 0) continue;
    state[root] = 1;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto& [i, next] = stack.back();
      if (next == deps[i].size()) {
        state[i] = 2;
        order.push_back(i);
        stack.pop_back();
        continue;
      }
      size_t d = deps[i][next++];
      if (state[d] == 2) continue;
      if (state[d] == 1) {
        auto from = std::find_if(stack.begin(), stack.end(), [&](const auto& f) { return f.first == d; });
        std::string cycle;
        for (auto it = from; it != stack.end(); ++it) cycle += "'" + graph.nodes[it->first].name + "' -> ";
        throw GraphError(fmt::format("{}: node '{}' ({}): field 'inputs': the graph has a cycle: {}'{}'", graph.source,
                                     graph.nodes[d].name, graph.nodes[d].op, cycle, graph.nodes[d].name));
      }
      state[d] = 1;
      stack.push_back({d, 0});
    }
  }
  std::vector<Node> sorted;
  for (size_t i : order) sorted.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(sorted);
}

}  // namespace

void validate_graph(Graph& graph) {
  check_references(graph);
  sort_topologically(graph);
  std::set<std::string> produced;
  for (const auto& node : graph.nodes) {
    const OpDef* op = find_op(node.op);
    std::vector<TensorType> in;
    for (const auto& name : node.inputs) {
      const Tensor& t = graph.tensor(name);
      in.push_back({t.shape, t.dtype});
    }
    std::vector<TensorType> out;
    try {
      out = op->infer(node, in);
    } catch (const OpError& e) {
      throw GraphError(node_prefix(graph, node) + e.what());
    }
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      const std::string& name = node.outputs[i];
      if (auto why = tensor_size_problem(out[i].shape, out[i].dtype); !why.empty())
        throw GraphError(node_prefix(graph, node) + fmt::format("output '{}': {}", name, why));
      auto it = graph.tensors.find(name);
      if (it != graph.tensors.end()) {
        if (it->second.shape != out[i].shape || it->second.dtype != out[i].dtype)
          throw GraphError(node_prefix(graph, node) +
                           fmt::format("output '{}' is declared {} {} but the op produces {} {}", name, shape_str(it->second.shape),
                                       dtype_name(it->second.dtype), shape_str(out[i].shape), dtype_name(out[i].dtype)));
      }
      Tensor& t = graph.tensors[name];
      t.name = name;
      t.shape = out[i].shape;
      t.dtype = out[i].dtype;
    }
  }
}

}  // namespace tmetal::graph
