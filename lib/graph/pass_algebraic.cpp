// Algebraic simplification:
//  * batch_norm(conv2d(x, W, b)) -> conv2d(x, W', b') with W' = W * s, b' = (b - mean) * s + beta,
//    s = gamma / sqrt(var + eps) per output channel (conv weights and BN parameters constant, the
//    conv's output read only by the batch norm).
//  * mul(matmul(a, B), c) / div(matmul(a, B), c) with a scalar constant c (the attention scale) ->
//    matmul with B' = B * c when B is a constant read only there, else matmul{alpha *= c}.
//    The same for a scaled operand feeding a matmul: matmul(mul(a, c), B) -> matmul{alpha *= c}(a, B).
//  * identities: x*1, x/1, x+0, x-0 (scalar constants, shape unchanged) -> x; neg(neg(x)) -> x.
#include "passes.h"

#include <fmt/core.h>

#include <cmath>

namespace tmetal::graph {
namespace {

std::optional<double> scalar_constant(const Graph& g, const std::string& name) {
  const auto& t = g.tensor(name);
  if (!t.data || t.data->size() != 1) return std::nullopt;
  return (*t.data)[0];
}

bool single_internal_use(const Graph& g, const std::string& tensor) {
  auto c = g.consumers();
  return c[tensor].size() == 1 && !g.is_output(tensor);
}

// Removes node `dead` and makes node `keep` write `dead`'s output (so readers and outputs stay intact).
void absorb(Graph& g, size_t keep, size_t dead) {
  std::string old_out = g.nodes[keep].outputs[0];
  g.nodes[keep].outputs[0] = g.nodes[dead].outputs[0];
  g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(dead));
  g.tensors.erase(old_out);
}

bool fold_batch_norm(Graph& g, PassLog& log) {
  auto producers = g.producers();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& bn = g.nodes[i];
    if (bn.op != "batch_norm") continue;
    auto p = producers.find(bn.inputs[0]);
    if (p == producers.end()) continue;
    Node& conv = g.nodes[p->second];
    if (conv.op != "conv2d" || !single_internal_use(g, conv.outputs[0])) continue;
    if (conv.attrs.value("layout", "NCHW") != bn.attrs.value("layout", "NCHW")) continue;
    bool consts = g.is_constant(conv.inputs[1]) && (conv.inputs.size() < 3 || g.is_constant(conv.inputs[2]));
    for (size_t k = 1; k < 5; ++k) consts = consts && g.is_constant(bn.inputs[k]);
    if (!consts) continue;
    const Tensor& w = g.tensor(conv.inputs[1]);
    int64_t cout = w.shape[0], per = numel(w.shape) / cout;
    double eps = bn.attrs.value("eps", 1e-5);
    const auto& gamma = *g.tensor(bn.inputs[1]).data;
    const auto& beta = *g.tensor(bn.inputs[2]).data;
    const auto& mean = *g.tensor(bn.inputs[3]).data;
    const auto& var = *g.tensor(bn.inputs[4]).data;
    Tensor nw{g.fresh_name(conv.inputs[1] + "_bnfold"), w.shape, w.dtype, *w.data};
    Tensor nb{g.fresh_name(bn.name + "_bias"), {cout}, w.dtype, std::vector<double>(static_cast<size_t>(cout))};
    for (int64_t c = 0; c < cout; ++c) {
      double s = gamma[c] / std::sqrt(var[c] + eps);
      for (int64_t k = 0; k < per; ++k) (*nw.data)[c * per + k] = round_to_dtype((*nw.data)[c * per + k] * s, w.dtype);
      double b = conv.inputs.size() == 3 ? (*g.tensor(conv.inputs[2]).data)[c] : 0.0;
      (*nb.data)[c] = round_to_dtype((b - mean[c]) * s + beta[c], w.dtype);
    }
    log.changes.push_back(fmt::format("folded batch_norm '{}' into conv2d '{}': weight '{}' -> '{}', bias '{}'", bn.name, conv.name,
                                      conv.inputs[1], nw.name, nb.name));
    conv.inputs.resize(3);
    conv.inputs[1] = nw.name;
    conv.inputs[2] = nb.name;
    g.tensors[nw.name] = nw;
    g.tensors[nb.name] = nb;
    absorb(g, p->second, i);
    return true;
  }
  return false;
}

