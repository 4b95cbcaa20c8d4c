// MSL emission of tt.reduce and tt.scan.
//
// Reduce, fast path (a 1-D tensor reduced to a scalar by one associative op whose lanes all hold distinct
// data): in-thread over registers, then simd_sum / simd_max / simd_min across the simdgroup, then across
// simdgroups through threadgroup memory. General path (any axis, any combine region, argmax/argmin tuples):
// the operands go to threadgroup memory and each thread combines, along the axis, the elements of each of its
// result registers, running the combine region inline. Axis path (a tensor result, one associative op):
// in-thread, then a simd_shuffle_xor butterfly along the axis, results re-laid out through threadgroup memory;
// when each line lies in one simdgroup, the butterfly's partials are written straight into the registers of
// `r[:, None]` converted back to the input's lines (no threadgroup memory at all). Scan fast path (1-D sum,
// distinct data in every thread): in-thread prefix, simd_prefix_exclusive_sum, simdgroup totals. Scan in
// registers (any axis whose elements the layout does not repeat, one operand, any combine region, forward or reverse):
// emit_register_scan below (gpu/scan_plan.h: in-thread, simd_shuffle_up, simdgroup totals). Scan, general
// path: emit_chunked_scan below (work-efficient, through threadgroup memory).
#include "codegen/msl_emitter.h"
#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"
#include "gpu/scan_plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace tmetal::codegen {

void Emitter::emit_combine(ir::Block& body, const std::vector<std::string>& lhs, const std::vector<std::string>& rhs,
                           const std::vector<std::string>& out) {
  size_t n = lhs.size();
  open("");
  for (size_t i = 0; i < n; ++i) {
    names_[body.argument(i)] = lhs[i];
    names_[body.argument(n + i)] = rhs[i];
  }
  int saved = last_line_;
  for (auto& op : body.ops()) {
    if (op->is(ir::OpCode::ReduceReturn) || op->is(ir::OpCode::ScanReturn)) {
      std::vector<std::string> tmp;
      for (size_t i = 0; i < n; ++i) line(fmt::format("{} = {};", out[i], name_of(op->operand(i))));
    } else {
      emit_op(*op);
    }
  }
  last_line_ = saved;
  close();
}

namespace {
const char* simd_collective(const ir::Operation& reduce) {
  const ir::Block& b = reduce.body();
  if (reduce.num_operands() != 1 || b.ops().size() != 2) return nullptr;
  const ir::Operation& op = *b.ops().front();
  if (op.num_operands() != 2 || op.operand(0) != b.argument(0) || op.operand(1) != b.argument(1)) {
    if (!(op.num_operands() == 2 && op.operand(0) == b.argument(1) && op.operand(1) == b.argument(0))) return nullptr;
  }
  switch (op.code()) {
    case ir::OpCode::AddF: case ir::OpCode::AddI: return "sum";
    case ir::OpCode::MaxNumF: case ir::OpCode::MaximumF: case ir::OpCode::MaxSI: return "max";
    case ir::OpCode::MinNumF: case ir::OpCode::MinimumF: case ir::OpCode::MinSI: return "min";
    default: return nullptr;
  }
}
}  // namespace

