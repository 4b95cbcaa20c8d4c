// Textual dump of a graph (one line per declaration and per node) and serialization back to JSON.
#include "triton_metal/graph.h"

#include <fmt/core.h>

namespace tmetal::graph {
namespace {
std::string type_str(const Tensor& t) { return dtype_name(t.dtype) + shape_str(t.shape); }

std::string values_str(const std::vector<double>& data) {
  std::string s = "{";
  for (size_t i = 0; i < data.size(); ++i) s += (i ? ", " : "") + fmt::format("{:.6g}", data[i]);
  return s + "}";
}
}  // namespace

std::string print_graph(const Graph& graph) {
  std::string out = fmt::format("graph {}\n", graph.name);
  for (const auto& in : graph.inputs) out += fmt::format("  input {}: {}\n", in, type_str(graph.tensor(in)));
  std::map<std::string, bool> used;
  for (const auto& node : graph.nodes)
    for (const auto& in : node.inputs) used[in] = true;
  for (const auto& out_name : graph.outputs) used[out_name] = true;
  for (const auto& [name, t] : graph.tensors) {
    if (!t.data || !used.count(name)) continue;
    out += fmt::format("  const {}: {}{}\n", name, type_str(t), t.data->size() <= 4 ? " = " + values_str(*t.data) : "");
  }
  for (const auto& node : graph.nodes) {
    std::string ins;
    for (size_t i = 0; i < node.inputs.size(); ++i) ins += (i ? ", " : "") + node.inputs[i];
    std::string attrs = node.attrs.empty() ? "" : " " + node.attrs.dump();
    out += fmt::format("  {} = {}({}){} : {}    # {}\n", node.outputs[0], node.op, ins, attrs, type_str(graph.tensor(node.outputs[0])),
                       node.name);
  }
  for (const auto& o : graph.outputs) out += fmt::format("  output {}\n", o);
  return out;
}

nlohmann::json graph_to_json(const Graph& graph) {
  nlohmann::json j;
  j["format"] = "triton-metal-graph";
  j["version"] = 1;
  j["name"] = graph.name;
  j["inputs"] = graph.inputs;
  j["outputs"] = graph.outputs;
  j["tensors"] = nlohmann::json::object();
  for (const auto& [name, t] : graph.tensors) {
    nlohmann::json tj{{"shape", t.shape}, {"dtype", dtype_name(t.dtype)}};
    if (t.data) tj["data"] = *t.data;
    j["tensors"][name] = tj;
  }
  j["nodes"] = nlohmann::json::array();
  for (const auto& node : graph.nodes)
    j["nodes"].push_back({{"name", node.name}, {"op", node.op}, {"inputs", node.inputs}, {"outputs", node.outputs}, {"attrs", node.attrs}});
  return j;
}

}  // namespace tmetal::graph
