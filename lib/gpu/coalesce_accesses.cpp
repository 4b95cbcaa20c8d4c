// Pass `coalesce-accesses`: loads and stores take a layout whose fastest dimension is their pointers'
// contiguous one (see coalesce_accesses.h).
#include "gpu/coalesce_accesses.h"

#include "gpu/axis_analysis.h"
#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace tmetal::gpu {

namespace {
// The layout access `op` should use, or nullopt when its pointers' own layout is as good.
std::optional<BlockedLayout> coalesced_layout(const AxisAnalysis& axes, const ir::Operation& op, const LoweringOptions& o) {
  const ir::Value* ptr = op.operand(0);
  const ir::Type& t = ptr->type();
  const BlockedLayout* l = blocked_layout_of(t);
  if (!t.is_tensor() || !l || t.shape().size() < 2 || pointee_bytes(ptr) == 0) return std::nullopt;
  AxisInfo info = axes.get(ptr);
  if (info.rank() != l->rank()) return std::nullopt;
  const int fast = l->order[0];
  int best = fast;
  for (int d = 0; d < l->rank(); ++d)
    if (info.contiguity[d] > info.contiguity[best]) best = d;
  if (best == fast || info.contiguity[best] < 2) return std::nullopt;
  std::vector<int> order = {best};
  for (int d : l->order)
    if (d != best) order.push_back(d);
  const auto& shape = t.shape();
  int64_t want = std::clamp<int64_t>(o.preferred_vector_bytes / pointee_bytes(ptr), 1, 4);
  want = std::min(want, shape[best]);
  int64_t w = std::max<int64_t>(1, width_for(axes, op, best, want, o));
  BlockedLayout c = default_blocked_layout(shape, l->num_simds(), l->num_lanes(), w, order);
  if (c == *l) return std::nullopt;
  return c;
}

ir::Type with_layout(const ir::Type& t, const BlockedLayout& l) { return t.with_encoding(std::make_shared<BlockedEncoding>(l)); }

// Moves access `op` to layout `l`: its tensor operands convert to it before the op, a load's result converts
// back for its users. Conversions made for an op marked tm.prefetch are marked too (they belong to it).
void move_access(ir::Operation& op, const BlockedLayout& l) {
  const ir::Attribute* prefetch = op.attr("tm.prefetch");
  auto mark = [&](ir::Value* v) {
    if (prefetch) v->defining_op()->set_attr("tm.prefetch", *prefetch);
    return v;
  };
  for (size_t i = 0; i < op.num_operands(); ++i) {
    ir::Value* x = op.operand(i);
    if (!x->type().is_tensor() || !blocked_layout_of(x->type())) continue;
    op.set_operand(i, mark(create_convert_layout(x, with_layout(x->type(), l), &op)));
  }
  if (!op.is(ir::OpCode::Load)) return;
  ir::Value* r = op.result();
  const ir::Type old = r->type();
  std::vector<ir::Operation*> users = r->users();
  r->set_type(with_layout(old, l));
  if (users.empty()) return;
  ir::Value* back = mark(create_convert_layout(r, old, op.next()));
  for (ir::Operation* u : users)
    for (size_t i = 0; i < u->num_operands(); ++i)
      if (u->operand(i) == r) u->set_operand(i, back);
}

// Iteration arguments that carry a converted tile (`yield convert(x : C -> L)`) and that the body only reads
// through conversions or as tl.dot operands are carried in C instead.
void carry_coalesced(ir::Operation& func) {
  std::vector<std::pair<ir::Operation*, size_t>> moves;
  func.walk([&](ir::Operation* loop) {
    if (!loop->is(ir::OpCode::For)) return;
    ir::Operation* yield = loop->body().back();
    if (!yield || !yield->is(ir::OpCode::Yield)) return;
    for (size_t i = 0; i < yield->num_operands(); ++i) {
      ir::Operation* c = convert_of(yield->operand(i));
      if (!c || !blocked_layout_of(c->operand(0)->type()) || !blocked_layout_of(c->result()->type())) continue;
      bool only = true;
      for (ir::Operation* u : loop->body().argument(1 + i)->users())
        only = only && (is_convert_layout(*u) || (u->is(ir::OpCode::Dot) && u->operand(2) != loop->body().argument(1 + i)));
      if (only) moves.emplace_back(loop, i);
    }
  });
  for (auto& [loop, i] : moves) {
    ir::Operation* c = convert_of(loop->body().back()->operand(i));
    retype_carried(*loop, i, c->operand(0)->type());
  }
}
}  // namespace

int coalesce_accesses(ir::Operation& func, const LoweringOptions& options) {
  register_gpu_ops();
  AxisAnalysis axes(func);
  std::vector<std::pair<ir::Operation*, BlockedLayout>> moves;
  func.walk([&](ir::Operation* op) {
    if (!op->is(ir::OpCode::Load) && !op->is(ir::OpCode::Store)) return;
    if (std::optional<BlockedLayout> l = coalesced_layout(axes, *op, options)) moves.emplace_back(op, *l);
  });
  for (auto& [op, l] : moves) move_access(*op, l);
  if (!moves.empty()) carry_coalesced(func);
  return static_cast<int>(moves.size());
}

}  // namespace tmetal::gpu
