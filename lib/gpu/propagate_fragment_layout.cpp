// Pass `propagate-fragment-layout`: dot-result consumers move into the simdgroup-matrix layout and its slices
// (see propagate_fragment_layout.h).
#include "gpu/propagate_fragment_layout.h"

#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"
#include "gpu/op_queries.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace tmetal::gpu {

namespace {
using ir::OpCode;

enum class Cheap { No, Already, FromConvert, Convert, Carried, Reslice };

ir::Value* through_converts(ir::Value* v) {
  while (ir::Operation* c = convert_of(v)) v = c->operand(0);
  return v;
}

// Whether the 1-D tensor `w` can be computed again in another layout: index tensors, constants and splats,
// loads whose pointers and mask are index tensors (and `other` a constant), elementwise ops of those.
bool resliceable(ir::Value* w, int& budget) {
  if (--budget < 0) return false;
  if (!w->type().is_tensor()) return true;
  w = through_converts(w);
  ir::Operation* d = w->defining_op();
  if (!d || d->num_results() != 1) return false;
  int index_budget = kIndexExpressionBudget;
  if (rematerialisable(w) || index_expression(w, index_budget)) return true;
  if (d->is(OpCode::Load)) {
    if (d->has_attr("volatile") || !d->operand(0)->type().is_tensor()) return false;
    for (size_t i = 0; i < d->num_operands(); ++i) {
      int b = kIndexExpressionBudget;
      ir::Value* o = through_converts(d->operand(i));
      if (i == 2 ? !rematerialisable(o) : !index_expression(o, b)) return false;
    }
    return true;
  }
  if (!is_elementwise(*d)) return false;
  for (ir::Value* o : d->operands())
    if (!resliceable(o, budget)) return false;
  return true;
}

// `o` = broadcast(expand_dims(w, axis)) of a resliceable 1-D w (conversions between allowed): a bias row or a
// per-row scale read into a 2-D tile, which can be recomputed in a slice of the fragments instead.
struct RowOrColumn {
  ir::Operation* broadcast = nullptr;
  ir::Operation* expand = nullptr;
  ir::Value* w = nullptr;
};
std::optional<RowOrColumn> broadcast_1d(const ir::Value* o) {
  ir::Operation* b = o->defining_op();
  if (!b || !b->is(OpCode::Broadcast) || b->result()->type().shape().size() != 2) return std::nullopt;
  ir::Operation* x = through_converts(b->operand(0))->defining_op();
  if (!x || !x->is(OpCode::ExpandDims)) return std::nullopt;
  ir::Value* w = through_converts(x->operand(0));
  int budget = 24;
  if (w->type().shape().size() != 1 || !resliceable(w, budget)) return std::nullopt;
  return RowOrColumn{b, x, w};
}

// A 2-D tile read by loads whose pointers and mask are index tensors (a residual added to the accumulator):
// it can be read again in the fragments' layout, each lane loading the elements it holds.
bool reloadable(const ir::Value* o) {
  ir::Operation* d = through_converts(const_cast<ir::Value*>(o))->defining_op();
  int budget = 24;
  return d && !is_convert_layout(*d) && d->num_results() == 1 && d->result()->type().shape().size() == 2 && resliceable(d->result(), budget) &&
         !rematerialisable(d->result());
}

// w (resliceable) computed again with `slice` as its layout: each op cloned right after its original (a load
// reads what the original reads), index tensors and constants converted there (codegen recomputes them).
ir::Value* reslice(ir::Value* w, const ir::EncodingPtr& slice, std::map<ir::Value*, ir::Value*>& done) {
  if (!w->type().is_tensor()) return w;
  w = through_converts(w);
  if (auto it = done.find(w); it != done.end()) return it->second;
  ir::Operation* d = w->defining_op();
  const ir::Type to = w->type().with_encoding(slice);
  ir::Value* r = nullptr;
  int index_budget = kIndexExpressionBudget;
  if (rematerialisable(w) || index_expression(w, index_budget)) {
    r = create_convert_layout(w, to, d->next());
  } else {
    std::vector<ir::Value*> operands;
    for (ir::Value* o : d->operands()) operands.push_back(reslice(o, slice, done));
    auto fresh = ir::Operation::create(&d->info(), d->loc(), operands, {to}, d->attrs());
    r = d->parent_block()->insert(std::next(d->position()), std::move(fresh))->result();
  }
  done[w] = r;
  return r;
}

// How operand `o` of `u` gets type `to` without a threadgroup round trip in every iteration.
Cheap cheap_in(const ir::Value* o, const ir::Type& to, const ir::Operation& u) {
  if (o->type() == to) return Cheap::Already;
  if (ir::Operation* c = convert_of(o); c && c->operand(0)->type() == to) return Cheap::FromConvert;
  if (!blocked_layout_of(o->type())) return Cheap::No;
  if (rematerialisable(o)) return Cheap::Convert;
  int budget = kIndexExpressionBudget;
  if (index_expression(o, budget)) return Cheap::Convert;
  if (ir::Operation* loop = enclosing_loop(&u); loop && defined_outside(o, loop)) return Cheap::Convert;
  size_t i = 0;
  if (carried_by(o, i)) return Cheap::Carried;
  if (simdgroup_matrix_layout_of(to) && (broadcast_1d(o) || reloadable(o))) return Cheap::Reslice;
  return Cheap::No;
}

// The type u's result takes when u reads its operand `y` in fragment type `f` (u already known not to be a
// yield or a dot), or nullopt when u cannot run in fragments.
std::optional<ir::Type> adopted_type(const ir::Operation& u, const ir::Type& f) {
  if (u.num_results() != 1) return std::nullopt;
  const ir::Type& r = u.result()->type();
  if (!r.is_tensor() || !blocked_layout_of(r)) return std::nullopt;
  if (u.is(OpCode::Reduce)) {
    const SimdgroupMatrixLayout* m = simdgroup_matrix_layout_of(f);
    if (!m || u.num_operands() != 1) return std::nullopt;
    ir::ScalarKind k = f.element().scalar_kind();  // simd_shuffle_xor's types
    if (k != ir::ScalarKind::F32 && k != ir::ScalarKind::F16 && k != ir::ScalarKind::BF16 && k != ir::ScalarKind::I32) return std::nullopt;
    int axis = static_cast<int>(u.int_attr("axis"));
    if (axis < 0 || axis > 1 || (axis == 1 ? m->simds_n : m->simds_m) != 1) return std::nullopt;  // no cross-simdgroup step
    return r.with_encoding(std::make_shared<SimdgroupMatrixSliceEncoding>(SimdgroupMatrixSliceLayout{axis, *m}));
  }
  if (u.is(OpCode::ExpandDims)) {
    const SimdgroupMatrixSliceLayout* s = simdgroup_matrix_slice_layout_of(f);
    if (!s || f.shape().size() != 1 || u.int_attr("axis") != s->dim) return std::nullopt;
    return r.with_encoding(f.encoding());
  }
  if (u.is(OpCode::Broadcast)) {
    const SimdgroupMatrixSliceLayout* s = simdgroup_matrix_slice_layout_of(f);
    if (!s || f.shape().size() != 2 || r.shape().size() != 2) return std::nullopt;
    const int keep = 1 - s->dim;
    if (r.shape()[keep] != f.shape()[keep]) return std::nullopt;
    int64_t along = r.shape()[s->dim];
    int64_t split = s->dim == 1 ? s->parent.simds_n : s->parent.simds_m;
    if (along % 8 || (along / 8) % split) return std::nullopt;
    return r.with_encoding(std::make_shared<SimdgroupMatrixEncoding>(s->parent));
  }
  if (!is_elementwise(u) || r.element().is_pointer()) return std::nullopt;
  return r.with_encoding(f.encoding());
}

// tt.dot operand A read straight from fragments: f16 / f32 fragments of the dot's own row split.
bool fragment_operand(const ir::Operation& dot, size_t idx, const ir::Type& f) {
  if (idx != 0 || dot.int_attr("gpu.trans_a") != 0) return false;
  const SimdgroupMatrixLayout* a = simdgroup_matrix_layout_of(f);
  const SimdgroupMatrixLayout* r = simdgroup_matrix_layout_of(dot.result()->type());
  ir::ScalarKind k = f.element().scalar_kind();
  if (!a || !r || (k != ir::ScalarKind::F16 && k != ir::ScalarKind::F32)) return false;
  ir::ScalarKind bk = dot.operand(1)->type().element().scalar_kind();
  if (bk != k) return false;  // mixed inputs are multiplied as float fragments: staged
  return a->simds_n == 1 && r->simds_n == 1 && a->simds_m == r->simds_m && f.shape()[0] == dot.result()->type().shape()[0];
}

// Whether F is the result layout of a chain dot (gpu.chain, assign-dot-layouts: flash attention) of u's
// function. Their stores keep the conversion through threadgroup memory: stored from the fragments, flash
// attention's O tile raised the CUDA proxy's registers at head dim 128 from 168 to 181 (3 -> 2 threadgroups per
// SM) and ran 8.7 -> 6.8 TFLOP/s (causal 8.1 -> 5.9), while d64 was unchanged and the GEMMs gained (f16 matmul
// 21.7 -> 22.4, matmul_bias_act 19.6 -> 20.7; bench/results/2026-12-02-H200-epilogue.md).
bool chain_fragments(const ir::Operation& u, const ir::Type& f) {
  const ir::Operation* func = &u;
  while (func->parent_op()) func = func->parent_op();
  bool chain = false;
  const_cast<ir::Operation*>(func)->walk([&](ir::Operation* op) {
    if (op->is(OpCode::Dot) && op->int_attr("gpu.chain") != 0 && op->result()->type().encoding() && f.encoding() &&
        op->result()->type().encoding()->equals(*f.encoding()))
      chain = true;
  });
  return chain;
}

// tt.store of `y` (= convert(x : F -> blocked)) stores the fragments x themselves, each lane its elements
// (Apple's lane map), when its pointers and mask are cheap in F (index tensors: recomputed there); through a
// block pointer, the value alone moves (the block pointer gives every element's address).
bool adopt_store(ir::Operation& u, ir::Value* y, ir::Value* x) {
  if (u.num_operands() < 2 || u.operand(1) != y) return false;
  const ir::Type f = x->type();
  const bool block = u.operand(0)->type().is_pointer() && u.operand(0)->type().pointee().is_tensor();
  std::vector<Cheap> how(u.num_operands(), Cheap::Already);
  if (!block)
    for (size_t i = 0; i < u.num_operands(); ++i) {
      const ir::Value* o = u.operand(i);
      if (i == 1 || !o->type().is_tensor()) continue;
      how[i] = cheap_in(o, o->type().with_encoding(f.encoding()), u);
      if (how[i] != Cheap::Already && how[i] != Cheap::FromConvert && how[i] != Cheap::Convert) return false;
    }
  u.set_operand(1, x);
  for (size_t i = 0; i < u.num_operands(); ++i) {
    ir::Value* o = u.operand(i);
    if (i == 1 || !o->type().is_tensor()) continue;
    if (how[i] == Cheap::FromConvert) u.set_operand(i, convert_of(o)->operand(0));
    if (how[i] == Cheap::Convert) u.set_operand(i, create_convert_layout(o, o->type().with_encoding(f.encoding()), &u));
  }
  return true;
}

// Moves user `u` of conversion `c` (fragments -> blocked) into fragments; false when it cannot.
bool adopt(ir::Operation& c, ir::Operation& u, std::set<ir::Operation*>& resliced) {
  ir::Value* y = c.result();
  ir::Value* x = c.operand(0);
  const ir::Type f = x->type();
  if (u.is(OpCode::Yield)) {
    ir::Operation* loop = u.parent_op();
    if (!loop || !loop->is(OpCode::For)) return false;
    for (size_t i = 0; i < u.num_operands(); ++i)
      if (u.operand(i) == y && loop->body().argument(1 + i)->type() == y->type()) {
        retype_carried(*loop, i, f);
        return true;
      }
    return false;
  }
  if (u.is(OpCode::Dot)) {
    for (size_t i = 0; i < 2; ++i)
      if (u.operand(i) == y && fragment_operand(u, i, f)) {
        u.set_operand(i, x);
        return true;
      }
    return false;
  }
  if (u.is(OpCode::Store)) return !chain_fragments(u, f) && adopt_store(u, y, x);
  std::optional<ir::Type> t = adopted_type(u, f);
  if (!t) return false;
  // Every other tensor operand must be cheap in the layout it will be read in.
  std::vector<Cheap> how(u.num_operands(), Cheap::Already);
  for (size_t i = 0; i < u.num_operands(); ++i) {
    const ir::Value* o = u.operand(i);
    if (o == y || !o->type().is_tensor()) continue;
    if (o->type().shape() != t->shape()) return false;
    how[i] = cheap_in(o, o->type().with_encoding(t->encoding()), u);
    if (how[i] == Cheap::No) return false;
  }
  for (size_t i = 0; i < u.num_operands(); ++i) {
    ir::Value* o = u.operand(i);
    if (o == y) {
      u.set_operand(i, x);
      continue;
    }
    if (!o->type().is_tensor()) continue;
    ir::Type to = o->type().with_encoding(t->encoding());
    switch (how[i]) {
      case Cheap::Already: break;
      case Cheap::FromConvert: u.set_operand(i, convert_of(o)->operand(0)); break;
      case Cheap::Convert: u.set_operand(i, create_convert_layout(o, to, &u)); break;
      case Cheap::Carried: {
        size_t index = 0;
        ir::Operation* loop = carried_by(o, index);
        retype_carried(*loop, index, to);  // o itself is now `to`; its old users (u too) read a conversion back
        u.set_operand(i, o);
        break;
      }
      case Cheap::Reslice: {
        // The 1-D value again in the slice of F along the broadcast dimension, then expand_dims and broadcast
        // inside the fragment family (registers only).
        const std::optional<RowOrColumn> row_or_column = broadcast_1d(o);
        if (!row_or_column) {  // a 2-D tile: loaded again in F itself
          std::map<ir::Value*, ir::Value*> done;
          u.set_operand(i, reslice(o, to.encoding(), done));
          for (auto& [orig, copy] : done) resliced.insert(orig->defining_op());
          break;
        }
        const RowOrColumn& rc = *row_or_column;
        const int axis = static_cast<int>(rc.expand->int_attr("axis"));
        const ir::EncodingPtr slice = std::make_shared<SimdgroupMatrixSliceEncoding>(SimdgroupMatrixSliceLayout{axis, *simdgroup_matrix_layout_of(to)});
        std::map<ir::Value*, ir::Value*> done;
        ir::Value* w = reslice(rc.w, slice, done);
        for (auto& [orig, copy] : done) resliced.insert(orig->defining_op());
        ir::Block* b = u.parent_block();
        auto e = ir::Operation::create(&rc.expand->info(), rc.expand->loc(), {w}, {rc.expand->result()->type().with_encoding(slice)}, rc.expand->attrs());
        ir::Value* ev = b->insert(u.position(), std::move(e))->result();
        auto bc = ir::Operation::create(&rc.broadcast->info(), rc.broadcast->loc(), {ev}, {to}, rc.broadcast->attrs());
        u.set_operand(i, b->insert(u.position(), std::move(bc))->result());
        break;
      }
      case Cheap::No: break;
    }
  }
  retype_with_conversion(u.result(), *t, u.next());
  return true;
}

void erase_unused_converts(ir::Operation& func) {
  for (bool again = true; again;) {
    again = false;
    std::vector<ir::Operation*> dead;
    func.walk([&](ir::Operation* op) {
      if (is_convert_layout(*op) && op->result()->use_empty()) dead.push_back(op);
    });
    for (ir::Operation* op : dead) op->erase();
    again = !dead.empty();
  }
}

// convert(convert(x)) -> convert(x); convert(x : T -> T) -> x.
void fold_chains(ir::Operation& func) {
  std::vector<ir::Operation*> converts;
  func.walk([&](ir::Operation* op) {
    if (is_convert_layout(*op)) converts.push_back(op);
  });
  for (ir::Operation* c : converts)
    while (ir::Operation* inner = convert_of(c->operand(0))) c->set_operand(0, inner->operand(0));
  for (ir::Operation* c : converts)
    if (c->operand(0)->type() == c->result()->type()) c->result()->replace_all_uses_with(c->operand(0));
  erase_unused_converts(func);
}
}  // namespace

