// Memory layout manager (see layout.h). Storage: reshape, slice and transpose results become strided
// views of their source buffer when every consumer can read them efficiently through strides: rows
// stay contiguous (last stride 1: loads still coalesce), or the consumers are matmuls whose tiled
// loaders stage a transposed operand through threadgroup memory. Otherwise the transpose stays a
// conversion kernel, and the count of those is what the manager minimizes. Access: each tensor gets the
// access pattern its consumer kernels use on this target, sized from the hardware model.
#include "layout.h"

#include "op_registry.h"
#include "shape_math.h"

#include <fmt/core.h>

namespace tmetal::graph {

std::optional<TensorView> reshape_view(const TensorView& from, const Shape& to) {
  Shape od;
  std::vector<int64_t> os;
  for (size_t i = 0; i < from.shape.size(); ++i)
    if (from.shape[i] != 1) {
      od.push_back(from.shape[i]);
      os.push_back(from.strides[i]);
    }
  TensorView v{from.root, from.offset, to, std::vector<int64_t>(to.size(), 1)};
  if (numel(to) == 0) return v;
  size_t oi = 0, oj = 1, ni = 0, nj = 1;
  while (ni < to.size() && oi < od.size()) {
    int64_t np = to[ni], op = od[oi];
    while (np != op) {
      if (np < op) {
        if (nj >= to.size()) return std::nullopt;
        np *= to[nj++];
      } else {
        if (oj >= od.size()) return std::nullopt;
        op *= od[oj++];
      }
    }
    for (size_t ok = oi; ok + 1 < oj; ++ok)
      if (os[ok] != od[ok + 1] * os[ok + 1]) return std::nullopt;
    v.strides[nj - 1] = os[oj - 1];
    for (size_t nk = nj - 1; nk > ni; --nk) v.strides[nk - 1] = v.strides[nk] * to[nk];
    ni = nj++;
    oi = oj++;
  }
  // trailing size-1 dimensions: any stride works; keep the last one
  for (size_t k = ni; k < to.size(); ++k) v.strides[k] = k > 0 ? v.strides[k - 1] : 1;
  return v;
}

namespace {

TensorView contiguous(const std::string& name, const Shape& shape) { return {name, 0, shape, strides_of(shape)}; }

std::optional<TensorView> view_of(const Node& node, const TensorView& src, const Shape& out) {
  if (node.op == "reshape") return reshape_view(src, out);
  if (node.op == "transpose") {
    TensorView v{src.root, src.offset, out, {}};
    size_t rank = src.shape.size();
    std::vector<int64_t> def(rank);
    for (size_t i = 0; i < rank; ++i) def[i] = static_cast<int64_t>(rank - 1 - i);
    for (int64_t p : node.attrs.value("perm", def)) v.strides.push_back(src.strides[p < 0 ? p + static_cast<int64_t>(rank) : p]);
    return v;
  }
  if (node.op == "slice") {
    TensorView v = src;
    v.shape = out;
    auto axes = node.attrs.value("axes", std::vector<int64_t>{});
    auto starts = node.attrs.value("starts", std::vector<int64_t>{});
    auto steps = node.attrs.value("steps", std::vector<int64_t>(starts.size(), 1));
    if (axes.empty())
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    for (size_t i = 0; i < axes.size(); ++i) {
      int64_t a = axes[i] < 0 ? axes[i] + static_cast<int64_t>(src.shape.size()) : axes[i];
      int64_t s = starts[i] < 0 ? starts[i] + src.shape[a] : starts[i];
      s = std::clamp<int64_t>(s, 0, src.shape[a]);
      v.offset += s * src.strides[a];
      v.strides[a] *= steps[i];
    }
    return v;
  }
  return std::nullopt;
}

std::string strides_str(const std::vector<int64_t>& s) { return shape_str(s); }

}  // namespace

LayoutResult plan_layouts(const Graph& graph, const GraphTarget& target) {
  LayoutResult r;
  auto consumers = graph.consumers();
  auto producers = graph.producers();
  std::map<std::string, TensorView> views;  // every tensor's view of its root
  auto view = [&](const std::string& name) {
    auto it = views.find(name);
    return it != views.end() ? it->second : contiguous(name, graph.tensor(name).shape);
  };
  // 1. storage: views or conversions
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if (node.op != "reshape" && node.op != "transpose" && node.op != "slice") continue;
    const std::string& out = node.outputs[0];
    if (node.op == "transpose") {  // producer-side: the kernel writing the input stores it transposed
      const std::string& in = node.inputs[0];
      auto p = producers.find(in);
      bool kernel_output = p != producers.end() && !r.view_nodes.count(p->second) && !views.count(in);
      if (kernel_output && consumers[in].size() == 1 && !graph.is_output(in) && !graph.is_output(out)) {
        const Shape& os = graph.tensor(out).shape;
        auto so = strides_of(os);
        size_t rank = os.size();
        std::vector<int64_t> def(rank);
        for (size_t d = 0; d < rank; ++d) def[d] = static_cast<int64_t>(rank - 1 - d);
        auto perm = node.attrs.value("perm", def);
        TensorView v{out, 0, graph.tensor(in).shape, std::vector<int64_t>(rank, 1)};
        for (size_t d = 0; d < rank; ++d) v.strides[static_cast<size_t>(perm[d] < 0 ? perm[d] + static_cast<int64_t>(rank) : perm[d])] = so[d];
        views[in] = v;
        r.views[in] = v;
        r.view_nodes.insert(i);
        r.decisions.push_back({in, fmt::format("view of '{}' (offset 0, strides {})", out, strides_str(v.strides)), "transposed store",
                               fmt::format("transpose '{}' needs no kernel: node '{}' writes '{}' directly in the transposed order of '{}', "
                                           "which then stays contiguous for its readers",
                                           node.name, graph.nodes[p->second].name, in, out)});
        continue;
      }
    }
    auto v = view_of(node, view(node.inputs[0]), graph.tensor(out).shape);
    std::string reason;
    bool ok = v.has_value() && !graph.is_output(out) && !graph.is_constant(node.inputs[0]);
    if (!v) reason = "its source is not expressible as strides of one buffer";
    else if (graph.is_output(out)) reason = "it is a graph output, which must be a contiguous buffer";
    else if (graph.is_constant(node.inputs[0])) reason = "its source is a constant (folded at load)";
    if (ok && v->strides.back() != 1 && !v->shape.empty() && v->shape.back() != 1) {
      bool all_matmul = true;
      for (size_t c : consumers[out]) {
        const std::string& op = graph.nodes[c].op;
        all_matmul = all_matmul && op == "matmul";
      }
      bool matrix_ok = v->shape.size() >= 2 && (v->strides[v->strides.size() - 2] == 1);
      if (!(all_matmul && matrix_ok)) {
        ok = false;
        reason = "it moves the contiguous axis and a consumer is not a matmul tiled loader, so reads would not coalesce";
      }
    }
    if (ok) {
      views[out] = *v;
      r.views[out] = *v;
      r.view_nodes.insert(i);
      r.decisions.push_back({out, fmt::format("view of '{}' (offset {}, strides {})", v->root, v->offset, strides_str(v->strides)),
                             v->strides.back() == 1 || v->shape.back() == 1 ? "strided rows" : "transposed tiles",
                             fmt::format("{} '{}' needs no kernel: consumers read '{}' through strides", node.op, node.name, v->root)});
    } else {
      if (node.op == "transpose") ++r.conversions;
      r.decisions.push_back({out, "row-major", "copy kernel",
                             fmt::format("{} '{}' is materialized: {}", node.op, node.name, reason.empty() ? "not a view" : reason)});
    }
  }
  // 2. access layout of each materialized tensor read by a kernel
  int vec_bytes = 16;  // widest per-thread global access: float4 / half8-wide 16-byte loads
  for (const auto& [name, users] : consumers) {
    if (r.views.count(name)) continue;
    const Tensor& t = graph.tensor(name);
    std::vector<std::string> wants, reasons;
    auto want = [&](const std::string& w, const std::string& why) {
      if (std::find(wants.begin(), wants.end(), w) == wants.end()) {
        wants.push_back(w);
        reasons.push_back(why);
      }
    };
    for (size_t c : users) {
      const Node& n = graph.nodes[c];
      const OpDef* op = find_op(n.op);
      size_t pos = static_cast<size_t>(std::find(n.inputs.begin(), n.inputs.end(), name) - n.inputs.begin());
      if (op->kind == OpKind::Matmul) {
        bool b = pos == 1;
        bool tr = n.attrs.value(b ? "transpose_b" : "transpose_a", false);
        want(b ? fmt::format("tiled({}x{})", target.matmul_block_k, target.matmul_block_n)
               : fmt::format("tiled({}x{})", target.matmul_block_m, target.matmul_block_k),
             fmt::format("matmul '{}' operand {}: {}x{}x{} threadgroup tiles of 8x8 simdgroup_matrix fragments "
                         "({} registers/thread budget){}",
                         n.name, b ? "B" : "A", target.matmul_block_m, target.matmul_block_n, target.matmul_block_k,
                         target.register_budget_per_thread, tr ? ", read transposed and staged through threadgroup memory" : ""));
      } else if (op->kind == OpKind::Conv) {
        std::string layout = n.attrs.value("layout", "NCHW");
        if (pos == 0)
          want("tiles2d(8x8)", fmt::format("conv2d '{}' input: implicit GEMM gathers 8x8 output-pixel tiles; kept {} (the kernel reads "
                                           "either layout through strides; converting to {} would add two transposes)",
                                           n.name, layout, layout == "NCHW" ? "NHWC" : "NCHW"));
        else
          want("tiled(Cout x Cin*KH*KW)", fmt::format("conv2d '{}' weight: read as the GEMM's [Cout, Cin*KH*KW] B matrix", n.name));
      } else if (op->kind == OpKind::RowReduction) {
        want("coalesced-rows", fmt::format("{} '{}': one simdgroup per row, lanes stride across the reduced axis so loads coalesce", n.op, n.name));
      } else if (op->kind == OpKind::Elementwise) {
        int vec = static_cast<int>(vec_bytes / dtype_bytes(t.dtype));
        want(fmt::format("blocked(vec{})", vec),
             fmt::format("{} '{}': each thread handles {} contiguous {} elements ({}-byte vector loads)", n.op, n.name, vec,
                         dtype_name(t.dtype), vec_bytes));
      } else {
        want("row-major", fmt::format("{} '{}': indexed copy", n.op, n.name));
      }
    }
    std::string access, reason;
    for (size_t i = 0; i < wants.size(); ++i) {
      access += (i ? " + " : "") + wants[i];
      reason += (i ? "; " : "") + reasons[i];
    }
    r.decisions.push_back({name, t.data ? "row-major (constant, prepared at load)" : "row-major", access, reason});
  }
  return r;
}

}  // namespace tmetal::graph