// Scales a constant tensor read only by one node into a fresh constant; returns its name.
std::string scaled_constant(Graph& g, const std::string& name, double c) {
  Tensor t = g.tensor(name);
  t.name = g.fresh_name(name + "_scaled");
  for (auto& v : *t.data) v = round_to_dtype(v * c, t.dtype);
  g.tensors[t.name] = t;
  return t.name;
}

void scale_matmul(Graph& g, Node& mm, double c, PassLog& log, const std::string& why) {
  auto consumers = g.consumers();
  for (int operand : {1, 0}) {
    const std::string& w = mm.inputs[operand];
    if (g.is_constant(w) && consumers[w].size() == 1) {
      std::string nw = scaled_constant(g, w, c);
      log.changes.push_back(fmt::format("{}: folded scale {:.6g} into constant '{}' -> '{}' of matmul '{}'", why, c, w, nw, mm.name));
      mm.inputs[operand] = nw;
      return;
    }
  }
  double alpha = mm.attrs.value("alpha", 1.0) * c;
  mm.attrs["alpha"] = alpha;
  log.changes.push_back(fmt::format("{}: folded scale {:.6g} into matmul '{}' as alpha = {:.6g}", why, c, mm.name, alpha));
}

bool fold_scale(Graph& g, PassLog& log) {
  auto producers = g.producers();
  auto consumers = g.consumers();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& node = g.nodes[i];
    if (node.op != "mul" && node.op != "div") continue;
    for (int side : {0, 1}) {
      if (node.op == "div" && side == 0) continue;  // only x / c
      auto c = scalar_constant(g, node.inputs[side]);
      const std::string& x = node.inputs[1 - side];
      if (!c || *c == 0.0 || g.tensor(x).shape != g.tensor(node.outputs[0]).shape) continue;
      double scale = node.op == "div" ? 1.0 / *c : *c;
      // matmul -> scale
      auto p = producers.find(x);
      if (p != producers.end() && g.nodes[p->second].op == "matmul" && single_internal_use(g, x)) {
        std::string why = fmt::format("{} '{}'", node.op, node.name);
        scale_matmul(g, g.nodes[p->second], scale, log, why);
        absorb(g, p->second, i);
        return true;
      }
      // scale -> matmul (the scaled value read only by one matmul)
      const std::string& y = node.outputs[0];
      if (single_internal_use(g, y) && g.nodes[consumers[y][0]].op == "matmul") {
        Node& mm = g.nodes[consumers[y][0]];
        std::string why = fmt::format("{} '{}'", node.op, node.name);
        for (auto& in : mm.inputs)
          if (in == y) in = x;
        scale_matmul(g, mm, scale, log, why);
        g.tensors.erase(y);
        g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
      }
    }
  }
  return false;
}

bool fold_identity(Graph& g, PassLog& log) {
  auto producers = g.producers();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& node = g.nodes[i];
    const std::string& y = node.outputs[0];
    if (g.is_output(y)) continue;
    std::optional<std::string> same;
    if (node.op == "mul" || node.op == "add" || node.op == "sub" || node.op == "div") {
      double unit = (node.op == "mul" || node.op == "div") ? 1.0 : 0.0;
      for (int side : {0, 1}) {
        if ((node.op == "sub" || node.op == "div") && side == 0) continue;
        auto c = scalar_constant(g, node.inputs[side]);
        if (c && *c == unit && g.tensor(node.inputs[1 - side]).shape == g.tensor(y).shape) same = node.inputs[1 - side];
      }
    } else if (node.op == "neg") {
      auto p = producers.find(node.inputs[0]);
      if (p != producers.end() && g.nodes[p->second].op == "neg") same = g.nodes[p->second].inputs[0];
    }
    if (!same) continue;
    log.changes.push_back(fmt::format("node '{}' ({}) is the identity on '{}': removed", node.name, node.op, *same));
    std::string s = *same;
    g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
    replace_uses(g, y, s);
    g.tensors.erase(y);
    return true;
  }
  return false;
}

}  // namespace

PassLog run_algebraic_simplification(Graph& graph) {
  PassLog log{"algebraic", {}};
  while (fold_batch_norm(graph, log) || fold_scale(graph, log) || fold_identity(graph, log)) {
  }
  drop_unreferenced_tensors(graph);
  return log;
}

}  // namespace tmetal::graph
