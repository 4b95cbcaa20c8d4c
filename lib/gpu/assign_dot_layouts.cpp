// Pass `assign-dot-layouts`: simdgroup-matrix layouts for tl.dot results and their loop-carried accumulators
// (see assign_dot_layouts.h).
#include "gpu/assign_dot_layouts.h"

#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"

#include <memory>
#include <vector>

namespace tmetal::gpu {

namespace {
bool float_kind(ir::ScalarKind k) { return k == ir::ScalarKind::F16 || k == ir::ScalarKind::BF16 || k == ir::ScalarKind::F32; }

bool is_zero_constant(const ir::Value* v) {
  const ir::Operation* d = v->defining_op();
  if (!d || !d->is(ir::OpCode::Constant)) return false;
  const ir::Attribute* a = d->attr("value");
  if (!a) return false;
  if (a->is<ir::FloatAttr>()) return a->get<ir::FloatAttr>().value == 0.0;
  if (a->is<ir::IntAttr>()) return a->get<ir::IntAttr>().value == 0;
  return false;
}

bool lowerable(const ir::Operation& dot) {
  const ir::Type& a = dot.operand(0)->type();
  const ir::Type& r = dot.result()->type();
  if (a.shape().size() != 2 || r.shape().size() != 2 || !blocked_layout_of(r)) return false;
  if (r.shape()[0] % 8 || r.shape()[1] % 8 || a.shape()[1] % 8) return false;  // codegen reports these
  if (!float_kind(a.element().scalar_kind()) || !float_kind(dot.operand(1)->type().element().scalar_kind())) return false;
  ir::ScalarKind ck = r.element().scalar_kind();
  return ck == ir::ScalarKind::F32 || ck == ir::ScalarKind::F16;
}

// add(dot(a, b, 0), x) -> dot(a, b, x)
int fold_dot_add(ir::Operation& func) {
  std::vector<ir::Operation*> adds;
  func.walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::AddF)) adds.push_back(op);
  });
  int folded = 0;
  for (ir::Operation* add : adds) {
    for (int side = 0; side < 2; ++side) {
      ir::Value* d = add->operand(side);
      ir::Value* x = add->operand(1 - side);
      ir::Operation* dot = d->defining_op();
      if (!dot || !dot->is(ir::OpCode::Dot) || d->users().size() != 1 || !is_zero_constant(dot->operand(2))) continue;
      if (!(x->type() == d->type()) || !(add->result()->type() == d->type())) continue;
      auto fresh = ir::Operation::create(&dot->info(), dot->loc(), {dot->operand(0), dot->operand(1), x}, {d->type()}, dot->attrs());
      ir::Value* r = add->parent_block()->insert(add->position(), std::move(fresh))->result();
      add->result()->replace_all_uses_with(r);
      add->erase();
      dot->erase();
      ++folded;
      break;
    }
  }
  return folded;
}

// A transposed operand (tl.trans(x), possibly behind its layout conversion) is staged from x with swapped
// coordinates: the dot reads x and records `gpu.trans_a` / `gpu.trans_b`, and the transpose (which would
// otherwise move the whole tile through threadgroup memory) goes away.
void absorb_transposes(ir::Operation& dot) {
  for (int i = 0; i < 2; ++i) {
    ir::Value* v = dot.operand(i);
    ir::Operation* conv = nullptr;
    ir::Operation* d = v->defining_op();
    if (d && is_convert_layout(*d) && v->users().size() == 1) {
      conv = d;
      d = d->operand(0)->defining_op();
    }
    if (!d || !d->is(ir::OpCode::Trans) || d->result()->users().size() != 1) continue;
    std::vector<int64_t> order = d->array_attr("order");
    if (order != std::vector<int64_t>{1, 0} || !blocked_layout_of(d->operand(0)->type())) continue;
    dot.set_operand(i, d->operand(0));
    dot.set_attr(i == 0 ? "gpu.trans_a" : "gpu.trans_b", ir::Attribute::integer(1));
    if (conv) conv->erase();
    d->erase();
  }
}

// An operand that arrives through a conversion between blocked layouts (a load coalesced along another
// dimension, coalesce-accesses) is staged from the conversion's source: staging writes any blocked layout
// into threadgroup memory, in the orientation of its registers (codegen/emit_dot.cpp), so the round trip
// through threadgroup memory before it is wasted.
void read_through_conversions(ir::Operation& dot) {
  for (int i = 0; i < 2; ++i) {
    ir::Operation* c = convert_of(dot.operand(i));
    if (!c || !blocked_layout_of(c->operand(0)->type()) || !blocked_layout_of(c->result()->type())) continue;
    dot.set_operand(i, c->operand(0));
    if (c->result()->use_empty()) c->erase();
  }
}