void Emitter::emit_reduce(ir::Operation& op) {
  ir::Value* x = op.operand(0);
  int64_t axis = op.int_attr("axis");
  const auto& shape = x->type().shape();
  size_t n = op.num_operands();
  const auto& l = layout(x);
  int64_t R = regs(x);
  const char* coll = simd_collective(op);
  std::string et = reg_type(x->type().element());
  bool fast = coll && shape.size() == 1 && l.lanes_per_simd[0] == options_.lowering.simd_width &&
              shape[0] >= l.size_per_thread[0] * options_.lowering.simd_width && (et == "float" || et == "int" || et == "half");
  std::vector<std::string> results;
  for (size_t i = 0; i < n; ++i) {
    results.push_back(define(op.result(i)));
    declare(op.result(i));
  }
  ir::Block& body = op.body();
  if (fast) {
    // Simdgroups beyond the first `distinct` hold replicas of the data and must not count twice.
    int64_t distinct = std::min<int64_t>(options_.lowering.num_warps, shape[0] / (l.size_per_thread[0] * options_.lowering.simd_width));
    std::string acc = results[0];
    line(fmt::format("// reduction: in-thread, then simd_{} across the simdgroup{}", coll, distinct > 1 ? ", then across simdgroups" : ""));
    line(fmt::format("{} = {}[0];", acc, name_of(x)));
    std::string a = fmt::format("tm_r{}", tmp_++);
    open(fmt::format("for (int k = 1; k < {}; ++k)", R));
    line(fmt::format("{} {} = {}[k];", et, a, name_of(x)));
    emit_combine(body, {acc}, {a}, {acc});
    close();
    line(fmt::format("{} = simd_{}({});", acc, coll, acc));
    if (distinct > 1) {
      need_scratch(op, distinct * 4);
      std::string s = scratch(et, 0);
      lead_barrier(op);
      line(fmt::format("if (tm_lane == 0 && tm_simd < {}) {}[tm_simd] = {};", distinct, s, acc));
      barrier();
      line(fmt::format("{} = {}[0];", acc, s));
      open(fmt::format("for (int k = 1; k < {}; ++k)", distinct));
      line(fmt::format("{} {} = {}[k];", et, a, s));
      emit_combine(body, {acc}, {a}, {acc});
      close();
    }
    return;
  }
  // Axis path (a tensor result, one associative op, no simdgroup split and no wrap along the axis): combine the
  // registers of each thread that share their other coordinates, then a simd_shuffle_xor butterfly over the
  // lanes spread along the axis; the lanes at axis position 0 write the results to threadgroup memory, from
  // which every thread reads its registers of the result layout.
  int64_t width = options_.lowering.simd_width;
  if (coll && shape.size() >= 2 && shape[axis] >= l.size_per_thread[axis] * l.lanes_per_simd[axis] * l.simds_per_group[axis] &&
      (et == "float" || et == "int" || et == "half") && op.result(0)->type().is_tensor() && l.lanes_per_simd[axis] <= width) {
    const ir::Operation& comb = *body.ops().front();
    auto combine = [&](const std::string& a, const std::string& b) {
      switch (comb.code()) {
        case ir::OpCode::AddF: case ir::OpCode::AddI: return fmt::format("{} + {}", a, b);
        case ir::OpCode::MaxNumF: return fmt::format("fmax({}, {})", a, b);
        case ir::OpCode::MinNumF: return fmt::format("fmin({}, {})", a, b);
        case ir::OpCode::MaximumF: return fmt::format("tm_maximum({}, {})", a, b);
        case ir::OpCode::MinimumF: return fmt::format("tm_minimum({}, {})", a, b);
        case ir::OpCode::MaxSI: return fmt::format("max({}, {})", a, b);
        default: return fmt::format("min({}, {})", a, b);
      }
    };
    // Registers grouped by their coordinates off the axis.
    std::vector<std::vector<int64_t>> groups;
    std::map<std::vector<int64_t>, size_t> index;
    for (int64_t k = 0; k < R; ++k) {
      auto off = l.register_offset(shape, k);
      off[axis] = 0;
      auto [it, fresh] = index.emplace(off, groups.size());
      if (fresh) groups.emplace_back();
      groups[it->second].push_back(k);
    }
    int64_t lane_stride = 1;
    for (int od : l.order) {
      if (od == axis) break;
      lane_stride *= l.lanes_per_simd[od];
    }
    int64_t lanes = l.lanes_per_simd[axis];
    int64_t simd_stride = 1, simds = l.simds_per_group[axis];
    for (int od : l.order) {
      if (od == axis) break;
      simd_stride *= l.simds_per_group[od];
    }
    ir::Value* res = op.result(0);
    int64_t rn = res->type().num_elements();
    // The result taken back to the input's lines (`tl.max(x, 1)[:, None]`, then broadcast over x): tt.expand_dims
    // along the axis, then gpu.convert_layout to the input's layout with one element along the axis. When the
    // lines lie inside one simdgroup, every lane along a line ends the butterfly with its line's result, which is
    // that conversion's registers: they are written here (the conversion is emitted early) and no element goes
    // through threadgroup memory. Without other users of the result, its own layout is not filled either.
    std::vector<ir::Operation*> back_to_lines, expands, chain_ops;
    std::vector<std::pair<ir::Operation*, std::vector<ir::Operation*>>> chained;  // conversion, elementwise ops to it
    bool only_back_to_lines = true;
    gpu::BlockedLayout line_layout = l;
    line_layout.size_per_thread[axis] = 1;
    ir::Value* res0 = op.result(0);
    // An elementwise f32 op of the value `v` whose other operands are uniform (splats of scalars, constants): the
    // per-line partials go through it as scalars (`tl.sum(x, 1) / n`, `1 / tl.sqrt(var + eps)`).
    auto chain_step = [&](const ir::Operation* u, const ir::Value* v) {
      static const std::set<ir::OpCode> kOps = {ir::OpCode::AddF, ir::OpCode::SubF, ir::OpCode::MulF, ir::OpCode::DivF,
                                                ir::OpCode::PreciseDivF, ir::OpCode::NegF, ir::OpCode::MaxNumF, ir::OpCode::MinNumF,
                                                ir::OpCode::Exp, ir::OpCode::Exp2, ir::OpCode::Log, ir::OpCode::Log2, ir::OpCode::Sqrt,
                                                ir::OpCode::PreciseSqrt, ir::OpCode::Rsqrt, ir::OpCode::AbsF, ir::OpCode::Fma};
      if (!kOps.count(u->code()) || u->num_results() != 1 || u->parent_block() != op.parent_block()) return false;
      const ir::Type& t = u->result()->type();
      if (!t.is_tensor() || t.shape() != res0->type().shape() || !same_encoding(t, res0->type()) || element_reg_type(t) != "float") return false;
      for (const ir::Value* w : u->operands()) {
        if (w == v) continue;
        const ir::Operation* d = w->defining_op();
        bool uniform = d && ((d->is(ir::OpCode::Splat) && !d->operand(0)->type().is_tensor()) || d->is(ir::OpCode::Constant));
        if (!uniform || element_reg_type(w->type()) != "float") return false;
      }
      return true;
    };
    std::vector<ir::Operation*> path;
    std::function<void(ir::Value*)> visit = [&](ir::Value* v) {
      for (ir::Operation* u : v->users()) {
        bool direct = u->is(ir::OpCode::ExpandDims) && u->int_attr("axis") == axis && u->parent_block() == op.parent_block();
        for (ir::Operation* c : direct ? u->result()->users() : std::vector<ir::Operation*>{}) {
          const gpu::BlockedLayout* cl = gpu::is_convert_layout(*c) ? gpu::blocked_layout_of(c->result()->type()) : nullptr;
          if (cl && *cl == line_layout && c->parent_block() == op.parent_block()) {
            if (path.empty()) {
              if (std::find(back_to_lines.begin(), back_to_lines.end(), c) == back_to_lines.end()) back_to_lines.push_back(c);
            } else if (std::none_of(chained.begin(), chained.end(), [&](const auto& e) { return e.first == c; })) {
              chained.emplace_back(c, path);
            }
          } else {
            direct = false;
          }
        }
        if (!direct && !u->is(ir::OpCode::ExpandDims) && chain_step(u, v)) {
          if (std::find(chain_ops.begin(), chain_ops.end(), u) == chain_ops.end()) chain_ops.push_back(u);
          path.push_back(u);
          visit(u->result());
          path.pop_back();
          continue;
        }
        if (direct && std::find(expands.begin(), expands.end(), u) == expands.end()) expands.push_back(u);
        only_back_to_lines = only_back_to_lines && direct;
      }
    };
    if (simds == 1) visit(res0);
    only_back_to_lines = only_back_to_lines && !(back_to_lines.empty() && chained.empty());
    std::string tag = fmt::format("tm_g{}_", tmp_++);
    line(fmt::format("// reduction along axis {}: in-thread over {} groups, simd_shuffle_xor over {} lanes{}", axis, groups.size(), lanes,
                     only_back_to_lines ? ", each line inside one simdgroup: no threadgroup memory"
                                        : fmt::format(", {} simdgroup partials and the result layout through threadgroup memory", simds)));
    for (size_t g = 0; g < groups.size(); ++g) {
      std::string e = fmt::format("{}[{}]", name_of(x), groups[g][0]);
      for (size_t i = 1; i < groups[g].size(); ++i) e = combine(e, fmt::format("{}[{}]", name_of(x), groups[g][i]));
      line(fmt::format("{} {}{} = {};", et, tag, g, e));
    }
    for (int64_t off = lanes / 2; off >= 1; off /= 2)
      for (size_t g = 0; g < groups.size(); ++g)
        line(fmt::format("{0}{1} = {2};", tag, g, combine(fmt::format("{}{}", tag, g), fmt::format("simd_shuffle_xor({}{}, {})", tag, g, off * lane_stride))));
    if (!back_to_lines.empty() || !chained.empty()) {
      // Register k of the conversion's result holds the line whose off-axis offsets are those of group g.
      const auto& cshape = (back_to_lines.empty() ? chained.front().first : back_to_lines.front())->result()->type().shape();
      std::map<std::vector<int64_t>, size_t> group_of;
      for (size_t g = 0; g < groups.size(); ++g) {
        auto off = l.register_offset(shape, groups[g][0]);
        off[axis] = 0;
        group_of.emplace(off, g);
      }
      std::vector<size_t> reg_group;
      for (int64_t k = 0; k < line_layout.registers_per_thread(cshape); ++k) {
        auto off = line_layout.register_offset(cshape, k);
        off[axis] = 0;
        auto it = group_of.find(off);
        if (it == group_of.end()) fail(op, "internal error: a line of the reduction result has no partial in this thread");
        reg_group.push_back(it->second);
      }
      for (ir::Operation* c : back_to_lines) {
        std::string cname = define(c->result());
        declare(c->result());
        std::vector<std::string> parts;
        for (size_t k = 0; k < reg_group.size(); ++k) parts.push_back(fmt::format("{}[{}] = {}{};", cname, k, tag, reg_group[k]));
        line(fmt::format("// {}[:, None] in the input's lines: this thread's partials (gpu.convert_layout emitted here)", name_of(res)));
        for (size_t i = 0; i < parts.size(); i += 8) {
          std::string text;
          for (size_t j = i; j < std::min(parts.size(), i + 8); ++j) text += (text.empty() ? "" : " ") + parts[j];
          line(text);
        }
        emitted_early_.insert(c);
      }
      // Through elementwise ops: emitted where the conversion is (their uniform operands are defined by then).
      for (const auto& [c, ops] : chained) line_chains_[c] = LineChain{tag, reg_group, res0, ops};
      if (only_back_to_lines) {
        for (ir::Operation* u : expands) emitted_early_.insert(u);
        for (ir::Operation* u : chain_ops) emitted_early_.insert(u);
        return;
      }
    }
    need_scratch(op, rn * 4 * simds);
    std::string sc = scratch(et, 0);
    lead_barrier(op);
    open(fmt::format("if ((tm_lane / {}) % {} == 0)", lane_stride, lanes));
    const auto& rshape = res->type().shape();
    for (size_t g = 0; g < groups.size(); ++g) {
      std::string k = std::to_string(groups[g][0]);
      std::string idx;
      int64_t stride = 1;
      for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
        if (d == axis) continue;
        int rd = d < axis ? d : d - 1;
        std::string term = stride == 1 ? coord(x, d, k) : fmt::format("{} * {}", coord(x, d, k), stride);
        idx = idx.empty() ? term : term + " + " + idx;
        stride *= rshape[rd];
      }
      if (simds > 1) idx = fmt::format("((tm_simd / {}) % {}) * {} + {}", simd_stride, simds, rn, idx);
      line(fmt::format("{}[{}] = {}{};", sc, idx, tag, g));
    }
    close();
    barrier();
    if (simds == 1) {
      line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[{}];", regs(res), results[0], sc, linear(res, "k")));
    } else {  // one partial per simdgroup along the axis
      open(fmt::format("for (int k = 0; k < {}; ++k)", regs(res)));
      line(fmt::format("int tm_i = {};", linear(res, "k")));
      std::string e = fmt::format("{}[tm_i]", sc);
      for (int64_t w = 1; w < simds; ++w) e = combine(e, fmt::format("{}[{} + tm_i]", sc, w * rn));
      line(fmt::format("{}[k] = {};", results[0], e));
      close();
    }
    return;
  }
  // General path through threadgroup memory: operand i occupies elements [i*N, (i+1)*N) of 4-byte... sized slots.
  int64_t N = x->type().num_elements();
  std::vector<int64_t> offs;
  int64_t bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    offs.push_back(bytes);
    bytes += N * 8;
  }
  need_scratch(op, bytes);
  line(fmt::format("// reduction along axis {} through threadgroup memory", axis));
  lead_barrier(op);
  for (size_t i = 0; i < n; ++i)
    line(fmt::format("for (int k = 0; k < {}; ++k) {}[{}] = {}[k];", R, scratch(reg_type(op.operand(i)->type()), offs[i]),
                     linear(x, "k"), name_of(op.operand(i))));
  barrier();
  int64_t inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  bool scalar = !op.result(0)->type().is_tensor();
  int64_t RR = scalar ? 1 : regs(op.result(0));
  // Base index of result register k: its coordinates spread over the operand's dims, skipping the axis.
  std::string base = "0";
  if (!scalar) {
    const auto& rshape = op.result(0)->type().shape();
    std::vector<std::string> terms;
    int64_t stride = 1;
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      if (d != axis) {
        int rd = d < axis ? d : d - 1;
        if (rshape[rd] != 1) terms.push_back(stride == 1 ? coord(op.result(0), rd, "k") : fmt::format("{} * {}", coord(op.result(0), rd, "k"), stride));
      }
      stride *= shape[d];
    }
    if (!terms.empty()) base = fmt::format("{}", fmt::join(terms, " + "));
  }
  open(fmt::format("for (int k = 0; k < {}; ++k)", RR));
  line(fmt::format("int tm_base = {};", base));
  std::vector<std::string> acc, cur;
  for (size_t i = 0; i < n; ++i) {
    std::string t = reg_type(op.operand(i)->type());
    std::string a = fmt::format("tm_a{}", tmp_++), c = fmt::format("tm_c{}", tmp_++);
    line(fmt::format("{} {} = {}[tm_base];", t, a, scratch(t, offs[i])));
    acc.push_back(a);
    cur.push_back(c);
  }
  open(fmt::format("for (int j = 1; j < {}; ++j)", shape[axis]));
  for (size_t i = 0; i < n; ++i) {
    std::string t = reg_type(op.operand(i)->type());
    line(fmt::format("{} {} = {}[tm_base + j * {}];", t, cur[i], scratch(t, offs[i]), inner));
  }
  emit_combine(body, acc, cur, acc);
  close();
  for (size_t i = 0; i < n; ++i) line(scalar ? fmt::format("{} = {};", results[i], acc[i]) : fmt::format("{}[k] = {};", results[i], acc[i]));
  close();
}

