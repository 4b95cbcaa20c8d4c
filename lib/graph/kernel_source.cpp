// Triton-language source for a fused group: the template file from kernels/ for pattern and GEMM
// groups, or generated source for elementwise chains and row reductions. The generators emit one
// @triton.jit function whose pointer arguments are the group's inputs then outputs; every input is
// loaded through its (view) strides and broadcast to the group's domain, math runs in float32, and
// results are stored in their dtype.
#include "op_registry.h"
#include "row_view.h"
#include "shape_math.h"

#include <fmt/core.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <cctype>
#include <set>
#include <sstream>

namespace tmetal::graph {

std::filesystem::path default_kernels_dir() { return TM_KERNELS_DIR; }

namespace {

std::string tl_dtype(DType d) {
  switch (d) {
    case DType::F32: return "tl.float32";
    case DType::F16: return "tl.float16";
    case DType::BF16: return "tl.bfloat16";
    case DType::I32: return "tl.int32";
    case DType::I64: return "tl.int64";
    case DType::I8: return "tl.int8";
    case DType::U8: return "tl.uint8";
    case DType::Bool: return "tl.int1";
  }
  return "tl.float32";
}

std::string num(double v) { return fmt::format("{:.17g}", v); }

struct Emitter {
  const Plan& plan;
  const FusedGroup& grp;
  Shape domain;
  std::string offs = "offs";
  std::string mask = "mask";
  std::vector<std::string> body;
  std::map<std::string, std::string> vars;  // tensor -> python variable
  std::map<std::string, std::string> loads;  // load key -> variable
  int counter = 0;

