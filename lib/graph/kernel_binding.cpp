// Fused group -> kernel: picks the Triton-language template in kernels/ (or a generator for elementwise
// chains and row reductions) and fills its parameters (constexprs, sizes, tile shapes from the target).
#include "fusion.h"

#include "op_registry.h"
#include "row_view.h"

#include <fmt/core.h>

namespace tmetal::graph {
namespace {

const Node* by_name(const Graph& g, const nlohmann::json& captures, const char* key) {
  if (!captures.contains(key)) return nullptr;
  for (const auto& n : g.nodes)
    if (n.name == captures[key].get<std::string>()) return &n;
  return nullptr;
}

int activation_code(const Node* n) {
  if (!n) return 0;
  if (n->op == "relu") return 1;
  if (n->op == "gelu") return n->attrs.value("approximate", "none") == "tanh" ? 3 : 2;
  if (n->op == "silu") return 4;
  if (n->op == "sigmoid") return 5;
  if (n->op == "tanh") return 6;
  return 0;
}

const Node* find_node(const Graph& g, const std::string& name) {
  for (const auto& n : g.nodes)
    if (n.name == name) return &n;
  return nullptr;
}

// Epilogue entries recorded by generic fusion become the template's HAS_BIAS / ACTIVATION / BINARY_OP.
void epilogue_params(const Graph& g, FusedGroup& grp) {
  auto& p = grp.params;
  if (!p.contains("HAS_BIAS")) p["HAS_BIAS"] = false;
  if (!p.contains("ACTIVATION")) p["ACTIVATION"] = 0;
  p["BINARY_OP"] = 0;
  for (const auto& e : p.value("epilogue", nlohmann::json::array())) {
    if (e["kind"] == "bias") p["HAS_BIAS"] = true;
    if (e["kind"] == "activation") p["ACTIVATION"] = activation_code(find_node(g, e["node"]));
    if (e["kind"] == "binary") p["BINARY_OP"] = e["op"] == "add" ? 1 : e["op"] == "mul" ? 2 : 3;
  }
}

const Node* norm_in(const Graph& g, const FusedGroup& grp) {
  for (size_t n : grp.nodes)
    if (g.nodes[n].op == "rms_norm" || g.nodes[n].op == "layer_norm") return &g.nodes[n];
  return nullptr;
}

// Which tensor each pointer argument of a GEMM template reads: A (or the normalized tensor's source),
// the norm weights, and the epilogue operands recorded by fusion.
void gemm_args(const Graph& g, const FusedGroup& grp, const Node& mm, nlohmann::json& args, const char* a, const char* b) {
  const Node* norm = norm_in(g, grp);
  args[a] = norm ? norm->inputs[0] : mm.inputs[0];
  args[b] = mm.inputs[1];
  if (norm && norm->inputs.size() > 1) args["NormW"] = norm->inputs[1];
  if (norm && norm->inputs.size() > 2) args["NormB"] = norm->inputs[2];
  for (const auto& e : grp.params.value("epilogue", nlohmann::json::array())) {
    if (e["kind"] == "bias") args["Bias"] = e["operand"];
    if (e["kind"] == "binary") args["Other"] = e["operand"];
  }
}

}  // namespace

void bind_kernel(FusedGroup& grp, const Graph& g, const GraphTarget& t, const LayoutResult&) {
  auto& p = grp.params;
  const nlohmann::json captures = p.value("captures", nlohmann::json::object());
  const Node& first = g.nodes[grp.nodes.front()];
  const std::string& k = grp.kind;
  if (k == "flash_attention") {
    const Node* qk = by_name(g, captures, "qk");
    const Node* scale = by_name(g, captures, "scale");
    const Node* mask = by_name(g, captures, "mask");
    const Tensor& q = g.tensor(qk->inputs[0]);
    const Tensor& s = g.tensor(qk->outputs[0]);
    int64_t d = q.shape.back();
    double sm_scale = qk->attrs.value("alpha", 1.0);
    if (scale) {
      double c = (*g.tensor(captures["leaf:scale"].get<std::string>()).data)[0];
      sm_scale *= scale->op == "div" ? 1.0 / c : c;
    }
    int64_t block = 64;
    while (block > 16 && 3 * block * d * dtype_bytes(q.dtype) > t.threadgroup_memory_bytes) block /= 2;
    const Node* rope = by_name(g, captures, "rope_q");
    grp.kernel_template = "flash_attention.py";
    p["entry"] = "flash_attention_fwd";
    p["BATCH"] = numel(s.shape) / (s.shape[s.shape.size() - 2] * s.shape.back());
    p["SEQ_Q"] = s.shape[s.shape.size() - 2];
    p["SEQ_K"] = s.shape.back();
    p["HEAD_DIM"] = d;
    p["BLOCK_M"] = block;
    p["BLOCK_N"] = block;
    p["CAUSAL"] = mask && mask->op == "causal_mask";
    p["HAS_MASK"] = mask && mask->op == "add";
    p["ROPE"] = rope != nullptr;
    p["ROPE_BASE"] = rope ? rope->attrs.value("base", 10000.0) : 10000.0;
    p["TRANSPOSE_K"] = qk->attrs.value("transpose_b", false);
    p["sm_scale"] = sm_scale;
    p["args"] = {{"Q", captures["leaf:q"]}, {"K", captures["leaf:k"]}, {"V", captures["leaf:v"]}, {"Out", grp.outputs.at(0)}};
    if (captures.contains("leaf:mask") && mask && mask->op == "add") p["args"]["Mask"] = captures["leaf:mask"];
  } else if (k == "swiglu") {
    const Node* mm = by_name(g, captures, "gate_mm");
    const Tensor& out = g.tensor(mm->outputs[0]);
    const Tensor& x = g.tensor(mm->inputs[0]);
    grp.kernel_template = "swiglu.py";
    p["entry"] = "swiglu_fwd";
    p["M"] = numel(out.shape) / out.shape.back();
    p["N"] = out.shape.back();
    p["K"] = x.shape.back();
    p["BLOCK_M"] = t.matmul_block_m;
    p["BLOCK_N"] = t.matmul_block_n / 2;  // two accumulators share the register budget
    p["BLOCK_K"] = t.matmul_block_k;
    p["TRANS_B"] = mm->attrs.value("transpose_b", false);
    if (!p.contains("NORM_PROLOGUE")) p["NORM_PROLOGUE"] = 0;
    nlohmann::json args = nlohmann::json::object();
    gemm_args(g, grp, *mm, args, "X", "W1");
    args["W3"] = by_name(g, captures, "up_mm")->inputs[1];
    args["Out"] = grp.outputs.at(0);
    p["args"] = args;
  } else if (k == "matmul" || k == "matmul_bias_act" || k == "matmul_gelu") {
    const Node* mm = by_name(g, captures, "mm");
    for (size_t n : grp.nodes)
      if (!mm && g.nodes[n].op == "matmul") mm = &g.nodes[n];
    const Tensor& out = g.tensor(mm->outputs[0]);
    const Tensor& a = g.tensor(mm->inputs[0]);
    grp.kernel_template = "matmul_epilogue.py";
    p["entry"] = "matmul_epilogue_fwd";
    p["BATCH"] = numel(out.shape) / (out.shape[out.shape.size() - 2] * out.shape.back());
    p["M"] = out.shape[out.shape.size() - 2];
    p["N"] = out.shape.back();
    p["K"] = mm->attrs.value("transpose_a", false) ? a.shape[a.shape.size() - 2] : a.shape.back();
    p["TRANS_A"] = mm->attrs.value("transpose_a", false);
    p["TRANS_B"] = mm->attrs.value("transpose_b", false);
    p["ALPHA"] = mm->attrs.value("alpha", 1.0);
    p["BLOCK_M"] = t.matmul_block_m;
    p["BLOCK_N"] = t.matmul_block_n;
    p["BLOCK_K"] = t.matmul_block_k;
    if (k != "matmul") {
      p["HAS_BIAS"] = k == "matmul_bias_act";
      p["ACTIVATION"] = activation_code(by_name(g, captures, "act"));
    }
    epilogue_params(g, grp);
    if (!p.contains("NORM_PROLOGUE")) p["NORM_PROLOGUE"] = 0;
    nlohmann::json args = nlohmann::json::object();
    gemm_args(g, grp, *mm, args, "A", "B");
    if (k == "matmul_bias_act") args["Bias"] = captures["leaf:bias"];
    args["C"] = g.nodes[grp.nodes.back()].outputs[0];
    p["args"] = args;
  } else if (k == "conv2d" || k == "conv_bn_relu") {
    const Node* conv = k == "conv2d" ? &first : by_name(g, captures, "conv");
    const Tensor& x = g.tensor(conv->inputs[0]);
    const Tensor& w = g.tensor(conv->inputs[1]);
    const Tensor& out = g.tensor(conv->outputs[0]);
    bool nhwc = conv->attrs.value("layout", "NCHW") == "NHWC";
    auto pair = [&](const char* key, int64_t def) {
      auto v = conv->attrs.value(key, nlohmann::json(def));
      return v.is_array() ? v : nlohmann::json::array({v, v});
    };
    grp.kernel_template = "conv2d_igemm.py";
    p["entry"] = "conv2d_igemm_fwd";
    p["N"] = x.shape[0];
    p["C"] = nhwc ? x.shape[3] : x.shape[1];
    p["H"] = nhwc ? x.shape[1] : x.shape[2];
    p["W"] = nhwc ? x.shape[2] : x.shape[3];
    p["K"] = w.shape[0];
    p["R"] = w.shape[2];
    p["S"] = w.shape[3];
    p["OH"] = nhwc ? out.shape[1] : out.shape[2];
    p["OW"] = nhwc ? out.shape[2] : out.shape[3];
    p["stride"] = pair("stride", 1);
    p["padding"] = pair("padding", 0);
    p["dilation"] = pair("dilation", 1);
    p["GROUPS"] = conv->attrs.value("groups", 1);
    p["NHWC"] = nhwc;
    p["HAS_BIAS"] = conv->inputs.size() == 3;
    p["ACTIVATION"] = k == "conv_bn_relu" ? 1 : 0;
    p["HAS_BN"] = by_name(g, captures, "bn") != nullptr;
    p["HAS_RESIDUAL"] = by_name(g, captures, "residual_add") != nullptr;
    p["BLOCK_M"] = t.matmul_block_m;  // output pixels
    p["BLOCK_N"] = std::min<int64_t>(t.matmul_block_n, std::max<int64_t>(8, w.shape[0]));
    p["BLOCK_K"] = t.matmul_block_k;
    epilogue_params(g, grp);
    if (k == "conv_bn_relu") p["ACTIVATION"] = 1;
    nlohmann::json args = {{"X", conv->inputs[0]}, {"Wt", conv->inputs[1]}, {"Out", g.nodes[grp.nodes.back()].outputs[0]}};
    if (conv->inputs.size() == 3) args["Bias"] = conv->inputs[2];
    if (captures.contains("leaf:residual")) args["Residual"] = captures["leaf:residual"];
    if (const Node* bn = by_name(g, captures, "bn")) {
      args["BN_scale"] = bn->inputs[1];
      args["BN_shift"] = bn->inputs[2];
      args["BN_mean"] = bn->inputs[3];
      args["BN_var"] = bn->inputs[4];
    }
    for (const auto& e : p.value("epilogue", nlohmann::json::array()))
      if (e["kind"] == "binary" && e["op"] == "add") {
        p["HAS_RESIDUAL"] = true;
        args["Residual"] = e["operand"];
      }
    p["args"] = args;
  } else if (k == "elementwise_chain" || k == "row_reduction") {
    grp.kernel_template = "generated:" + k;
    p["entry"] = k == "elementwise_chain" ? "fused_elementwise" : "fused_row_reduction";
    nlohmann::json ops = nlohmann::json::array();
    for (size_t n : grp.nodes) ops.push_back(g.nodes[n].op);
    p["ops"] = ops;
    const Tensor& dom = g.tensor(g.nodes[grp.nodes.front()].outputs[0]);
    if (k == "elementwise_chain") {
      p["NUMEL"] = numel(dom.shape);
      p["BLOCK"] = 1024;
      p["VEC"] = 16 / dtype_bytes(dom.dtype);
    } else {
      const Node* red = nullptr;
      for (size_t n : grp.nodes)
        if (!red && find_op(g.nodes[n].op)->kind == OpKind::RowReduction) red = &g.nodes[n];
      const Shape& in = g.tensor(red->inputs[0]).shape;
      RowView rv(in, row_axis(*red, in));
      int64_t block = 1;
      while (block < rv.len) block *= 2;
      p["ROW_LEN"] = rv.len;
      p["ROWS"] = rv.rows();
      p["BLOCK"] = block;
    }
  } else if (k == "view") {
    grp.kernel_template = "";
    p["entry"] = "";
  } else {
    grp.kernel_template = "data_movement.py";
    static const std::map<std::string, std::string> entries = {
        {"rope", "rope_fwd"},         {"embedding", "embedding_fwd"}, {"transpose", "strided_copy_fwd"}, {"slice", "strided_copy_fwd"},
        {"concat", "strided_copy_fwd"}, {"max_pool2d", "pool2d_fwd"},  {"avg_pool2d", "pool2d_fwd"},       {"constant", "fill_fwd"}};
    auto it = entries.find(first.op);
    p["entry"] = it != entries.end() ? it->second : "strided_copy_fwd";
    p["NUMEL"] = numel(g.tensor(first.outputs[0]).shape);
    p["BLOCK"] = 1024;
    if (first.op == "concat") p["launches"] = first.inputs.size();
    if (first.op == "rope" || first.op == "embedding") p["DIM"] = g.tensor(first.outputs[0]).shape.back();
    if (first.op == "rope") p["BLOCK_R"] = 16;
    nlohmann::json args = nlohmann::json::object();
    if (!first.inputs.empty()) args["X"] = first.inputs[0];
    if (first.op == "embedding") args = {{"Table", first.inputs[0]}, {"Ids", first.inputs[1]}};
    args["Out"] = first.outputs[0];
    p["args"] = args;
    if (first.op == "max_pool2d") p["IS_MAX"] = true;
    if (first.op == "avg_pool2d") p["IS_MAX"] = false;
  }
}

}  // namespace tmetal::graph
