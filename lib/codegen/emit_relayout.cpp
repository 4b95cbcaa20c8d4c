// MSL emission of layout-changing ops (gpu.convert_layout, tt.broadcast, tt.expand_dims, tt.reshape, tt.trans):
// when every thread already holds the source elements it needs (gpu/register_relayout.h, checked at compile
// time for every thread and register), a register copy; otherwise through threadgroup memory (write, barrier,
// gather, barrier). The layout passes leave only gpu.convert_layout and tt.reshape needing the second path;
// index tensors skip it by being recomputed in the result layout (rematerialize.cpp).
#include "codegen/msl_emitter.h"
#include "gpu/op_queries.h"
#include "gpu/conversion_tile.h"
#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"
#include "gpu/register_relayout.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>

namespace tmetal::codegen {

void Emitter::emit_relayout(ir::Operation& op) {
  ir::Value* src = op.operand(0);
  ir::Value* r = op.result();
  if (!src->type().is_tensor()) fail(op, "shape op on a scalar");
  if (emit_fragment_relayout(op)) return;
  if (auto it = line_chains_.find(&op); it != line_chains_.end()) {  // a reduction's result back in its input's lines
    emit_line_chain(op, it->second);
    return;
  }
  const auto& sshape = src->type().shape();
  const auto& rshape = r->type().shape();
  int64_t threads = static_cast<int64_t>(options_.lowering.num_warps) * options_.lowering.simd_width;
  int64_t rr = regs(r), sr = regs(src);
  std::optional<std::vector<int64_t>> checked = gpu::register_relayout_map(op, threads, options_.lowering.simd_width);
  bool local = checked.has_value();
  std::vector<int64_t> map = local ? *checked : std::vector<int64_t>{};
  if (ptr_base_.count(src)) set_base(op, r, ptr_base_[src]);
  std::string name = define(r);
  declare(r);
  if (local) {
    bool identity = true;
    for (int64_t k = 0; k < rr; ++k) identity = identity && map[k] == k;
    bool constant = true;
    for (int64_t k = 0; k < rr; ++k) constant = constant && map[k] == map[0];
    if (identity) {
      line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[k];  // same registers", rr, name, name_of(src)));
    } else if (constant) {
      line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[{}];  // one register broadcast in each thread", rr, name, name_of(src), map[0]));
    } else {
      std::vector<std::string> parts;
      for (int64_t k = 0; k < rr; ++k) parts.push_back(fmt::format("{}[{}] = {}[{}];", name, k, name_of(src), map[k]));
      line(fmt::format("// registers rearranged within each thread"));
      for (size_t i = 0; i < parts.size(); i += 8) {
        std::string l;
        for (size_t j = i; j < std::min(parts.size(), i + 8); ++j) l += (l.empty() ? "" : " ") + parts[j];
        line(l);
      }
    }
    return;
  }
  // Index tensors (offsets, coordinates, masks, pointer offsets) computed from tl.arange, constants and
  // scalars: recomputed in the result layout (rematerialize.cpp), no threadgroup round trip.
  if (std::optional<std::string> e = recomputed_relayout(op)) {
    line("// index tensor recomputed in the result layout (no threadgroup round trip)");
    line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {};", rr, name, *e));
    return;
  }
  // Through threadgroup memory.
  std::string t = reg_type(src->type());
  int64_t esize = src->type().element().is_pointer() ? offset_bytes() : std::max(1, src->type().element().bits() / 8);
  if (t == "float") esize = 4;
  // A gpu.convert_layout between blocked layouts of 16- or 32-bit elements: the row-major tile laid out the
  // cheapest way the bank model finds (padded rows, or plain / XOR-swizzled rows moving whole vectors), see
  // gpu/conversion_tile.h.
  if (gpu::is_convert_layout(op) && gpu::blocked_layout_of(src->type()) && gpu::blocked_layout_of(r->type()) && sshape == rshape &&
      sshape.size() >= 2 && (esize == 2 || esize == 4) &&
      (t == "float" || t == "int" || t == "uint" || t == "half" || t == "short" || t == "ushort")) {
    const gpu::ConversionTile plan = gpu::plan_conversion_tile(layout(src), layout(r), sshape, esize, options_.lowering.simd_width);
    if (!plan.padded) {
      const int64_t W = sshape.back(), N = src->type().num_elements(), u = plan.unit;  // powers of two
      need_scratch(op, N * esize);
      auto log2 = [](int64_t x) { int64_t n = 0; while ((int64_t{1} << n) < x) ++n; return n; };
      // The slot of row-major element `tm_i` (a uint), as gpu::conversion_tile_slot: rows of W elements whose
      // u-element groups are XOR-swizzled by (row / s) % (W / u), in shifts and masks (W, u, s powers of two).
      std::string slot = "tm_i";
      if (plan.swizzle_rows != 0)
        slot = fmt::format("(tm_i & ~{0}u) | ((((tm_i >> {1}) ^ (tm_i >> {2})) & {3}u) << {1}) | (tm_i & {4}u)", W - 1, log2(u),
                           log2(W * plan.swizzle_rows), W / u - 1, u - 1);
      auto vec_type = [&](int64_t v) { return v == 1 ? t : fmt::format("{}{}", t, v); };
      auto at = [&](int64_t v) { return fmt::format("{}[{}]", scratch(vec_type(v), 0), v == 1 ? slot : fmt::format("({}) >> {}", slot, log2(v))); };
      line(fmt::format("// layout conversion through threadgroup memory ({} elements, {}; {} writes, {} reads)", N,
                       plan.swizzle_rows ? fmt::format("rows of {} swizzled in groups of {}", W, u) : "plain rows",
                       plan.write_vector > 1 ? vec_type(plan.write_vector) : "scalar", plan.read_vector > 1 ? vec_type(plan.read_vector) : "scalar"));
      lead_barrier(op);
      {
        const int64_t v = plan.write_vector;
        std::string value = name_of(src) + "[k]";
        if (v > 1) {
          std::vector<std::string> parts;
          for (int64_t j = 0; j < v; ++j) parts.push_back(fmt::format("{}[k + {}]", name_of(src), j));
          value = fmt::format("{}({})", vec_type(v), fmt::join(parts, ", "));
        }
        line(fmt::format("for (int k = 0; k < {}; {}) {{ uint tm_i = uint({}); {} = {}; }}", sr, v == 1 ? "++k" : fmt::format("k += {}", v),
                         linear(src, "k"), at(v), value));
      }
      barrier();
      {
        const int64_t v = plan.read_vector;
        if (v == 1) {
          line(fmt::format("for (int k = 0; k < {}; ++k) {{ uint tm_i = uint({}); {}[k] = {}; }}", rr, linear(r, "k"), name, at(1)));
        } else {
          open(fmt::format("for (int k = 0; k < {}; k += {})", rr, v));
          line(fmt::format("uint tm_i = uint({});", linear(r, "k")));
          line(fmt::format("{} tm_v = {};", vec_type(v), at(v)));
          std::string l;
          for (int64_t j = 0; j < v; ++j) l += fmt::format("{}{}[k + {}] = tm_v[{}];", j ? " " : "", name, j, j);
          line(l);
          close();
        }
      }
      return;
    }
  }
  // Rows of the source's last dimension are padded by one element: threads reading down a column (a
  // transpose) then hit distinct banks, as do threads writing along a row.
  int64_t W = sshape.size() >= 2 ? sshape.back() : 0;
  bool padded = W >= 2;
  int64_t N = src->type().num_elements();
  need_scratch(op, (N + (padded ? N / W : 0)) * esize);
  std::string s = scratch(t, 0);
  auto at = [&](const std::string& i) { return padded ? fmt::format("{}[{} + {} / {}]", s, i, i, W) : fmt::format("{}[{}]", s, i); };
  line(fmt::format("// layout conversion through threadgroup memory ({} elements{})", N,
                   padded ? fmt::format(", rows of {} padded to {}", W, W + 1) : ""));
  lead_barrier(op);
  if (gpu::fragment_family(src->type()))  // replicas (lanes of one row of a slice) would write the same bytes again
    line(fmt::format("if ({}) for (int k = 0; k < {}; ++k) {{ int tm_i = {}; {} = {}[k]; }}", owner(src), sr, linear(src, "k"), at("tm_i"), name_of(src)));
  else
    line(fmt::format("for (int k = 0; k < {}; ++k) {{ int tm_i = {}; {} = {}[k]; }}", sr, linear(src, "k"), at("tm_i"), name_of(src)));
  barrier();
  // Result element k reads the source element its coordinates map to.
  std::vector<std::string> rc;
  for (int d = 0; d < static_cast<int>(rshape.size()); ++d) rc.push_back(coord(r, d, "k"));
  std::string idx;
  if (op.is(ir::OpCode::Reshape) || gpu::is_convert_layout(op)) {
    idx = linear(r, "k");
  } else {
    {
      std::vector<std::string> sc;
      if (op.is(ir::OpCode::Broadcast)) {
        for (size_t d = 0; d < sshape.size(); ++d) sc.push_back(sshape[d] == 1 ? "0" : rc[d]);
      } else if (op.is(ir::OpCode::ExpandDims)) {
        for (size_t d = 0; d < rshape.size(); ++d)
          if (static_cast<int64_t>(d) != op.int_attr("axis")) sc.push_back(rc[d]);
      } else {
        auto order = op.array_attr("order");
        sc.assign(sshape.size(), "0");
        for (size_t i = 0; i < order.size(); ++i) sc[order[i]] = rc[i];
      }
      int64_t stride = 1;
      for (int d = static_cast<int>(sshape.size()) - 1; d >= 0; --d) {
        if (sshape[d] != 1) {
          std::string term = stride == 1 ? sc[d] : fmt::format("{} * {}", sc[d], stride);
          idx = idx.empty() ? term : term + " + " + idx;
        }
        stride *= sshape[d];
      }
      if (idx.empty()) idx = "0";
    }
  }
  line(fmt::format("for (int k = 0; k < {}; ++k) {{ int tm_i = {}; {}[k] = {}; }}", rr, idx, name, at("tm_i")));
}

// tt.join(a, b) -> [..., 2] and tt.split([..., 2]) -> a, b: both sides through threadgroup memory, laid
// out row-major with the pair dimension last.
void Emitter::emit_join_split(ir::Operation& op) {
  bool join = op.is(ir::OpCode::Join);
  ir::Value* wide = join ? op.result() : op.operand(0);
  if (ptr_base_.count(op.operand(0)) || wide->type().element().is_pointer()) fail(op, "join/split of pointer tensors is not lowered yet");
  std::string t = reg_type(wide->type());
  int64_t n = wide->type().num_elements();
  need_scratch(op, n * 8);
  std::string s = scratch(t, 0);
  line(fmt::format("// {} through threadgroup memory", join ? "tl.join" : "tl.split"));
  for (ir::Value* r : op.results()) {
    define(r);
    declare(r);
  }
  lead_barrier(op);
  if (join) {
    for (int i = 0; i < 2; ++i)
      line(fmt::format("for (int k = 0; k < {}; ++k) {}[({}) * 2 + {}] = {}[k];", regs(op.operand(i)), s, linear(op.operand(i), "k"), i,
                       name_of(op.operand(i))));
    barrier();
    line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[{}];", regs(wide), name_of(wide), s, linear(wide, "k")));
  } else {
    line(fmt::format("for (int k = 0; k < {}; ++k) {}[{}] = {}[k];", regs(wide), s, linear(wide, "k"), name_of(wide)));
    barrier();
    for (int i = 0; i < 2; ++i)
      line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[({}) * 2 + {}];", regs(op.result(i)), name_of(op.result(i)), s,
                       linear(op.result(i), "k"), i));
  }
}

