// Pass `dot-b-rows`: f16 tl.dot B tiles loaded with 4 rows of K per thread (see dot_b_rows.h).
#include "gpu/dot_b_rows.h"

#include "gpu/access_layout.h"
#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"

#include <utility>
#include <vector>

namespace tmetal::gpu {

namespace {
// f16 only: bf16 fragments are float where the target has no bfloat (B is then staged plain), and bfloat
// tiles are staged with scalar stores.
bool half_elements(const ir::Value* v) { return v->type().element().scalar_kind() == ir::ScalarKind::F16; }

ir::Value* through_converts(ir::Value* v) {
  while (ir::Operation* c = convert_of(v)) v = c->operand(0);
  return v;
}

// Whether every use of `v`, through conversions, is `dot`, `loop` (an init) or an scf.yield.
bool only_feeds(ir::Value* v, const ir::Operation* dot, const ir::Operation* loop = nullptr) {
  for (ir::Operation* u : v->users()) {
    if (is_convert_layout(*u)) {
      if (!only_feeds(u->result(), dot, loop)) return false;
    } else if (u != dot && u != loop && !u->is(ir::OpCode::Yield)) {
      return false;
    }
  }
  return true;
}

// The tt.load of a pointer tensor that produces `v` (through conversions) and feeds only `dot` (or `loop`), or
// null.
ir::Operation* load_of(ir::Value* v, const ir::Operation* dot, const ir::Operation* loop = nullptr) {
  ir::Operation* d = through_converts(v)->defining_op();
  if (!d || !d->is(ir::OpCode::Load) || !d->operand(0)->type().is_tensor() || !blocked_layout_of(d->result()->type())) return nullptr;
  return only_feeds(d->result(), dot, loop) ? d : nullptr;
}

// The loads that produce dot operand `v`: one load, or the init and the yielded load of the scf.for iteration
// argument `v` is (a pipelined operand). Empty when anything else produces it.
std::vector<ir::Operation*> source_loads(ir::Value* v, const ir::Operation* dot) {
  if (ir::Operation* l = load_of(v, dot)) return {l};
  size_t i = 0;
  ir::Value* arg = through_converts(v);
  ir::Operation* loop = carried_by(arg, i);
  if (!loop || !only_feeds(arg, dot)) return {};
  ir::Operation* init = load_of(loop->operand(3 + i), dot, loop);
  ir::Operation* next = load_of(loop->body().back()->operand(i), dot);
  if (!init || !next || !(init->result()->type() == next->result()->type())) return {};
  return {init, next};
}
// After move_access(load): when the load's pointers are the next value of an scf.for iteration argument
// advanced by one tt.addptr per iteration (`b_tile += BLOCK_K * stride_bk`, read by the pipelined load of
// the next tile), the argument and its advance are carried in the load's new layout, so that the loop does
// not convert the pointer tile every iteration (the step, a splat, converts once; the init before the loop).
void carry_pointers(ir::Operation& load) {
  ir::Value* next = through_converts(load.operand(0));
  ir::Operation* add = next->defining_op();
  if (!add || !add->is(ir::OpCode::AddPtr) || add->num_operands() != 2) return;
  size_t j = 0;
  ir::Value* arg = through_converts(add->operand(0));
  ir::Operation* loop = carried_by(arg, j);
  if (!loop || through_converts(loop->body().back()->operand(j)) != next || next->type() != arg->type()) return;
  const ir::Type to = load.operand(0)->type();
  for (ir::Operation* u : arg->users())
    if (u != add && !(is_convert_layout(*u) && u->result()->type() == to)) return;  // other readers of the pointers
  for (ir::Operation* u : next->users())
    if (!is_convert_layout(*u) && !u->is(ir::OpCode::Yield)) return;
  retype_carried(*loop, j, to);
  add->set_operand(0, arg);
  add->set_operand(1, create_convert_layout(add->operand(1), to.with_element(add->operand(1)->type().element()), add));
  next->set_type(to);
  // Conversions of `next` to its own (new) type are now identities.
  std::vector<ir::Operation*> same;
  for (ir::Operation* u : next->users())
    if (is_convert_layout(*u) && u->result()->type() == to) same.push_back(u);
  for (ir::Operation* c : same) {
    c->result()->replace_all_uses_with(next);
    c->erase();
  }
}
}  // namespace

int dot_b_rows(ir::Operation& func) {
  register_gpu_ops();
  std::vector<std::pair<ir::Operation*, BlockedLayout>> moves;
  func.walk([&](ir::Operation* dot) {
    if (!dot->is(ir::OpCode::Dot) || dot->num_operands() < 2) return;
    ir::Value* a = dot->operand(0);
    ir::Value* b = dot->operand(1);
    const auto& shape = b->type().shape();
    if (a->type().shape().size() != 2 || shape.size() != 2 || !half_elements(a) || !half_elements(b)) return;
    if (shape[0] % 8 || shape[1] % 8 || source_loads(a, dot).empty()) return;
    std::vector<ir::Operation*> loads = source_loads(b, dot);
    if (loads.empty()) return;
    const BlockedLayout* l = blocked_layout_of(loads[0]->result()->type());
    if (l->rank() != 2 || l->order[0] != 1 || l->size_per_thread[0] != 1) return;
    BlockedLayout rows = default_blocked_layout({shape[0] / 4, shape[1]}, l->num_simds(), l->num_lanes(), l->size_per_thread[1], {1, 0});
    rows.size_per_thread[0] = 4;
    const Shape tile = rows.group_tile();
    if (tile[0] > shape[0] || tile[1] > shape[1]) return;  // the tile would be replicated
    for (ir::Operation* load : loads) moves.emplace_back(load, rows);
  });
  for (auto& [load, l] : moves) {
    move_access(*load, l);
    carry_pointers(*load);
  }
  if (!moves.empty()) carry_moved_tiles(func);
  return static_cast<int>(moves.size());
}

}  // namespace tmetal::gpu