void Emitter::emit_line_chain(ir::Operation& c, const LineChain& chain) {
  std::string cname = define(c.result());
  declare(c.result());
  line(fmt::format("// the reduction's partials through {} elementwise op(s), in the input's lines (no threadgroup memory)", chain.ops.size()));
  for (size_t k = 0; k < chain.reg_group.size(); ++k) {
    std::string e = fmt::format("{}{}", chain.tag, chain.reg_group[k]);
    const ir::Value* cur = chain.res;
    for (ir::Operation* u : chain.ops) {
      std::vector<std::string> a;
      for (const ir::Value* w : u->operands()) {
        const ir::Operation* d = w->defining_op();
        if (w == cur) a.push_back(e);
        else if (d && d->is(ir::OpCode::Splat)) a.push_back(name_of(d->operand(0)));
        else a.push_back(elem(w, "0"));
      }
      e = "(" + elementwise_expr(*u, a) + ")";
      cur = u->result();
    }
    line(fmt::format("{}[{}] = {};", cname, k, e));
  }
}

void Emitter::emit_scan(ir::Operation& op) {
  ir::Value* x = op.operand(0);
  bool reverse = op.has_attr("reverse") && op.attr("reverse")->is<bool>() && op.attr("reverse")->get<bool>();
  const auto& shape = x->type().shape();
  size_t n = op.num_operands();
  int64_t R = regs(x);
  std::vector<std::string> results;
  for (size_t i = 0; i < n; ++i) {
    results.push_back(define(op.result(i)));
    declare(op.result(i));
  }
  // Fast path: an inclusive sum over a 1-D tensor whose threads all hold distinct runs of `spt` elements:
  // in-thread prefix, simd_prefix_exclusive_sum across lanes, simdgroup totals through threadgroup memory,
  // and a carry across the repetitions of the threadgroup tile.
  const auto& l = layout(x);
  std::string et = reg_type(x->type().element());
  int64_t warps = options_.lowering.num_warps, width = options_.lowering.simd_width;
  const char* coll = simd_collective(op);
  if (coll && std::string(coll) == "sum" && !reverse && shape.size() == 1 && l.lanes_per_simd[0] == width &&
      shape[0] >= l.size_per_thread[0] * width * warps && (et == "float" || et == "int" || et == "half")) {
    int64_t spt = l.size_per_thread[0], reps = R / spt;
    std::string y = results[0], xs = name_of(x);
    line(fmt::format("// scan: in-thread prefix, simd_prefix_exclusive_sum across lanes{}", warps > 1 ? ", simdgroup totals through threadgroup memory" : ""));
    if (warps > 1) need_scratch(op, warps * 4);
    std::string s = scratch(et, 0);
    open("");  // own scope: several scans in one kernel reuse the tm_ names
    line(fmt::format("{} tm_carry = 0;", et));
    open(fmt::format("for (int tm_rep = 0; tm_rep < {}; ++tm_rep)", reps));
    line(fmt::format("{} tm_run = 0;", et));
    line(fmt::format("for (int j = 0; j < {}; ++j) {{ tm_run += {}[tm_rep * {} + j]; {}[tm_rep * {} + j] = tm_run; }}", spt, xs, spt, y, spt));
    line(fmt::format("{} tm_before = simd_prefix_exclusive_sum(tm_run);", et));
    if (warps > 1) {
      line(fmt::format("{} tm_simd_total = simd_sum(tm_run);", et));
      if (reps > 1) barrier(); else lead_barrier(op);  // repetitions: the previous one's reads
      line(fmt::format("if (tm_lane == 0) {}[tm_simd] = tm_simd_total;", s));
      barrier();
      line(fmt::format("{} tm_block = 0;", et));
      line(fmt::format("for (uint w = 0; w < {}; ++w) {{ if (w < tm_simd) tm_before += {}[w]; tm_block += {}[w]; }}", warps, s, s));
    } else {
      line(fmt::format("{} tm_block = simd_sum(tm_run);", et));
    }
    line(fmt::format("for (int j = 0; j < {}; ++j) {}[tm_rep * {} + j] += tm_carry + tm_before;", spt, y, spt));
    line("tm_carry += tm_block;");
    close();
    close();
    return;
  }
  if (emit_register_scan(op, results)) return;
  emit_chunked_scan(op, results);
}

