// Graph IR queries: tensor lookup, constants, producer/consumer maps and fresh names.
#include "triton_metal/graph.h"

#include <algorithm>

namespace tmetal::graph {

const Tensor& Graph::tensor(const std::string& name) const {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw GraphError(source + ": unknown tensor '" + name + "'");
  return it->second;
}
Tensor& Graph::tensor(const std::string& name) {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw GraphError(source + ": unknown tensor '" + name + "'");
  return it->second;
}
bool Graph::is_constant(const std::string& name) const {
  auto it = tensors.find(name);
  return it != tensors.end() && it->second.data.has_value();
}
bool Graph::is_output(const std::string& name) const {
  return std::find(outputs.begin(), outputs.end(), name) != outputs.end();
}
std::map<std::string, std::vector<size_t>> Graph::consumers() const {
  std::map<std::string, std::vector<size_t>> result;
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const auto& in : nodes[i].inputs) result[in].push_back(i);
  return result;
}
std::map<std::string, size_t> Graph::producers() const {
  std::map<std::string, size_t> result;
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const auto& out : nodes[i].outputs) result[out] = i;
  return result;
}
std::string Graph::fresh_name(const std::string& base) const {
  auto used = [&](const std::string& n) {
    if (tensors.count(n)) return true;
    return std::any_of(nodes.begin(), nodes.end(), [&](const Node& node) { return node.name == n; });
  };
  if (!used(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!used(candidate)) return candidate;
  }
}

}  // namespace tmetal::graph
