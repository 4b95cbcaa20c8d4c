// The fusion pattern table and its tree matcher (see fusion_patterns.h). Each pattern's min_generation
// is derived from its hardware requirements through the hardware model, never written by hand:
//  * flash_attention keeps the O accumulator (rows x head_dim), the running max and sum, and the S tile
//    live in registers across the whole K/V loop: about 56 registers per thread for head_dim <= 128.
//    M1/M2 allocate registers statically, with a 52-register budget before occupancy drops; M3+
//    dynamic caching allocates from a shared pool (64 budget), so the pattern is M3+.
//  * swiglu runs two matmul accumulators (x.W1 and x.W3) at once: about 60 registers per thread, M3+.
//  * matmul/conv epilogue patterns need one accumulator tile (about 40 registers) and simdgroup_matrix,
//    which every M-series GPU has: M1+.
#include "fusion_patterns.h"

#include "attrs.h"

#include <fmt/core.h>

namespace tmetal::graph {
namespace {

PatternNode leaf(const std::string& capture = "", bool scalar = false) {
  PatternNode p;
  p.capture = capture;
  p.scalar_constant = scalar;
  return p;
}
PatternNode op(std::vector<std::string> ops, const std::string& capture, std::vector<PatternNode> operands, bool optional = false,
               bool commutative = false) {
  return PatternNode{std::move(ops), capture, std::move(operands), optional, commutative, false};
}

const Node& captured(const Graph& g, const PatternMatch& m, const std::string& name) { return g.nodes[m.nodes_by_capture.at(name)]; }

// Largest square flash-attention tile whose Q, K and V tiles fit in threadgroup memory.
int64_t flash_block(int64_t head_dim, int64_t elem, int64_t tg_bytes) {
  for (int64_t b : {64, 32, 16})
    if (3 * b * head_dim * elem <= tg_bytes) return b;
  return 0;
}

std::string flash_predicate(const Graph& g, const PatternMatch& m, const GraphTarget& t) {
  const Node& sm = captured(g, m, "softmax");
  const Tensor& s = g.tensor(sm.outputs[0]);
  if (attr::normalize_axis(sm.attrs.value("axis", -1), s.shape.size(), "axis") != static_cast<int64_t>(s.shape.size()) - 1)
    return "softmax is not over the last (key) axis";
  const Node& pv = captured(g, m, "pv");
  if (pv.attrs.value("transpose_a", false) || pv.attrs.value("alpha", 1.0) != 1.0) return "the P.V matmul transposes P or scales it";
  const Node& qk = captured(g, m, "qk");
  if (qk.attrs.value("transpose_a", false)) return "the Q.K matmul transposes Q";
  const Tensor& q = g.tensor(qk.inputs[0]);
  int64_t d = q.shape.back();
  int64_t elem = dtype_bytes(q.dtype);
  if (d > 256) return fmt::format("head_dim {} exceeds 256", d);
  if (flash_block(d, elem, t.threadgroup_memory_bytes) == 0)
    return fmt::format("head_dim {} needs {} bytes of threadgroup memory for 16-row Q, K and V tiles, the target has {}", d,
                       3 * 16 * d * elem, t.threadgroup_memory_bytes);
  return "";
}

std::string same_activation_predicate(const Graph& g, const PatternMatch& m, const GraphTarget&) {
  const Node& a = captured(g, m, "gate_mm");
  const Node& b = captured(g, m, "up_mm");
  if (a.inputs[0] != b.inputs[0]) return fmt::format("the two matmuls read different activations ('{}' and '{}')", a.inputs[0], b.inputs[0]);
  if (a.attrs.value("transpose_a", false) != b.attrs.value("transpose_a", false)) return "the two matmuls transpose x differently";
  return "";
}

std::string bias_predicate(const Graph& g, const PatternMatch& m, const GraphTarget&) {
  const Tensor& out = g.tensor(captured(g, m, "mm").outputs[0]);
  const Tensor& bias = g.tensor(m.leaves.at("bias"));
  if (numel(bias.shape) != out.shape.back() || bias.shape.empty() || bias.shape.back() != out.shape.back())
    return fmt::format("'{}' {} is not a bias row of {} columns", bias.name, shape_str(bias.shape), out.shape.back());
  return "";
}

std::string conv_predicate(const Graph& g, const PatternMatch& m, const GraphTarget&) {
  if (m.leaves.count("residual")) {
    const Tensor& r = g.tensor(m.leaves.at("residual"));
    const Tensor& out = g.tensor(captured(g, m, "act").outputs[0]);
    if (r.shape != out.shape) return fmt::format("residual '{}' {} does not have the output shape {}", r.name, shape_str(r.shape), shape_str(out.shape));
  }
  return "";
}

std::vector<FusionPattern> build() {
  const std::vector<std::string> acts = {"relu", "gelu", "silu"};
  std::vector<FusionPattern> p;
  // matmul(softmax([mask]([scale](matmul(rope?(q), rope?(k))))), v)
  PatternNode qk = op({"matmul"}, "qk", {op({"rope"}, "rope_q", {leaf("q")}, true), op({"rope"}, "rope_k", {leaf("k")}, true)});
  PatternNode scale = op({"mul", "div"}, "scale", {qk, leaf("scale", true)}, true);
  PatternNode mask = op({"add", "causal_mask"}, "mask", {scale, leaf("mask")}, true, true);
  p.push_back({"flash_attention", "matmul(softmax([add mask | causal_mask]([mul scale](matmul([rope](q), [rope](k))))), v)",
               op({"matmul"}, "pv", {op({"softmax"}, "softmax", {mask}), leaf("v")}),
               {true, 56, 3 * 16 * 64 * 2,
                "the online-softmax loop keeps O, the running max and sum and the S tile live in registers (~56 per thread "
                "for head_dim <= 128), above the static register budget without dynamic caching"},
               Generation::M1, "flash_attention.py", flash_predicate});
  p.push_back({"swiglu", "mul(silu(matmul(x, W1)), matmul(x, W3))",
               op({"mul"}, "gate", {op({"silu"}, "silu", {op({"matmul"}, "gate_mm", {leaf("x"), leaf("w1")})}),
                                    op({"matmul"}, "up_mm", {leaf("x2"), leaf("w3")})},
                  false, true),
               {true, 60, 0, "two matmul accumulators (x.W1 and x.W3) are live at once (~60 registers per thread)"},
               Generation::M1, "swiglu.py", same_activation_predicate});
  p.push_back({"conv_bn_relu", "relu([add residual]([batch_norm](conv2d(x, W, b))))",
               op({"relu"}, "act",
                  {op({"add"}, "residual_add", {op({"batch_norm"}, "bn", {op({"conv2d"}, "conv", {leaf("x")})}, true), leaf("residual")},
                      true, true)}),
               {true, 40, 0, "one implicit-GEMM accumulator tile with simdgroup_matrix"}, Generation::M1, "conv2d_igemm.py", conv_predicate});
  p.push_back({"matmul_bias_act", "relu|gelu|silu(add(matmul(a, b), bias))",
               op(acts, "act", {op({"add"}, "bias_add", {op({"matmul"}, "mm", {}), leaf("bias")}, false, true)}),
               {true, 40, 0, "one matmul accumulator tile with simdgroup_matrix"}, Generation::M1, "matmul_epilogue.py", bias_predicate});
  p.push_back({"matmul_gelu", "gelu(matmul(a, b))", op({"gelu"}, "act", {op({"matmul"}, "mm", {})}),
               {true, 40, 0, "one matmul accumulator tile with simdgroup_matrix"}, Generation::M1, "matmul_epilogue.py", nullptr});
  for (auto& pattern : p) pattern.min_generation = derive_min_generation(pattern.requires_hw);
  return p;
}

struct Matcher {
  const Graph& g;
  const std::vector<bool>& taken;
  const std::map<std::string, size_t>& producers;

