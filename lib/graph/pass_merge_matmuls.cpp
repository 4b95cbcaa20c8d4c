// Merging of parallel matmuls: matmuls that read the same activation A (same transpose_a and alpha) with
// constant 2-D weights B1..Bn of the same dtype and inner dimension become one matmul with the weights
// concatenated along N, followed by a slice per original output (q, k and v projections become one QKV
// projection). A is then read once instead of n times; the slices are strided views (no kernel).
#include "passes.h"

#include <fmt/core.h>

namespace tmetal::graph {

PassLog run_merge_parallel_matmuls(Graph& graph) {
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
  for (const auto& [key, members] : by_key) {
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
