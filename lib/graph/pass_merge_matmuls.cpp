// Merging of parallel matmuls: matmuls that read the same activation A (same transpose_a and alpha) with
// constant 2-D weights B1..Bn of the same dtype and inner dimension become one matmul with the weights
// concatenated along N, followed by a slice per original output (q, k and v projections become one QKV
// projection). A is then read once instead of n times; the slices are strided views (no kernel).
// A target pass: two matmuls whose results meet in one elementwise op (directly or through one unary op,
// as SwiGLU's gate and up projections do) are left apart when the target runs the swiglu fusion, which
// reads A once already; on targets where swiglu is gated off they are merged like the others.
#include "fusion_patterns.h"
#include "op_registry.h"
#include "passes.h"

#include <fmt/core.h>

namespace tmetal::graph {

namespace {
// The tensors a matmul output reaches through at most one unary elementwise op.
std::vector<std::string> reach(const Graph& g, const std::map<std::string, std::vector<size_t>>& consumers, const std::string& t) {
  std::vector<std::string> out{t};
  if (auto it = consumers.find(t); it != consumers.end())
    for (size_t c : it->second)
      if (g.nodes[c].inputs.size() == 1 && find_op(g.nodes[c].op)->kind == OpKind::Elementwise) out.push_back(g.nodes[c].outputs[0]);
  return out;
}
bool meet(const Graph& g, const std::map<std::string, std::vector<size_t>>& consumers, const std::string& a, const std::string& b) {
  for (const auto& x : reach(g, consumers, a))
    for (const auto& y : reach(g, consumers, b))
      for (const auto& n : g.nodes)
        if (n.inputs.size() == 2 && ((n.inputs[0] == x && n.inputs[1] == y) || (n.inputs[0] == y && n.inputs[1] == x))) return true;
  return false;
}
}  // namespace

PassLog run_merge_parallel_matmuls(Graph& graph, const GraphTarget& target) {
  PassLog log{"merge-matmuls", {}};
  std::map<std::string, std::vector<size_t>> by_key;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    if (n.op != "matmul" || !graph.is_constant(n.inputs[1]) || graph.is_constant(n.inputs[0])) continue;
    const Tensor& b = graph.tensor(n.inputs[1]);
    if (b.shape.size() != 2 || n.attrs.value("transpose_b", false)) continue;
    std::string key = fmt::format("{}|{}|{}|{}|{}", n.inputs[0], n.attrs.value("transpose_a", false), n.attrs.value("alpha", 1.0),
                                  dtype_name(b.dtype), b.shape[0]);
    by_key[key].push_back(i);
  }
  std::vector<size_t> erase;
  std::vector<Node> added;
  bool swiglu_fuses = false;
  for (const auto& p : fusion_patterns())
    if (p.name == "swiglu") swiglu_fuses = target.generation >= p.min_generation;
  auto consumers = graph.consumers();
  for (auto [key, members] : by_key) {
    if (swiglu_fuses) {
      std::vector<size_t> keep;
      for (size_t a : members) {
        bool pairs = false;
        for (size_t b : members)
          if (a != b && meet(graph, consumers, graph.nodes[a].outputs[0], graph.nodes[b].outputs[0])) pairs = true;
        if (pairs)
          log.changes.push_back(fmt::format("kept matmul '{}' apart: its result meets another's in one elementwise op, which the swiglu fusion "
                                            "on {} computes reading the activation once", graph.nodes[a].name, target.name));
        else
          keep.push_back(a);
      }
      members = keep;
    }
    if (members.size() < 2) continue;
    const Node& first = graph.nodes[members[0]];
    const Tensor& b0 = graph.tensor(first.inputs[1]);
    int64_t k = b0.shape[0], total = 0;
    for (size_t m : members) total += graph.tensor(graph.nodes[m].inputs[1]).shape[1];
    Tensor w{graph.fresh_name(first.name + "_merged_w"), {k, total}, b0.dtype, std::vector<double>(static_cast<size_t>(k * total))};
    Node mm{graph.fresh_name(first.name + "_merged"), "matmul", {first.inputs[0], w.name}, {}, first.attrs};
    std::string out = graph.fresh_name(mm.name + "_out");
    mm.outputs = {out};
    graph.tensors[w.name] = w;
    added.push_back(mm);
    int64_t off = 0;
    std::string names;
    for (size_t m : members) {
      const Node& n = graph.nodes[m];
      const Tensor& b = graph.tensor(n.inputs[1]);
      int64_t nb = b.shape[1];
      for (int64_t r = 0; r < k; ++r)
        for (int64_t c = 0; c < nb; ++c) (*graph.tensors[w.name].data)[r * total + off + c] = (*b.data)[r * nb + c];
      nlohmann::json attrs{{"axes", {-1}}, {"starts", {off}}, {"ends", {off + nb}}};
      added.push_back(Node{n.name + "_slice", "slice", {out}, n.outputs, attrs});
      names += (names.empty() ? "'" : ", '") + n.name + "'";
      off += nb;
      erase.push_back(m);
    }
    log.changes.push_back(fmt::format("merged matmuls {} reading '{}' into '{}' with weight '{}' [{}x{}] and slices", names, first.inputs[0],
                                      mm.name, w.name, k, total));
  }
  std::sort(erase.rbegin(), erase.rend());
  for (size_t i : erase) graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(i));
  graph.nodes.insert(graph.nodes.end(), added.begin(), added.end());
  drop_unreferenced_tensors(graph);
  return log;  // the pipeline re-sorts topologically
}

}  // namespace tmetal::graph
