// Pass `remove-layout-conversions`: same-layout conversions, chains, rematerialisable sources and conversions
// of elementwise results disappear (see remove_layout_conversions.h).
#include "gpu/remove_layout_conversions.h"

#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"

#include <vector>

namespace tmetal::gpu {

namespace {
ir::Operation* def_of(const ir::Value* v) { return v->defining_op(); }

bool is_convert(const ir::Value* v) { return def_of(v) && is_convert_layout(*def_of(v)); }

// Values recomputed for free in any layout: no tensor operands, no side effects.
bool rematerialisable(const ir::Value* v) {
  const ir::Operation* d = def_of(v);
  if (!d || d->num_results() != 1 || !v->type().is_tensor()) return false;
  if (d->is(ir::OpCode::Constant) || d->is(ir::OpCode::MakeRange)) return true;
  return d->is(ir::OpCode::Splat) && !d->operand(0)->type().is_tensor();
}

bool elementwise(const ir::Operation& op) {
  using ir::OpCode;
  if (!op.has_trait(ir::trait::P) || op.num_regions() != 0 || op.num_results() != 1 || op.code() == OpCode::Custom) return false;
  switch (op.code()) {
    case OpCode::Constant: case OpCode::MakeRange: case OpCode::Splat: case OpCode::Broadcast: case OpCode::ExpandDims:
    case OpCode::Reshape: case OpCode::Trans: case OpCode::Join: case OpCode::Split: case OpCode::Histogram: case OpCode::Dot:
    case OpCode::Reduce: case OpCode::Scan: case OpCode::MakeTensorPtr: case OpCode::Advance: case OpCode::ProgramId:
    case OpCode::NumPrograms:
      return false;
    default: break;
  }
  const ir::Type& r = op.result()->type();
  if (!r.is_tensor()) return false;
  for (const ir::Value* v : op.operands())
    if (v->type().is_tensor() && v->type().shape() != r.shape()) return false;
  return true;
}

bool same_layout(const ir::Type& a, const ir::Type& b) {
  const BlockedLayout* la = blocked_layout_of(a);
  const BlockedLayout* lb = blocked_layout_of(b);
  return la && lb && *la == *lb;
}

void drop_if_unused(ir::Operation* op) {
  if (op && op->result()->use_empty()) op->erase();
}

// One rewrite of conversion `c`; true when the IR changed (c may be gone).
bool simplify(ir::Operation* c) {
  ir::Value* x = c->operand(0);
  ir::Value* out = c->result();
  const ir::Type& want = out->type();
  if (x->type() == want) {  // same layout
    out->replace_all_uses_with(x);
    c->erase();
    return true;
  }
  if (is_convert(x)) {  // chain
    ir::Operation* inner = def_of(x);
    c->set_operand(0, inner->operand(0));
    drop_if_unused(inner);
    return true;
  }
  if (rematerialisable(x)) {
    ir::Operation* d = def_of(x);
    if (x->users().size() == 1) {
      x->set_type(want);
    } else {
      auto copy = ir::Operation::create(&d->info(), d->loc(), d->operands(), {want}, d->attrs());
      ir::Value* fresh = c->parent_block()->insert(c->position(), std::move(copy))->result();
      out->replace_all_uses_with(fresh);
      c->erase();
      return true;
    }
    out->replace_all_uses_with(x);
    c->erase();
    return true;
  }
  // Elementwise ops are emitted on blocked layouts only: a conversion to a simdgroup-matrix layout stays.
  if (!blocked_layout_of(want)) return false;
  ir::Operation* e = def_of(x);
  if (!e || !elementwise(*e) || x->users().size() != 1) return false;
  for (const ir::Value* o : e->operands()) {
    if (!o->type().is_tensor()) continue;
    bool ok = same_layout(o->type(), want) || rematerialisable(o) || (is_convert(o) && o->users().size() == 1);
    if (!ok) return false;
  }
  for (size_t i = 0; i < e->num_operands(); ++i) {
    ir::Value* o = e->operand(i);
    if (!o->type().is_tensor() || same_layout(o->type(), want)) continue;
    e->set_operand(i, create_convert_layout(o, o->type().with_encoding(want.encoding()), e));
  }
  x->set_type(want);
  out->replace_all_uses_with(x);
  c->erase();
  return true;
}
}  // namespace

int remove_layout_conversions(ir::Operation& func) {
  auto count = [&] {
    int n = 0;
    func.walk([&](ir::Operation* op) { n += is_convert_layout(*op) ? 1 : 0; });
    return n;
  };
  int before = count();
  for (int round = 0; round < 10000; ++round) {
    std::vector<ir::Operation*> converts;
    func.walk([&](ir::Operation* op) {
      if (is_convert_layout(*op)) converts.push_back(op);
    });
    bool changed = false;
    for (ir::Operation* c : converts) {
      if (simplify(c)) {
        changed = true;
        break;  // the list may hold erased ops now
      }
    }
    if (!changed) break;
  }
  return before - count();
}

}  // namespace tmetal::gpu
