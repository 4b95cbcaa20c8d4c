// Canonicalization: local rewrites to a simpler equivalent form, repeated until nothing changes.
//   algebraic identities   x+0, x-0, x*1, x/1, x|0, x^0, x<<0, x>>0 → x;  x*0, x&0 → 0 (integers);
//                          x-x, x^x → 0 (integers);  x&x, x|x, max/min(x,x) → x;  x*1.0, x/1.0 → x (floats)
//   commutative ops        a constant operand moves to the right
//   select                 select(true, a, b) → a;  select(false, a, b) → b;  select(c, a, a) → a
//   shape ops              broadcast/reshape to the same type → operand;  broadcast(splat s) → splat s;
//                          expand_dims(splat s) → splat s;  reshape(splat s) → splat s;  trans(splat s) → splat s;
//                          broadcast(broadcast x) → broadcast x
//   pointers               addptr(p, 0) → p
//   casts                  extsi(extsi x) → extsi x, extui(extui x) → extui x
#include "transforms/pass.h"

#include "ir/builder.h"

namespace tmetal::transforms {
namespace {

using namespace ir;

bool is_int_const(const Value* v, int64_t want) {
  int64_t c;
  return constant_int_value(v, c) && c == want;
}
bool is_float_const(const Value* v, double want) {
  double c;
  return constant_float_value(v, c) && c == want;
}
bool is_const(const Value* v) { return v->defining_op() && v->defining_op()->is(OpCode::Constant); }
Operation* def_of(const Value* v, OpCode code) {
  Operation* d = v->defining_op();
  return d && d->is(code) ? d : nullptr;
}

// Returns the value `op`'s result can be replaced with, or null. May create new ops before `op`.
Value* simplify(Operation* op) {
  size_t n = op->num_operands();
  Value* a = n > 0 ? op->operand(0) : nullptr;
  Value* b = n > 1 ? op->operand(1) : nullptr;
  Type t = op->num_results() == 1 ? op->result()->type() : Type();
  Builder bld;
  bld.set_insertion_point(op);
  bld.set_loc(op->loc());
  switch (op->code()) {
    case OpCode::AddI: case OpCode::OrI: case OpCode::XOrI: case OpCode::ShLI: case OpCode::ShRSI: case OpCode::ShRUI:
      if (is_int_const(b, 0)) return a;
      if (op->is(OpCode::XOrI) && a == b) return bld.constant_int(0, t);
      if (op->is(OpCode::OrI) && a == b) return a;
      break;
    case OpCode::SubI:
      if (is_int_const(b, 0)) return a;
      if (a == b) return bld.constant_int(0, t);
      break;
    case OpCode::MulI:
      if (is_int_const(b, 1)) return a;
      if (is_int_const(b, 0)) return b;
      break;
    case OpCode::AndI:
      if (is_int_const(b, 0)) return b;
      if (a == b) return a;
      break;
    case OpCode::DivSI: case OpCode::DivUI:
      if (is_int_const(b, 1)) return a;
      break;
    case OpCode::MaxSI: case OpCode::MinSI: case OpCode::MaxUI: case OpCode::MinUI: case OpCode::MaxNumF:
    case OpCode::MinNumF: case OpCode::MaximumF: case OpCode::MinimumF:
      if (a == b) return a;
      break;
    case OpCode::MulF: case OpCode::DivF:
      if (is_float_const(b, 1.0)) return a;
      break;
    case OpCode::Select:
      if (a == nullptr) break;
      if (int64_t c; constant_int_value(a, c)) return c ? op->operand(1) : op->operand(2);
      if (op->operand(1) == op->operand(2)) return op->operand(1);
      break;
    case OpCode::Broadcast:
    case OpCode::Reshape:
      if (a->type() == t) return a;
      [[fallthrough]];
    case OpCode::ExpandDims:
    case OpCode::Trans:
      if (Operation* s = def_of(a, OpCode::Splat)) return bld.value(OpCode::Splat, {s->operand(0)}, t);
      if (op->is(OpCode::Broadcast))
        if (Operation* inner = def_of(a, OpCode::Broadcast)) return bld.value(OpCode::Broadcast, {inner->operand(0)}, t);
      break;
    case OpCode::AddPtr:
      if (is_int_const(b, 0)) return a;
      break;
    case OpCode::ExtSI: case OpCode::ExtUI:
      if (Operation* inner = def_of(a, op->code())) return bld.value(op->code(), {inner->operand(0)}, t);
      break;
    default: break;
  }
  return nullptr;
}

class CanonicalizePass : public Pass {
 public:
  std::string name() const override { return "canonicalize"; }
  void run(Operation& module) override {
    for (int round = 0; round < 16; ++round) {
      bool changed = false;
      module.walk([&](Operation* op) {
        if (op->has_trait(trait::C) && op->num_operands() == 2 && is_const(op->operand(0)) && !is_const(op->operand(1))) {
          Value* lhs = op->operand(0);
          op->set_operand(0, op->operand(1));
          op->set_operand(1, lhs);
          changed = true;
        }
        if (op->num_results() != 1 || op->num_regions()) return;
        if (Value* v = simplify(op)) {
          op->result()->replace_all_uses_with(v);
          op->erase();
          changed = true;
        }
      });
      if (!changed) break;
    }
  }
};

}  // namespace

std::unique_ptr<Pass> create_canonicalize_pass() { return std::make_unique<CanonicalizePass>(); }

}  // namespace tmetal::transforms