// The tl.dot whose operand A (not transposed) `v` reaches through elementwise ops of its shape, or null: the
// dot after flash attention's softmax (S = QK^T -> P = exp2(S - m) -> PV).
const ir::Operation* dot_fed_as_a(const ir::Value* v, int depth) {
  if (depth > 24) return nullptr;
  for (const ir::Operation* u : v->users()) {
    if (u->is(ir::OpCode::Dot) && u->operand(0) == v && u->int_attr("gpu.trans_a") == 0) return u;
    bool through = is_convert_layout(*u) || (u->num_results() == 1 && u->num_regions() == 0 && u->has_trait(ir::trait::P) &&
                                             u->result()->type().is_tensor() && u->result()->type().shape() == v->type().shape() &&
                                             !u->is(ir::OpCode::Dot) && u->code() != ir::OpCode::Custom);
    if (!through) continue;
    if (const ir::Operation* d = dot_fed_as_a(u->result(), depth + 1)) return d;
  }
  return nullptr;
}

// One loop-carried accumulator moved into fragments; false when none is left.
bool carry_one(ir::Operation& func) {
  bool changed = false;
  func.walk([&](ir::Operation* loop) {
    if (changed || !loop->is(ir::OpCode::For)) return;
    ir::Block& body = loop->body();
    ir::Operation* yield = body.back();
    if (!yield || !yield->is(ir::OpCode::Yield)) return;
    for (size_t i = 0; i + 3 < loop->num_operands() && !changed; ++i) {
      ir::Value* arg = body.argument(1 + i);
      ir::Value* y = yield->operand(i);
      ir::Operation* back = y->defining_op();
      if (!back || !is_convert_layout(*back) || !simdgroup_matrix_layout_of(back->operand(0)->type())) continue;
      const ir::Type mma = back->operand(0)->type();
      if (arg->users().empty() || !blocked_layout_of(arg->type())) continue;
      bool only_to_mma = true;
      for (ir::Operation* u : arg->users())
        only_to_mma = only_to_mma && is_convert_layout(*u) && u->result()->type() == mma;
      if (!only_to_mma) continue;
      std::vector<ir::Operation*> converts = arg->users();
      arg->set_type(mma);
      for (ir::Operation* c : converts) {
        c->result()->replace_all_uses_with(arg);
        c->erase();
      }
      yield->set_operand(i, back->operand(0));
      if (back->result()->use_empty()) back->erase();
      loop->set_operand(3 + i, create_convert_layout(loop->operand(3 + i), mma, loop));
      retype_with_conversion(loop->result(i), mma, loop->next());
      changed = true;
    }
  });
  return changed;
}
}  // namespace

int assign_dot_layouts(ir::Operation& func, int num_warps) {
  register_gpu_ops();
  fold_dot_add(func);
  std::vector<ir::Operation*> dots;
  func.walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::Dot) && lowerable(*op)) dots.push_back(op);
  });
  for (ir::Operation* dot : dots) {
    read_through_conversions(*dot);
    absorb_transposes(*dot);
    read_through_conversions(*dot);
  }
  // A dot whose result becomes the next dot's A operand, and that next dot, split their rows over the
  // simdgroups (simds=[num_warps, 1]): each simdgroup then holds whole rows of the first result (row max and
  // sum need no threadgroup step) and exactly the A fragments the second dot needs (no staging).
  std::vector<bool> row_split(dots.size(), false);
  for (size_t i = 0; i < dots.size(); ++i)
    if (const ir::Operation* next = dot_fed_as_a(dots[i]->result(), 0))
      for (size_t j = 0; j < dots.size(); ++j)
        if (j == i || dots[j] == next) row_split[j] = true;
  for (size_t di = 0; di < dots.size(); ++di) {
    ir::Operation* dot = dots[di];
    ir::Value* r = dot->result();
    const ir::Type blocked = r->type();
    const int64_t rows = blocked.shape()[0];
    if (row_split[di]) dot->set_attr("gpu.chain", ir::Attribute::integer(1));
    SimdgroupMatrixLayout l = row_split[di] && (rows / 8) % num_warps == 0
                                  ? SimdgroupMatrixLayout{num_warps, 1}
                                  : choose_simdgroup_matrix_layout(blocked.shape()[0], blocked.shape()[1], num_warps);
    ir::Type mma = blocked.with_encoding(std::make_shared<SimdgroupMatrixEncoding>(l));
    dot->set_operand(2, create_convert_layout(dot->operand(2), mma, dot));
    retype_with_conversion(r, mma, dot->next());
  }
  while (carry_one(func)) {
  }
  return static_cast<int>(dots.size());
}

}  // namespace tmetal::gpu