  const Graph& g() const { return plan.graph; }
  std::string ptr(const std::string& tensor) {
    auto it = std::find(grp.inputs.begin(), grp.inputs.end(), tensor);
    return fmt::format("in{}_ptr", it - grp.inputs.begin());
  }
  // Index of `tensor`'s element for domain position `offs`, broadcasting its shape (right-aligned, or
  // along `axis` of the domain for per-channel vectors) and applying its view strides.
  std::string index(const std::string& tensor, int64_t axis = -1) {
    const Tensor& t = g().tensor(tensor);
    auto v = plan.views.find(tensor);
    std::vector<int64_t> strides = v != plan.views.end() ? v->second.strides : strides_of(t.shape);
    int64_t base = v != plan.views.end() ? v->second.offset : 0;
    auto ds = strides_of(domain);
    if (v == plan.views.end() && t.shape == domain && axis < 0) return offs;
    std::string expr = base ? std::to_string(base) : "";
    for (size_t d = 0; d < t.shape.size(); ++d) {
      size_t dd = axis >= 0 ? static_cast<size_t>(axis) : d + domain.size() - t.shape.size();
      if (t.shape[d] == 1) continue;
      expr += fmt::format("{}((({}) // {}) % {}) * {}", expr.empty() ? "" : " + ", offs, ds[dd], domain[dd], strides[d]);
    }
    return expr.empty() ? "0" : expr;
  }
  std::string load(const std::string& tensor, int64_t axis = -1) {
    if (vars.count(tensor)) return vars[tensor];
    std::string key = tensor + "@" + std::to_string(axis);
    if (loads.count(key)) return loads[key];
    std::string var = fmt::format("ld{}", counter++);  // not tN: the MSL emitter names its temporaries so
    if (numel(g().tensor(tensor).shape) == 1)
      body.push_back(fmt::format("{} = tl.load({}).to(tl.float32)", var, ptr(tensor)));
    else
      body.push_back(fmt::format("{} = tl.load({} + {}, mask={}, other=0.0).to(tl.float32)", var, ptr(tensor), index(tensor, axis), mask));
    loads[key] = var;
    return var;
  }
  void define(const Node& node, const std::string& expr) {
    std::string var = fmt::format("val{}", counter++);
    body.push_back(fmt::format("{} = {}  # {} ({})", var, expr, node.name, node.op));
    vars[node.outputs[0]] = var;
  }
  // Elementwise op -> Triton expression.
  void elementwise(const Node& n) {
    std::vector<std::string> a;
    bool bn = n.op == "batch_norm";
    int64_t channel_axis = bn ? (n.attrs.value("layout", "NCHW") == "NHWC" ? static_cast<int64_t>(domain.size()) - 1 : 1) : -1;
    for (size_t i = 0; i < n.inputs.size(); ++i) a.push_back(load(n.inputs[i], bn && i > 0 ? channel_axis : -1));
    static const std::map<std::string, std::string> binary = {{"add", "+"}, {"sub", "-"}, {"mul", "*"}, {"div", "/"}};
    if (binary.count(n.op)) return define(n, fmt::format("{} {} {}", a[0], binary.at(n.op), a[1]));
    if (n.op == "pow") return define(n, fmt::format("tl.exp(tl.log({}) * {})", a[0], a[1]));
    if (n.op == "maximum" || n.op == "minimum") return define(n, fmt::format("tl.{}({}, {})", n.op, a[0], a[1]));
    if (n.op == "neg") return define(n, "-" + a[0]);
    if (n.op == "abs") return define(n, fmt::format("tl.abs({})", a[0]));
    if (n.op == "relu") return define(n, fmt::format("tl.maximum({}, 0.0)", a[0]));
    if (n.op == "exp" || n.op == "log" || n.op == "sqrt" || n.op == "rsqrt" || n.op == "sigmoid")
      return define(n, fmt::format("tl.{}({})", n.op, a[0]));
    if (n.op == "tanh") return define(n, fmt::format("2.0 * tl.sigmoid(2.0 * {0}) - 1.0", a[0]));
    if (n.op == "silu") return define(n, fmt::format("{0} * tl.sigmoid({0})", a[0]));
    if (n.op == "gelu") {
      if (n.attrs.value("approximate", "none") == "tanh")  // 0.5x(1+tanh(z)) = x*sigmoid(2z)
        return define(n, fmt::format("{0} * tl.sigmoid(1.5957691216057308 * ({0} + 0.044715 * {0} * {0} * {0}))", a[0]));
      return define(n, fmt::format("0.5 * {0} * (1.0 + tl.erf({0} * 0.7071067811865476))", a[0]));
    }
    if (n.op == "cast") return define(n, a[0]);
    if (n.op == "causal_mask") {
      int64_t cols = domain.back(), rows = domain[domain.size() - 2];
      return define(n, fmt::format("tl.where(({0}) % {1} > (({0}) // {1}) % {2} + {3}, float('-inf'), {4})", offs, cols, rows, cols - rows, a[0]));
    }
    if (bn)
      return define(n, fmt::format("({} - {}) * tl.rsqrt({} + {}) * {} + {}", a[0], a[3], a[4], num(n.attrs.value("eps", 1e-5)), a[1], a[2]));
    throw GraphError(fmt::format("kernel generator: op '{}' of node '{}' is not elementwise", n.op, n.name));
  }
};

std::string header(const Plan& plan, const FusedGroup& grp, const std::string& what) {
  std::vector<std::string> ins;
  for (const auto& in : grp.inputs) {
    auto v = plan.views.find(in);
    ins.push_back(v == plan.views.end() ? in : fmt::format("{} = view of {}", in, v->second.root));
  }
  return fmt::format("# Generated by triton-metal for group {}: {}.\n# Arguments: one pointer per input buffer ({}; a view's offset and\n"
                     "# strides are part of the index arithmetic), then one per output ({}).\n"
                     "import triton\nimport triton.language as tl\n\n\n",
                     grp.name, what, fmt::format("{}", fmt::join(ins, ", ")), fmt::format("{}", fmt::join(grp.outputs, ", ")));
}

std::string signature(const FusedGroup& grp, const std::string& entry, const std::string& extra) {
  std::string args;
  for (size_t i = 0; i < grp.inputs.size(); ++i) args += fmt::format("in{}_ptr, ", i);
  for (size_t i = 0; i < grp.outputs.size(); ++i) args += fmt::format("out{}_ptr, ", i);
  return fmt::format("@triton.jit\ndef {}({}{}):\n", entry, args, extra);
}

std::string indent(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += "    " + l + "\n";
  return s;
}

std::string out_ptr(const FusedGroup& grp, const std::string& t) {
  return fmt::format("out{}_ptr", std::find(grp.outputs.begin(), grp.outputs.end(), t) - grp.outputs.begin());
}

std::string generate_elementwise(const Plan& plan, const FusedGroup& grp) {
  const Graph& g = plan.graph;
  Emitter e{plan, grp, g.tensor(g.nodes[grp.nodes.front()].outputs[0]).shape};
  e.body = {"pid = tl.program_id(0)", "offs = pid * BLOCK + tl.arange(0, BLOCK)", "mask = offs < NUMEL"};
  for (size_t n : grp.nodes) e.elementwise(g.nodes[n]);
  for (const auto& out : grp.outputs)
    e.body.push_back(fmt::format("tl.store({} + offs, {}.to({}), mask=mask)", out_ptr(grp, out), e.vars.at(out), tl_dtype(g.tensor(out).dtype)));
  return header(plan, grp, "elementwise chain " + fmt::format("{}", fmt::join(grp.params.value("ops", std::vector<std::string>{}), " -> "))) +
         signature(grp, "fused_elementwise", "NUMEL, BLOCK: tl.constexpr") + indent(e.body);
}

std::string generate_row_reduction(const Plan& plan, const FusedGroup& grp) {
  const Graph& g = plan.graph;
  size_t red = grp.nodes.front();
  for (size_t n : grp.nodes)
    if (find_op(g.nodes[n].op)->kind == OpKind::RowReduction) {
      red = n;
      break;
    }
  const Node& r = g.nodes[red];
  Shape domain = g.tensor(r.inputs[0]).shape;
  int64_t axis = row_axis(r, domain);
  RowView rv(domain, axis);
  Emitter e{plan, grp, domain};
  e.body = {"row = tl.program_id(0)", "cols = tl.arange(0, BLOCK)", fmt::format("mask = cols < {}", rv.len),
            fmt::format("offs = (row // {0}) * {1} * {0} + cols * {0} + row % {0}", rv.inner, rv.len)};
  bool reduced = false;
  for (size_t n : grp.nodes) {
    const Node& node = g.nodes[n];
    if (n == red) {
      std::string x = e.load(node.inputs[0]);
      std::string len = std::to_string(rv.len);
      if (node.op == "softmax" || node.op == "log_softmax") {
        e.body.push_back(fmt::format("m = tl.max(tl.where(mask, {}, float('-inf')), 0)", x));
        e.body.push_back(fmt::format("ex = tl.where(mask, tl.exp({} - m), 0.0)", x));
        e.define(node, node.op == "softmax" ? "ex / tl.sum(ex, 0)" : fmt::format("{} - m - tl.log(tl.sum(ex, 0))", x));
      } else if (node.op == "layer_norm" || node.op == "rms_norm") {
        bool rms = node.op == "rms_norm";
        double eps = node.attrs.value("eps", rms ? 1e-6 : 1e-5);
        if (rms) {
          e.body.push_back(fmt::format("xc = tl.where(mask, {}, 0.0)", x));
        } else {
          e.body.push_back(fmt::format("mean = tl.sum(tl.where(mask, {}, 0.0), 0) / {}", x, len));
          e.body.push_back(fmt::format("xc = tl.where(mask, {} - mean, 0.0)", x));
        }
        std::string y = fmt::format("xc * tl.rsqrt(tl.sum(xc * xc, 0) / {} + {})", len, num(eps));
        for (size_t i = 1; i < node.inputs.size(); ++i) {
          e.body.push_back(fmt::format("p{} = tl.load({} + cols, mask=mask, other=0.0).to(tl.float32)", i, e.ptr(node.inputs[i])));
          y = i == 1 ? fmt::format("({}) * p1", y) : fmt::format("{} + p2", y);
        }
        e.define(node, y);
      } else {
        std::string fn = node.op == "reduce_max" ? "tl.max" : "tl.sum";
        std::string masked = fmt::format("tl.where(mask, {}, {})", x, node.op == "reduce_max" ? "float('-inf')" : "0.0");
        e.define(node, node.op == "reduce_mean" ? fmt::format("{}({}, 0) / {}", fn, masked, len) : fmt::format("{}({}, 0)", fn, masked));
        reduced = true;
        e.offs = "row";  // epilogue ops index the reduced tensor by row
        e.domain = g.tensor(node.outputs[0]).shape;
      }
      continue;
    }
    e.elementwise(node);
  }
  for (const auto& out : grp.outputs) {
    bool per_row = reduced && g.tensor(out).shape == e.domain;
    e.body.push_back(fmt::format("tl.store({} + {}, {}.to({}){})", out_ptr(grp, out), per_row ? "row" : "offs", e.vars.at(out),
                                 tl_dtype(g.tensor(out).dtype), per_row ? "" : ", mask=mask"));
  }
  return header(plan, grp, fmt::format("row-wise {} over {} rows of {}", r.op, rv.rows(), rv.len)) +
         signature(grp, "fused_row_reduction", "BLOCK: tl.constexpr") + indent(e.body);
}

}  // namespace

KernelSource kernel_source_for(const Plan& plan, const FusedGroup& group, const std::filesystem::path& kernels_dir) {
  KernelSource ks;
  ks.file_name = group.name + ".py";
  ks.entry = group.params.value("entry", "");
  if (group.kernel_template == "generated:elementwise_chain") {
    ks.source = generate_elementwise(plan, group);
  } else if (group.kernel_template == "generated:row_reduction") {
    ks.source = generate_row_reduction(plan, group);
  } else {
    auto path = kernels_dir / group.kernel_template;
    std::ifstream in(path);
    if (!in) throw GraphError(fmt::format("kernel template '{}' of group {} not found in {}", group.kernel_template, group.name, kernels_dir.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    ks.source = ss.str();
  }
  // The constexprs are the parameters the source declares as `NAME: tl.constexpr`.
  const std::string marker = ": tl.constexpr";
  for (auto p = ks.source.find(marker); p != std::string::npos; p = ks.source.find(marker, p + 1)) {
    size_t b = p;
    while (b > 0 && (std::isalnum(static_cast<unsigned char>(ks.source[b - 1])) || ks.source[b - 1] == '_')) --b;
    std::string name = ks.source.substr(b, p - b);
    if (group.params.contains(name)) ks.constexprs[name] = group.params[name];
  }
  return ks;
}

}  // namespace tmetal::graph