// The scan in registers, for a layout that gives each thread one contiguous run along the axis per line (no
// repetition of the group tile along it: gpu::plan_scan), one operand of a shuffleable type, either direction
// (a reverse scan mirrors each step: simd_shuffle_down, the simdgroups after it):
//   1. each thread scans each of its runs in registers;
//   2. the run totals get an inclusive prefix across the lanes along the axis (Hillis-Steele steps of
//      simd_shuffle_up), and one more shuffle gives each lane the exclusive prefix of the lanes before it (a sum
//      over all 32 lanes: simd_prefix_exclusive_sum);
//   3. when several simdgroups lie along the axis, each one's last lane writes its inclusive totals to
//      threadgroup memory (one barrier pair) and every thread combines the totals of the simdgroups before it;
//   4. each run combines that prefix (simdgroups first, then lanes: operand order is kept) into its elements.
// No element goes through threadgroup memory, against two full round trips for the chunked scan.
bool Emitter::emit_register_scan(ir::Operation& op, const std::vector<std::string>& results) {
  ir::Value* x = op.operand(0);
  int64_t axis = op.int_attr("axis");
  bool reverse = op.has_attr("reverse") && op.attr("reverse")->is<bool>() && op.attr("reverse")->get<bool>();
  const auto& shape = x->type().shape();
  const auto& l = layout(x);
  if (op.num_operands() != 1 || axis < 0 || axis >= l.rank() || shape[axis] > l.group_tile()[axis]) return false;
  const std::string et = reg_type(x->type());
  int64_t esize = 0;
  if (et == "float" || et == "int" || et == "uint") esize = 4;
  if (et == "half" || et == "short" || et == "ushort") esize = 2;
  if (esize == 0) return false;
  const gpu::ScanPlan plan = gpu::plan_scan(l, shape, static_cast<int>(axis));
  const int64_t width = options_.lowering.simd_width;
  const int64_t threads = static_cast<int64_t>(options_.lowering.num_warps) * width;
  const int64_t runs = static_cast<int64_t>(plan.register_runs.size());
  const int64_t S = plan.lane_digit_stride, E = plan.lane_digit_extent, LA = l.lanes_per_simd[axis];
  const int64_t CC = plan.cross_simd_count, CS = plan.cross_simd_stride, SA = l.simds_per_group[axis];
  ir::Block& body = op.body();
  const std::string xs = name_of(x), y = results[0];
  auto el = [](const std::string& a, int64_t i) { return fmt::format("{}[{}]", a, i); };
  const char* coll = simd_collective(op);
  const bool prefix_sum = !reverse && coll && std::string(coll) == "sum" && E == width && S == 1 && et != "short" && et != "ushort";
  // A reverse scan runs the same steps mirrored: runs from their last register, lanes and simdgroups from the
  // highest position along the axis (simd_shuffle_down), each prefix being what comes after in coordinates.
  const char* shuffle = reverse ? "simd_shuffle_down" : "simd_shuffle_up";
  line(fmt::format("// scan along axis {}{} in registers: {} run(s) of {} per thread, {} across {} lanes{}", axis, reverse ? " (reverse)" : "", runs,
                   plan.register_runs.empty() ? 0 : plan.register_runs[0].size(),
                   prefix_sum ? "simd_prefix_exclusive_sum" : fmt::format("{} {} step(s)", plan.lane_up_steps.size(), shuffle), E,
                   CC > 1 ? fmt::format(", totals of {} simdgroups through threadgroup memory", CC) : ""));
  // The register of a run that comes last in scan order (it holds the run's total).
  auto last_of = [&](const std::vector<int64_t>& run) { return reverse ? run.front() : run.back(); };
  open("");  // own scope: several scans in one kernel reuse the tm_ names
  // 1. In-thread inclusive scan of each run.
  for (auto run : plan.register_runs) {
    if (reverse) std::reverse(run.begin(), run.end());
    line(fmt::format("{} = {};", el(y, run[0]), el(xs, run[0])));
    for (size_t i = 1; i < run.size(); ++i) emit_combine(body, {el(y, run[i - 1])}, {el(xs, run[i])}, {el(y, run[i])});
  }
  // 2. Lane prefixes of the run totals.
  if (E > 1) {
    std::string digit = S == 1 ? "int(tm_lane)" : fmt::format("int(tm_lane) / {}", S);
    if (LA > E || LA * S < width) digit = fmt::format("({}) % {}", digit, E);
    line(fmt::format("int tm_ld = {};", digit));
    line(fmt::format("{} tm_t[{}];", et, runs));
    for (int64_t k = 0; k < runs; ++k) line(fmt::format("tm_t[{}] = {};", k, el(y, last_of(plan.register_runs[k]))));
  }
  if (prefix_sum) {
    // A sum across a whole simdgroup: the hardware prefix (tm_t becomes the inclusive total for step 3).
    line(fmt::format("{} tm_lp[{}];", et, runs));
    line(fmt::format("for (int k = 0; k < {}; ++k) {{ tm_lp[k] = simd_prefix_exclusive_sum(tm_t[k]); tm_t[k] += tm_lp[k]; }}", runs));
  } else if (E > 1) {
    for (int64_t step : plan.lane_up_steps) {
      open("");
      line(fmt::format("{} tm_o[{}];", et, runs));
      line(fmt::format("for (int k = 0; k < {}; ++k) tm_o[k] = {}(tm_t[k], ushort({}));", runs, shuffle, step * S));
      open(reverse ? fmt::format("if (tm_ld < {})", E - step) : fmt::format("if (tm_ld >= {})", step));
      for (int64_t k = 0; k < runs; ++k) emit_combine(body, {el("tm_o", k)}, {el("tm_t", k)}, {el("tm_t", k)});
      close();
      close();
    }
    line(fmt::format("{} tm_lp[{}];", et, runs));
    line(fmt::format("for (int k = 0; k < {}; ++k) tm_lp[k] = {}(tm_t[k], ushort({}));", runs, shuffle, S));
  }
  // 3. Simdgroup totals: slot (simdgroup, lane, run), written by the lanes holding a simdgroup's inclusive total.
  std::string tot;
  if (CC > 1) {
    need_scratch(op, threads * runs * esize);
    tot = scratch(et, 0);
    lead_barrier(op);
    std::string last = E > 1 ? fmt::format("if (tm_ld == {}) ", reverse ? 0 : E - 1) : "";
    std::string src = E > 1 ? "tm_t[k]" : fmt::format("{}[tm_run_last[k]]", y);
    if (E <= 1) {
      std::vector<std::string> lasts;
      for (const auto& run : plan.register_runs) lasts.push_back(std::to_string(last_of(run)));
      line(fmt::format("const int tm_run_last[{}] = {{{}}};", runs, fmt::join(lasts, ", ")));
    }
    line(fmt::format("{}for (int k = 0; k < {}; ++k) {}[(int(tm_simd) * {} + int(tm_lane)) * {} + k] = {};", last, runs, tot, width, runs, src));
    barrier();
    std::string sd = fmt::format("int(tm_simd) / {}", CS);
    if (SA > CC || SA * CS < options_.lowering.num_warps) sd = fmt::format("({}) % {}", sd, CC);
    line(fmt::format("int tm_sd = {};", sd));
    line(fmt::format("int tm_sb = int(tm_simd) - tm_sd * {};", CS));
    if (E <= 1) line("int tm_last = int(tm_lane);");
    else if (reverse) line(fmt::format("int tm_last = int(tm_lane) - tm_ld * {};", S));
    else line(fmt::format("int tm_last = int(tm_lane) + ({} - tm_ld) * {};", E - 1, S));
  }
  // 4. Each run combines the prefix of the simdgroups and lanes before it.
  if (CC > 1 || E > 1) {
    for (int64_t k = 0; k < runs; ++k) {
      open("");
      line(fmt::format("{} tm_p = {}(0);", et, et));
      line("bool tm_h = false;");
      if (CC > 1) {
        open(reverse ? fmt::format("for (int s = {}; s > tm_sd; --s)", CC - 1) : std::string("for (int s = 0; s < tm_sd; ++s)"));
        line(fmt::format("{} tm_v = {}[((tm_sb + s * {}) * {} + tm_last) * {} + {}];", et, tot, CS, width, runs, k));
        open("if (tm_h)");
        emit_combine(body, {"tm_p"}, {"tm_v"}, {"tm_p"});
        close("} else {");
        ++indent_;
        line("tm_p = tm_v;");
        line("tm_h = true;");
        close();
        close();
      }
      if (E > 1) {
        open(reverse ? fmt::format("if (tm_ld < {})", E - 1) : std::string("if (tm_ld > 0)"));
        open("if (tm_h)");
        emit_combine(body, {"tm_p"}, {el("tm_lp", k)}, {"tm_p"});
        close("} else {");
        ++indent_;
        line(fmt::format("tm_p = tm_lp[{}];", k));
        line("tm_h = true;");
        close();
        close();
      }
      open("if (tm_h)");
      for (int64_t r : plan.register_runs[k]) emit_combine(body, {"tm_p"}, {el(y, r)}, {el(y, r)});
      close();
      close();
    }
  }
  close();
  return true;
}