  bool match(const PatternNode& p, const std::string& tensor, PatternMatch& m) {
    if (p.ops.empty()) {
      if (p.scalar_constant && !(g.is_constant(tensor) && numel(g.tensor(tensor).shape) == 1)) return false;
      if (!p.capture.empty()) m.leaves[p.capture] = tensor;
      return true;
    }
    auto it = producers.find(tensor);
    if (it != producers.end() && !taken[it->second] && std::count(p.ops.begin(), p.ops.end(), g.nodes[it->second].op) &&
        !std::count(m.nodes.begin(), m.nodes.end(), it->second)) {
      const Node& n = g.nodes[it->second];
      std::vector<std::vector<size_t>> orders;
      std::vector<size_t> identity;
      for (size_t i = 0; i < n.inputs.size(); ++i) identity.push_back(i);
      orders.push_back(identity);
      if (p.commutative && n.inputs.size() == 2) orders.push_back({1, 0});
      for (const auto& order : orders) {
        PatternMatch trial = m;
        trial.nodes.push_back(it->second);
        if (!p.capture.empty()) trial.nodes_by_capture[p.capture] = it->second;
        bool ok = true;
        for (size_t k = 0; ok && k < p.operands.size() && k < order.size(); ++k) ok = match(p.operands[k], n.inputs[order[k]], trial);
        // operands the pattern gives for inputs the node lacks (e.g. mask leaf of causal_mask) are skipped
        if (ok) {
          m = trial;
          return true;
        }
      }
    }
    if (p.optional && !p.operands.empty()) return match(p.operands[0], tensor, m);
    return false;
  }
};

}  // namespace

const std::vector<FusionPattern>& fusion_patterns() {
  static const std::vector<FusionPattern> patterns = build();
  return patterns;
}

std::string requirement_failure(const PatternRequirements& req, const GraphTarget& t) {
  if (req.simdgroup_matrix && !t.supports_simdgroup_matrix) return fmt::format("{} has no simdgroup_matrix", t.name);
  if (req.registers_per_thread > t.register_budget_per_thread)
    return fmt::format("needs ~{} registers per thread, {} allows {}{}", req.registers_per_thread, t.name, t.register_budget_per_thread,
                       t.has_dynamic_caching ? "" : " (no dynamic caching)");
  if (req.threadgroup_bytes > t.threadgroup_memory_bytes)
    return fmt::format("needs {} bytes of threadgroup memory, {} has {}", req.threadgroup_bytes, t.name, t.threadgroup_memory_bytes);
  return "";
}

Generation derive_min_generation(const PatternRequirements& req) {
  for (int g = 1; g <= 5; ++g)
    if (requirement_failure(req, GraphTarget::for_generation(static_cast<Generation>(g))).empty()) return static_cast<Generation>(g);
  return static_cast<Generation>(6);
}

std::optional<PatternMatch> match_pattern(const Graph& graph, const FusionPattern& pattern, size_t root, const std::vector<bool>& taken) {
  return match_pattern(graph, pattern, root, taken, graph.producers());
}

std::optional<PatternMatch> match_pattern(const Graph& graph, const FusionPattern& pattern, size_t root, const std::vector<bool>& taken,
                                          const std::map<std::string, size_t>& producers) {
  Matcher matcher{graph, taken, producers};
  if (taken[root] || !std::count(pattern.root.ops.begin(), pattern.root.ops.end(), graph.nodes[root].op)) return std::nullopt;
  PatternMatch m;
  if (!matcher.match(pattern.root, graph.nodes[root].outputs[0], m)) return std::nullopt;
  return m;
}

}  // namespace tmetal::graph