// tt.histogram: privatized bins in threadgroup memory. The bins are zeroed, every thread adds its own values
// (replicas skip theirs: each element counts once; values outside [0, bins) are not counted) with threadgroup
// atomics, and each thread reads its result registers back: one pass over the values, against a scan of
// every value per bin.
void Emitter::emit_histogram(ir::Operation& op) {
  ir::Value* x = op.operand(0);
  ir::Value* r = op.result();
  int64_t bins = r->type().num_elements();
  int64_t threads = static_cast<int64_t>(options_.lowering.num_warps) * options_.lowering.simd_width;
  need_scratch(op, bins * 4);
  std::string s = fmt::format("((threadgroup atomic_int*)(tm_scratch + @tm_tg{}+0@))", current_buffer_);
  std::string name = define(r);
  declare(r);
  line(fmt::format("// tl.histogram: {} privatized bins in threadgroup memory, threadgroup atomic adds", bins));
  lead_barrier(op);
  line(fmt::format("for (int b = tm_tid; b < {}; b += {}) atomic_store_explicit(&{}[b], 0, memory_order_relaxed);", bins, threads, s));
  barrier();
  std::string own = x->type().is_tensor() ? owner(x) : "(tm_tid == 0)";
  open(fmt::format("for (int k = 0; k < {}; ++k)", regs(x)));
  std::string vt = reg_type(x->type().element()) == "long" ? "long" : "int";  // 32-bit unless the values are 64-bit
  line(fmt::format("{0} tm_v = {0}({1});", vt, elem(x, "k")));
  line(fmt::format("if ({} && tm_v >= 0 && tm_v < {}) atomic_fetch_add_explicit(&{}[tm_v], 1, memory_order_relaxed);", own, bins, s));
  close();
  barrier();
  line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = atomic_load_explicit(&{}[{}], memory_order_relaxed);", regs(r), name, s, coord(r, 0, "k")));
}