// The general scan: work-efficient through threadgroup memory, for any axis, combine region (tuples too),
// element type and direction. The operands go to threadgroup memory (padded one word in 32 against bank
// conflicts); each line along the axis is split into chunks of C consecutive elements, one per thread
// (P threads per line, or whole lines per thread when there are more lines than threads):
//   1. each thread scans its chunk in place (C - 1 combines);
//   2. the chunk totals get an exclusive prefix across the P threads of the line: Hillis-Steele steps of
//      simd_shuffle_up when the P threads are lanes of one simdgroup, else steps through threadgroup memory;
//   3. each thread combines that prefix into its chunk;
// then every thread reads its registers back. O(N) combines in all, against O(N * A) for a per-register
// prefix. Reverse scans run the same steps over positions A-1-q.
void Emitter::emit_chunked_scan(ir::Operation& op, const std::vector<std::string>& results) {
  ir::Value* x = op.operand(0);
  int64_t axis = op.int_attr("axis");
  bool reverse = op.has_attr("reverse") && op.attr("reverse")->is<bool>() && op.attr("reverse")->get<bool>();
  const auto& shape = x->type().shape();
  size_t n = op.num_operands();
  int64_t R = regs(x);
  int64_t N = x->type().num_elements();
  int64_t A = shape[axis];
  int64_t L = N / A;
  int64_t inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  const int64_t width = options_.lowering.simd_width;
  const int64_t T = static_cast<int64_t>(options_.lowering.num_warps) * width;
  int64_t P = L >= T ? 1 : std::max<int64_t>(1, std::min<int64_t>(T / L, A));
  int64_t C = (A + P - 1) / P;
  std::vector<std::string> types;
  bool shuffleable = true;
  for (size_t i = 0; i < n; ++i) {
    types.push_back(reg_type(op.operand(i)->type()));
    const std::string& t = types.back();
    shuffleable = shuffleable && (t == "float" || t == "half" || t == "int" || t == "uint" || t == "short" || t == "ushort");
  }
  bool by_shuffle = P > 1 && P <= width && width % P == 0 && shuffleable;
  auto slot = [&](const std::string& t) -> int64_t { return t == "long" || t == "ulong" ? 8 : 4; };
  int64_t padded = N + N / 32 + 1;
  std::vector<int64_t> offs, tot_offs;
  int64_t bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    offs.push_back(bytes);
    bytes += (padded * slot(types[i]) + 7) / 8 * 8;
  }
  if (P > 1 && !by_shuffle)
    for (size_t i = 0; i < n; ++i) {
      tot_offs.push_back(bytes);
      bytes += T * slot(types[i]);
    }
  need_scratch(op, bytes);
  auto buf = [&](size_t i) { return scratch(types[i], offs[i]); };
  auto tot = [&](size_t i) { return scratch(types[i], tot_offs[i]); };
  auto pad = [](const std::string& idx) { return fmt::format("{0} + ({0} >> 5)", idx); };
  line(fmt::format("// scan along axis {}{}: {} lines of {}, {} thread(s) per line with chunks of {}, {}", axis, reverse ? " (reverse)" : "",
                   L, A, P, C, P == 1 ? "no carry" : by_shuffle ? "carry by simd_shuffle_up" : "carry through threadgroup memory"));
  open("");  // the scan's own scope: several scans in one kernel reuse the tm_ names
  lead_barrier(op);
  open(fmt::format("for (int k = 0; k < {}; ++k)", R));
  line(fmt::format("int tm_i = {};", linear(x, "k")));
  for (size_t i = 0; i < n; ++i) line(fmt::format("{}[{}] = {}[k];", buf(i), pad("tm_i"), name_of(op.operand(i))));
  close();
  barrier();
  // Address of logical position `q` (0 = first in scan order) of line `ln`.
  auto address = [&](const std::string& ln, const std::string& q) {
    std::string pos = reverse ? fmt::format("({} - ({}))", A - 1, q) : q;
    std::string base = inner == 1 ? fmt::format("{} * {}", ln, A) : fmt::format("({0} / {1}) * {2} + {0} % {1}", ln, inner, A * inner);
    return fmt::format("{} + {} * {}", base, pos, inner);
  };
  std::vector<std::string> acc, cur;
  for (size_t i = 0; i < n; ++i) {
    acc.push_back(fmt::format("tm_acc{}", tmp_++));
    cur.push_back(fmt::format("tm_cur{}", tmp_++));
  }
  auto scan_run = [&](const std::string& ln, const std::string& first, int64_t count) {
    // acc = combine(acc, x) over `count` positions from `first`, in place.
    open(fmt::format("for (int j = 0; j < {}; ++j)", count));
    line(fmt::format("int tm_q = {} + j;", first));
    if (count * P > A) line(fmt::format("if (tm_q >= {}) break;", A));
    line(fmt::format("int tm_a = {};", address(ln, "tm_q")));
    for (size_t i = 0; i < n; ++i) line(fmt::format("{} {} = {}[{}];", types[i], cur[i], buf(i), pad("tm_a")));
    open("if (j == 0)");
    for (size_t i = 0; i < n; ++i) line(fmt::format("{} = {};", acc[i], cur[i]));
    close("} else {");
    ++indent_;
    emit_combine(op.body(), acc, cur, acc);
    close();
    for (size_t i = 0; i < n; ++i) line(fmt::format("{}[{}] = {};", buf(i), pad("tm_a"), acc[i]));
    close();
  };
  if (P == 1) {
    open(fmt::format("for (int tm_ln = tm_tid; tm_ln < {}; tm_ln += {})", L, T));
    for (size_t i = 0; i < n; ++i) line(fmt::format("{} {} = {}(0);", types[i], acc[i], types[i]));
    scan_run("tm_ln", "0", A);
    close();
  } else {
    line(fmt::format("int tm_ln = tm_tid / {}, tm_part = tm_tid % {};", P, P));
    line(fmt::format("bool tm_active = tm_ln < {};", L));
    for (size_t i = 0; i < n; ++i) line(fmt::format("{} {} = {}(0);", types[i], acc[i], types[i]));
    open("if (tm_active)");
    scan_run("tm_ln", fmt::format("tm_part * {}", C), C);
    close();
    // Exclusive prefix of the chunk totals (acc) across the line's threads: `pre`, valid when tm_part > 0.
    std::vector<std::string> pre, other;
    for (size_t i = 0; i < n; ++i) {
      pre.push_back(fmt::format("tm_pre{}", tmp_++));
      other.push_back(fmt::format("tm_oth{}", tmp_++));
    }
    if (by_shuffle) {
      for (int64_t d = 1; d < P; d *= 2) {
        for (size_t i = 0; i < n; ++i) line(fmt::format("{} {} = simd_shuffle_up({}, ushort({}));", types[i], other[i] + "_" + std::to_string(d), acc[i], d));
        open(fmt::format("if (tm_part >= {})", d));
        std::vector<std::string> o;
        for (size_t i = 0; i < n; ++i) o.push_back(other[i] + "_" + std::to_string(d));
        emit_combine(op.body(), o, acc, acc);
        close();
      }
      for (size_t i = 0; i < n; ++i) line(fmt::format("{} {} = simd_shuffle_up({}, ushort(1));", types[i], pre[i], acc[i]));
    } else {
      for (size_t i = 0; i < n; ++i) line(fmt::format("{}[tm_tid] = {};", tot(i), acc[i]));
      barrier();
      for (int64_t d = 1; d < P; d *= 2) {
        for (size_t i = 0; i < n; ++i) line(fmt::format("{} {} = {}[tm_part >= {} ? tm_tid - {} : tm_tid];", types[i], other[i] + "_" + std::to_string(d), tot(i), d, d));
        barrier();
        open(fmt::format("if (tm_part >= {})", d));
        std::vector<std::string> o;
        for (size_t i = 0; i < n; ++i) o.push_back(other[i] + "_" + std::to_string(d));
        emit_combine(op.body(), o, acc, acc);
        for (size_t i = 0; i < n; ++i) line(fmt::format("{}[tm_tid] = {};", tot(i), acc[i]));
        close();
        barrier();
      }
      for (size_t i = 0; i < n; ++i) line(fmt::format("{} {} = {}[tm_part > 0 ? tm_tid - 1 : tm_tid];", types[i], pre[i], tot(i)));
    }
    open("if (tm_active && tm_part > 0)");
    open(fmt::format("for (int j = 0; j < {}; ++j)", C));
    line(fmt::format("int tm_q = tm_part * {} + j;", C));
    if (C * P > A) line(fmt::format("if (tm_q >= {}) break;", A));
    line(fmt::format("int tm_a = {};", address("tm_ln", "tm_q")));
    for (size_t i = 0; i < n; ++i) line(fmt::format("{} {} = {}[{}];", types[i], cur[i], buf(i), pad("tm_a")));
    emit_combine(op.body(), pre, cur, cur);
    for (size_t i = 0; i < n; ++i) line(fmt::format("{}[{}] = {};", buf(i), pad("tm_a"), cur[i]));
    close();
    close();
  }
  barrier();
  open(fmt::format("for (int k = 0; k < {}; ++k)", R));
  line(fmt::format("int tm_i = {};", linear(x, "k")));
  for (size_t i = 0; i < n; ++i) line(fmt::format("{}[k] = {}[{}];", results[i], buf(i), pad("tm_i")));
  close();
  close();
}

}  // namespace tmetal::codegen
