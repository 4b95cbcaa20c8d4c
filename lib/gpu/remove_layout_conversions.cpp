// Pass `remove-layout-conversions`: same-layout conversions, chains, rematerialisable sources and conversions
// of elementwise results disappear (see remove_layout_conversions.h).
#include "gpu/remove_layout_conversions.h"

#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"
#include "gpu/op_queries.h"

#include <vector>

namespace tmetal::gpu {

namespace {
ir::Operation* def_of(const ir::Value* v) { return v->defining_op(); }

bool is_convert(const ir::Value* v) { return def_of(v) && is_convert_layout(*def_of(v)); }

bool same_layout(const ir::Type& a, const ir::Type& b) {
  const BlockedLayout* la = blocked_layout_of(a);
  const BlockedLayout* lb = blocked_layout_of(b);
  return la && lb && *la == *lb;
}

void drop_if_unused(ir::Operation* op) {
  if (op && op->result()->use_empty()) op->erase();
}

// The op before which a conversion of `v` goes to run right after v is defined (null when there is none).
ir::Operation* right_after_definition(const ir::Value* v) {
  if (const ir::Operation* d = def_of(v)) return d->next();
  const ir::Block* b = v->parent_block();
  return b ? b->front() : nullptr;
}

// An existing conversion of `v` to `want` whose result is visible at `at` (same block and before it, or in a
// block around it), or null.
ir::Operation* existing_convert(const ir::Value* v, const ir::Type& want, const ir::Operation* at) {
  for (ir::Operation* u : v->users()) {
    if (!is_convert_layout(*u) || u->result()->type() != want) continue;
    const ir::Block* b = u->parent_block();
    for (const ir::Operation* p = at; p; p = p->parent_op()) {
      if (p->parent_block() != b) continue;
      for (const ir::Operation* q = p->prev(); q; q = q->prev())
        if (q == u) return u;
      break;
    }
  }
  return nullptr;
}

// A conversion inside a loop of a value defined outside it is the same in every iteration: it moves to
// right after the value's definition and runs once.
bool hoist_invariant(ir::Operation* c) {
  ir::Operation* loop = enclosing_loop(c);
  if (!loop || !defined_outside(c->operand(0), loop)) return false;
  ir::Operation* at = right_after_definition(c->operand(0));
  if (!at || at == c) return false;
  c->move_before(at);
  return true;
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
  if (hoist_invariant(c)) return true;
  // Elementwise ops are emitted on blocked layouts only: a conversion to a simdgroup-matrix layout stays.
  if (!blocked_layout_of(want)) return false;
  ir::Operation* e = def_of(x);
  if (!e || !is_elementwise(*e) || x->users().size() != 1) return false;
  // An op that propagate-fragment-layout moved into fragments stays there (its conversion back is a sink's).
  for (const ir::Value* o : e->operands())
    if (fragment_family(o->type())) return false;
  // An operand defined outside the loop around the conversion gets a conversion that hoist_invariant moves out
  // of the loop: a mask such as `ks[:, None] < k_left` is compared in the wanted layout every iteration and
  // its loop-invariant operand converted once.
  ir::Operation* loop = enclosing_loop(c);
  for (const ir::Value* o : e->operands()) {
    if (!o->type().is_tensor()) continue;
    bool ok = same_layout(o->type(), want) || rematerialisable(o) || (is_convert(o) && o->users().size() == 1) ||
              (loop && defined_outside(o, loop)) || existing_convert(o, o->type().with_encoding(want.encoding()), e);
    if (!ok) return false;
  }
  for (size_t i = 0; i < e->num_operands(); ++i) {
    ir::Value* o = e->operand(i);
    if (!o->type().is_tensor() || same_layout(o->type(), want)) continue;
    ir::Type to = o->type().with_encoding(want.encoding());
    if (ir::Operation* prior = is_convert(o) ? nullptr : existing_convert(o, to, e))
      e->set_operand(i, prior->result());  // the same conversion already done before: reused
    else
      e->set_operand(i, create_convert_layout(o, to, e));
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
