// Fusion into kernel groups (see fusion.h).
#include "fusion.h"

#include "fusion_patterns.h"
#include "op_registry.h"

#include <fmt/core.h>

#include <functional>
#include <set>

namespace tmetal::graph {
namespace {

const std::set<std::string> kActivations = {"relu", "gelu", "silu", "sigmoid", "tanh"};

struct Partition {
  const Graph& g;
  std::vector<int> group_of;  // node -> group index, -1 unassigned
  std::vector<FusedGroup> groups;
  std::map<std::string, size_t> producers;

  int producer_group(const std::string& tensor) const {
    auto it = producers.find(tensor);
    return it == producers.end() ? -1 : group_of[it->second];
  }
  // Does group h (transitively) read anything group g writes?
  bool depends(int h, int target) const {
    std::set<int> seen;
    std::function<bool(int)> visit = [&](int x) {
      if (x == target) return true;
      if (!seen.insert(x).second) return false;
      for (size_t n : groups[x].nodes)
        for (const auto& in : g.nodes[n].inputs) {
          int p = producer_group(in);
          if (p >= 0 && p != x && visit(p)) return true;
        }
      return false;
    };
    return visit(h);
  }
  int add_group(const std::string& kind, std::vector<size_t> nodes) {
    FusedGroup grp;
    grp.kind = kind;
    grp.nodes = std::move(nodes);
    for (size_t n : grp.nodes) group_of[n] = static_cast<int>(groups.size());
    groups.push_back(std::move(grp));
    return static_cast<int>(groups.size()) - 1;
  }
};

// Can group `grp` take `node` as an epilogue? Matmul and conv templates have fixed epilogue slots
// (bias, activation, one same-shape binary operand); generated kernels take any elementwise op.
bool accepts_epilogue(FusedGroup& grp, const Graph& g, const Node& node, const std::string& main_input) {
  if (grp.kind == "elementwise_chain" || grp.kind == "row_reduction") return true;
  static const std::set<std::string> gemm = {"matmul", "matmul_bias_act", "matmul_gelu", "conv2d", "conv_bn_relu"};
  if (!gemm.count(grp.kind)) return false;
  auto& ep = grp.params["epilogue"];
  if (!ep.is_array()) ep = nlohmann::json::array();
  bool has_act = grp.kind != "matmul" && grp.kind != "conv2d", has_bin = false, has_bias = grp.kind == "matmul_bias_act";
  for (const auto& e : ep) {
    has_act = has_act || e["kind"] == "activation";
    has_bin = has_bin || e["kind"] == "binary";
    has_bias = has_bias || e["kind"] == "bias";
  }
  const Tensor& out = g.tensor(node.outputs[0]);
  if (kActivations.count(node.op) && !has_act && !has_bin) {
    ep.push_back({{"kind", "activation"}, {"op", node.op}, {"node", node.name}});
    return true;
  }
  if ((node.op == "add" || node.op == "mul" || node.op == "sub") && node.inputs.size() == 2) {
    const std::string& other = node.inputs[0] == main_input ? node.inputs[1] : node.inputs[0];
    const Tensor& o = g.tensor(other);
    bool is_gemm_conv = grp.kind.rfind("conv", 0) == 0;
    if (node.op == "add" && !has_bias && !has_act && !has_bin && !is_gemm_conv && numel(o.shape) == out.shape.back() && !o.shape.empty() &&
        o.shape.back() == out.shape.back()) {
      ep.push_back({{"kind", "bias"}, {"op", "add"}, {"node", node.name}, {"operand", other}});
      return true;
    }
    if (!has_bin && o.shape == out.shape && (node.op != "sub" || node.inputs[0] == main_input)) {
      ep.push_back({{"kind", "binary"}, {"op", node.op}, {"node", node.name}, {"operand", other}});
      return true;
    }
  }
  return false;
}

std::string kind_for(const Node& node) {
  switch (find_op(node.op)->kind) {
    case OpKind::Elementwise: return "elementwise_chain";
    case OpKind::RowReduction: return "row_reduction";
    case OpKind::Matmul: return "matmul";
    case OpKind::Conv: return "conv2d";
    case OpKind::Pool: return node.op;
    case OpKind::DataMovement: return node.op;
    case OpKind::View: return "reshape_copy";  // a reshape the layout manager could not make a view
    case OpKind::Constant: return "constant";
  }
  return node.op;
}

void apply_patterns(Partition& part, const GraphTarget& target, std::vector<FusionDecision>& decisions) {
  const Graph& g = part.g;
  auto consumers = g.consumers();
  for (const auto& pattern : fusion_patterns()) {
    // taken is kept current as groups are added (rebuilding it per root was quadratic in nodes)
    std::vector<bool> taken(g.nodes.size());
    for (size_t i = 0; i < taken.size(); ++i) taken[i] = part.group_of[i] >= 0;
    for (size_t root = 0; root < g.nodes.size(); ++root) {
      auto m = match_pattern(g, pattern, root, taken, part.producers);
      if (!m) continue;
      FusionDecision d{pattern.name, false, {}, ""};
      for (size_t n : m->nodes) d.nodes.push_back(g.nodes[n].name);
      for (size_t n : m->nodes) {
        if (n == root) continue;
        const std::string& t = g.nodes[n].outputs[0];
        for (size_t c : consumers[t])
          if (!std::count(m->nodes.begin(), m->nodes.end(), c))
            d.reason = fmt::format("intermediate '{}' is also read by node '{}' outside the pattern, so it cannot be fused away", t,
                                   g.nodes[c].name);
        if (g.is_output(t)) d.reason = fmt::format("intermediate '{}' is a graph output, so it cannot be fused away", t);
        if (!d.reason.empty()) break;
      }
      if (d.reason.empty() && target.generation < pattern.min_generation)
        d.reason = fmt::format("needs {}+ (target {} is {}): {}; {}", generation_name(pattern.min_generation), target.name,
                               generation_name(target.generation), pattern.requires_hw.why, requirement_failure(pattern.requires_hw, target));
      if (d.reason.empty()) {
        std::string why = requirement_failure(pattern.requires_hw, target);
        if (!why.empty()) d.reason = why;
      }
      if (d.reason.empty() && pattern.predicate) d.reason = pattern.predicate(g, *m, target);
      if (d.reason.empty()) {
        d.applied = true;
        std::vector<size_t> nodes = m->nodes;
        std::sort(nodes.begin(), nodes.end());
        int gi = part.add_group(pattern.name, nodes);
        for (size_t n : nodes) taken[n] = true;
        nlohmann::json captures = nlohmann::json::object();
        for (const auto& [name, idx] : m->nodes_by_capture) captures[name] = g.nodes[idx].name;
        for (const auto& [name, tensor] : m->leaves) captures["leaf:" + name] = tensor;
        part.groups[gi].params["captures"] = captures;
        d.reason = fmt::format("fused {} nodes into one kernel ({})", nodes.size(), pattern.kernel_template);
      }
      decisions.push_back(d);
    }
  }
}

void generic_fusion(Partition& part, const LayoutResult& layout) {
  const Graph& g = part.g;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (part.group_of[i] >= 0) continue;
    const Node& node = g.nodes[i];
    if (layout.view_nodes.count(i)) {
      int gi = part.add_group("view", {i});
      part.groups[gi].launches_kernel = false;
      continue;
    }
    OpKind kind = find_op(node.op)->kind;
    bool joined = false;
    if (kind == OpKind::Elementwise || kind == OpKind::RowReduction) {
      for (const auto& in : node.inputs) {
        int gi = part.producer_group(in);
        if (gi < 0 || !part.groups[gi].launches_kernel) continue;
        FusedGroup& grp = part.groups[gi];
        if (g.tensor(in).shape != (kind == OpKind::Elementwise ? g.tensor(node.outputs[0]).shape : g.tensor(in).shape)) continue;
        if (kind == OpKind::RowReduction && grp.kind != "elementwise_chain") continue;
        // after a reduction the group's kernel works per row: only ops on its (reduced) result may follow
        if (grp.kind == "row_reduction" && g.tensor(g.nodes[grp.nodes.back()].outputs[0]).shape != g.tensor(in).shape) continue;
        bool cycle = false;
        for (const auto& other : node.inputs) {
          int h = part.producer_group(other);
          if (h >= 0 && h != gi && part.depends(h, gi)) cycle = true;
        }
        if (cycle) continue;
        nlohmann::json saved = grp.params;
        if (kind == OpKind::Elementwise && !accepts_epilogue(grp, g, node, in)) {
          grp.params = saved;
          continue;
        }
        if (kind == OpKind::RowReduction) grp.kind = "row_reduction";
        grp.nodes.push_back(i);
        part.group_of[i] = gi;
        joined = true;
        break;
      }
    }
    if (!joined) part.add_group(kind_for(node), {i});
  }
}

// A row-normalization group (rms_norm or layer_norm alone) whose result is read only as the A operand
// of the matmuls of one GEMM group becomes that group's prologue: the kernel computes each row's
// statistics in a first pass over K and normalizes A as it loads it, so the normalized rows never go
// to device memory.
void fuse_norm_prologues(Partition& part) {
  const Graph& g = part.g;
  auto consumers = g.consumers();
  static const std::set<std::string> gemm = {"matmul", "matmul_bias_act", "matmul_gelu", "swiglu"};
  for (auto& grp : part.groups) {
    if (grp.kind != "row_reduction" || grp.nodes.size() != 1) continue;
    const Node& norm = g.nodes[grp.nodes[0]];
    if (norm.op != "rms_norm" && norm.op != "layer_norm") continue;
    const std::string& out = norm.outputs[0];
    if (g.is_output(out) || consumers[out].empty()) continue;
    int target = part.group_of[consumers[out][0]];
    bool ok = gemm.count(part.groups[target].kind) > 0 && !part.groups[target].params.contains("NORM_PROLOGUE");
    for (size_t c : consumers[out]) {
      const Node& mm = g.nodes[c];
      ok = ok && part.group_of[c] == target && mm.op == "matmul" && mm.inputs[0] == out && mm.inputs[1] != out &&
           !mm.attrs.value("transpose_a", false);
    }
    if (!ok) continue;
    FusedGroup& dst = part.groups[target];
    dst.nodes.push_back(grp.nodes[0]);
    part.group_of[grp.nodes[0]] = target;
    dst.params["NORM_PROLOGUE"] = norm.op == "rms_norm" ? 1 : 2;  // 1 rms_norm, 2 layer_norm
    dst.params["NORM_EPS"] = norm.attrs.value("eps", norm.op == "rms_norm" ? 1e-6 : 1e-5);
    grp.nodes.clear();
  }
}

// Inputs and outputs of each group, and a topological order of the groups.
std::vector<FusedGroup> finish(Partition& part) {
  const Graph& g = part.g;
  auto consumers = g.consumers();
  size_t n = part.groups.size();
  std::vector<std::set<int>> deps(n);
  for (size_t gi = 0; gi < n; ++gi) {
    FusedGroup& grp = part.groups[gi];
    std::sort(grp.nodes.begin(), grp.nodes.end());
    std::set<std::string> produced;
    for (size_t k : grp.nodes) produced.insert(g.nodes[k].outputs.begin(), g.nodes[k].outputs.end());
    for (size_t k : grp.nodes) {
      for (const auto& in : g.nodes[k].inputs) {
        if (produced.count(in) || std::count(grp.inputs.begin(), grp.inputs.end(), in)) continue;
        grp.inputs.push_back(in);
        int p = part.producer_group(in);
        if (p >= 0) deps[gi].insert(p);
      }
      for (const auto& out : g.nodes[k].outputs) {
        bool outside = g.is_output(out);
        for (size_t c : consumers[out]) outside = outside || part.group_of[c] != static_cast<int>(gi);
        if (outside) grp.outputs.push_back(out);
      }
    }
  }
  std::vector<int> order;
  std::vector<bool> done(n, false);
  size_t empty = 0;
  for (size_t gi = 0; gi < n; ++gi)
    if (part.groups[gi].nodes.empty()) {
      done[gi] = true;  // merged into another group
      ++empty;
    }
  while (order.size() + empty < n) {
    int pick = -1;  // the ready group whose first node comes earliest in the graph
    for (size_t gi = 0; gi < n; ++gi) {
      if (done[gi]) continue;
      bool ready = std::all_of(deps[gi].begin(), deps[gi].end(), [&](int d) { return done[d]; });
      if (ready && (pick < 0 || part.groups[gi].nodes.front() < part.groups[pick].nodes.front())) pick = static_cast<int>(gi);
    }
    if (pick < 0) throw std::logic_error("fusion produced a cycle between groups");
    done[pick] = true;
    order.push_back(pick);
  }
  std::vector<FusedGroup> out;
  for (int gi : order) out.push_back(std::move(part.groups[gi]));
  for (size_t k = 0; k < out.size(); ++k) out[k].name = fmt::format("g{}_{}", k, out[k].kind);
  return out;
}

}  // namespace

FusionResult fuse_graph(const Graph& graph, const GraphTarget& target, const LayoutResult& layout, bool enable) {
  Partition part{graph, std::vector<int>(graph.nodes.size(), -1), {}, graph.producers()};
  FusionResult r;
  if (enable) {
    apply_patterns(part, target, r.decisions);
    generic_fusion(part, layout);
    fuse_norm_prologues(part);
  } else {
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      int gi = part.add_group(layout.view_nodes.count(i) ? "view" : kind_for(graph.nodes[i]), {i});
      part.groups[gi].launches_kernel = !layout.view_nodes.count(i);
    }
  }
  r.groups = finish(part);
  for (auto& grp : r.groups) bind_kernel(grp, graph, target, layout);
  return r;
}

}  // namespace tmetal::graph