int propagate_fragment_layout(ir::Operation& func) {
  register_gpu_ops();
  int moved = 0;
  std::set<ir::Operation*> resliced;  // ops computed again in a fragment layout: erased below once unused
  for (bool changed = true; changed;) {
    changed = false;
    fold_chains(func);
    std::vector<ir::Operation*> converts;
    func.walk([&](ir::Operation* op) {
      if (is_convert_layout(*op) && fragment_family(op->operand(0)->type()) && blocked_layout_of(op->result()->type()))
        converts.push_back(op);
    });
    for (ir::Operation* c : converts) {
      std::vector<ir::Operation*> users = c->result()->users();
      for (ir::Operation* u : users)
        if (adopt(*c, *u, resliced)) {
          changed = true;
          ++moved;
          break;
        }
      if (changed) break;  // the IR changed under the list
    }
  }
  // The originals of what was computed again (loads included), with the pure ops only they fed.
  for (bool again = true; again;) {
    again = false;
    std::vector<ir::Operation*> dead;
    func.walk([&](ir::Operation* op) {
      bool pure = op->has_trait(ir::trait::P) && op->num_regions() == 0 && op->num_results() == 1;
      if ((pure || resliced.count(op)) && op->num_results() == 1 && op->result()->use_empty()) dead.push_back(op);
    });
    for (ir::Operation* op : dead) {
      resliced.erase(op);
      op->erase();
    }
    again = !dead.empty();
  }
  return moved;
}

}  // namespace tmetal::gpu
