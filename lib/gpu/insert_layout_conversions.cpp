// Pass `insert-layout-conversions`: shape-changing ops whose layouts are not register-compatible become a
// register-local op plus an explicit gpu.convert_layout, and atomics on contiguous addresses in a vectorized
// layout take a lane-contiguous one (see insert_layout_conversions.h).
#include "gpu/insert_layout_conversions.h"

#include "gpu/axis_analysis.h"
#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"
#include "gpu/register_relayout.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace tmetal::gpu {

namespace {
ir::Type with_layout(const ir::Type& t, const BlockedLayout& l) { return t.with_encoding(std::make_shared<BlockedEncoding>(l)); }

// The layout of tt.expand_dims' result that keeps each thread's elements: a new dimension of extent 1 in every
// field, slowest in the order.
BlockedLayout expanded(const BlockedLayout& l, int axis) {
  BlockedLayout out = l;
  out.size_per_thread.insert(out.size_per_thread.begin() + axis, 1);
  out.lanes_per_simd.insert(out.lanes_per_simd.begin() + axis, 1);
  out.simds_per_group.insert(out.simds_per_group.begin() + axis, 1);
  for (int& d : out.order)
    if (d >= axis) ++d;
  out.order.push_back(axis);
  return out;
}

// The layout of tt.trans' result that keeps each thread's elements: the fields permuted with the dimensions.
BlockedLayout transposed(const BlockedLayout& l, const std::vector<int64_t>& perm) {
  BlockedLayout out = l;
  std::vector<int> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    out.size_per_thread[i] = l.size_per_thread[perm[i]];
    out.lanes_per_simd[i] = l.lanes_per_simd[perm[i]];
    out.simds_per_group[i] = l.simds_per_group[perm[i]];
    inverse[perm[i]] = static_cast<int>(i);
  }
  for (size_t j = 0; j < l.order.size(); ++j) out.order[j] = inverse[l.order[j]];
  return out;
}

// An atomic whose pointers run contiguously along the fastest dimension of a layout giving each thread several
// consecutive elements there: the layout with one element per thread along it (lanes then cover consecutive
// addresses), or nothing when the atomic is fine as it is.
std::optional<BlockedLayout> lane_contiguous_for_atomic(const ir::Operation& op, const AxisAnalysis& axes) {
  const ir::Value* ptr = op.operand(0);
  const BlockedLayout* l = blocked_layout_of(ptr->type());
  if (!l) return std::nullopt;
  int fast = l->order[0];
  if (l->size_per_thread[fast] == 1) return std::nullopt;
  AxisInfo info = axes.get(ptr);
  if (info.rank() != l->rank() || info.contiguity[fast] < 2) return std::nullopt;  // gathered addresses: no gain
  BlockedLayout lanes = default_blocked_layout(ptr->type().shape(), l->num_simds(), l->num_lanes(), 1, l->order);
  if (lanes == *l) return std::nullopt;
  return lanes;
}

// Metal has no vector atomics: one atomic instruction of a simdgroup whose lanes hold 4 consecutive elements each
// touches 4 times the cache lines (and 4 times the atomic sectors) of one whose lanes are consecutive, for the
// same work. Such an atomic's operands are converted to the lane-contiguous layout (the pointers and masks are
// index tensors that remove-layout-conversions and the emitter recompute; the values move once through
// threadgroup memory), and its result back to the old layout when it is used.
int convert_atomics(ir::Operation& func) {
  AxisAnalysis axes(func);
  std::vector<std::pair<ir::Operation*, BlockedLayout>> atomics;
  func.walk([&](ir::Operation* op) {
    if (!op->is(ir::OpCode::AtomicRMW) && !op->is(ir::OpCode::AtomicCAS)) return;
    if (!op->operand(0)->type().is_tensor()) return;
    if (std::optional<BlockedLayout> l = lane_contiguous_for_atomic(*op, axes)) atomics.emplace_back(op, *l);
  });
  int inserted = 0;
  for (auto& [op, lanes] : atomics) {
    for (size_t i = 0; i < op->num_operands(); ++i) {
      ir::Value* o = op->operand(i);
      if (!o->type().is_tensor() || !blocked_layout_of(o->type())) continue;
      op->set_operand(i, create_convert_layout(o, with_layout(o->type(), lanes), op));
      ++inserted;
    }
    ir::Value* r = op->result();
    ir::Type old = r->type();
    std::vector<ir::Operation*> users = r->users();
    r->set_type(with_layout(old, lanes));
    if (users.empty() || !op->next()) continue;
    ir::Value* c = create_convert_layout(r, old, op->next());
    for (ir::Operation* u : users)
      for (size_t i = 0; i < u->num_operands(); ++i)
        if (u->operand(i) == r) u->set_operand(i, c);
    ++inserted;
  }
  return inserted;
}
}  // namespace

int insert_layout_conversions(ir::Operation& func, int num_warps, int simd_width) {
  register_gpu_ops();
  int64_t threads = static_cast<int64_t>(num_warps) * simd_width;
  std::vector<ir::Operation*> candidates;
  func.walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::Broadcast) || op->is(ir::OpCode::ExpandDims) || op->is(ir::OpCode::Trans)) candidates.push_back(op);
  });
  int inserted = 0;
  for (ir::Operation* op : candidates) {
    ir::Value* src = op->operand(0);
    ir::Value* r = op->result();
    const BlockedLayout* sl = blocked_layout_of(src->type());
    const BlockedLayout* rl = blocked_layout_of(r->type());
    if (!sl || !rl || register_relayout_map(*op, threads, simd_width)) continue;
    if (op->is(ir::OpCode::Broadcast)) {
      if (sl->rank() != rl->rank()) continue;
      // The result's distribution on the operand's shape; a dimension of extent 1 holds one element per thread.
      BlockedLayout operand_layout = *rl;
      const auto& sshape = src->type().shape();
      for (size_t d = 0; d < sshape.size(); ++d)
        if (sshape[d] == 1) operand_layout.size_per_thread[d] = 1;
      if (operand_layout == *sl) continue;
      ir::Value* c = create_convert_layout(src, with_layout(src->type(), operand_layout), op);
      op->set_operand(0, c);
    } else {
      BlockedLayout natural =
          op->is(ir::OpCode::ExpandDims) ? expanded(*sl, static_cast<int>(op->int_attr("axis"))) : transposed(*sl, op->array_attr("order"));
      if (natural == *rl) continue;
      ir::Operation* next = op->next();
      if (!next) continue;  // a tensor-valued op is never a terminator; keep the IR unchanged if it were
      ir::Type wanted = r->type();
      std::vector<ir::Operation*> users = r->users();
      r->set_type(with_layout(wanted, natural));
      ir::Value* c = create_convert_layout(r, wanted, next);
      for (ir::Operation* u : users)
        for (size_t i = 0; i < u->num_operands(); ++i)
          if (u->operand(i) == r) u->set_operand(i, c);
    }
    ++inserted;
  }
  return inserted + convert_atomics(func);
}

}  // namespace tmetal::gpu