std::optional<std::string> Emitter::recomputed_relayout(const ir::Operation& op) {
  const ir::Value* src = op.operand(0);
  const ir::Value* r = op.result();
  const ir::Type e = src->type().element();
  if (op.is(ir::OpCode::Reshape) || !(e.is_int() || (e.is_pointer() && !e.pointee().is_tensor()))) return std::nullopt;
  const auto& sshape = src->type().shape();
  const auto& rshape = r->type().shape();
  std::vector<std::string> rcoords, scoords;
  for (int d = 0; d < static_cast<int>(rshape.size()); ++d) rcoords.push_back(coord(r, d, "k"));
  if (op.is(ir::OpCode::Broadcast)) {
    for (size_t d = 0; d < sshape.size(); ++d) scoords.push_back(sshape[d] == 1 ? "0" : rcoords[d]);
  } else if (op.is(ir::OpCode::ExpandDims)) {
    for (size_t d = 0; d < rshape.size(); ++d)
      if (static_cast<int64_t>(d) != op.int_attr("axis")) scoords.push_back(rcoords[d]);
  } else if (op.is(ir::OpCode::Trans)) {
    auto order = op.array_attr("order");
    scoords.assign(sshape.size(), "0");
    for (size_t i = 0; i < order.size(); ++i) scoords[order[i]] = rcoords[i];
  } else {
    scoords = rcoords;
  }
  int budget = gpu::kIndexExpressionBudget;
  auto it = ptr_base_.find(src);
  return rematerialize(src, scoords, it == ptr_base_.end() ? nullptr : it->second, budget);
}

}  // namespace tmetal::codegen
