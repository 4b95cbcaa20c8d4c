// Op-specific checks of the built-in tile-IR ops. Each returns "" when the op is well formed, else a
// one-line reason. Generic checks (dominance, region structure, terminators) live in verifier.cpp.
#include "ir/op_verifiers.h"

#include "ir/operation.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace tmetal::ir {
namespace {

using Check = std::string (*)(const Operation&);

std::string count(const Operation& op, size_t operands, size_t results) {
  if (op.num_operands() != operands) return fmt::format("expects {} operands, has {}", operands, op.num_operands());
  if (op.num_results() != results) return fmt::format("expects {} results, has {}", results, op.num_results());
  return "";
}

bool shaped_like(Type a, Type b) { return a.shape() == b.shape() && a.is_tensor() == b.is_tensor(); }
Type elem(Type t) { return t.element(); }
bool is_bool(Type t) { return elem(t) == Type::i1(); }
bool is_ptr_like(Type t) { return elem(t).is_pointer(); }

// All operands and the single result have one type whose element is an int (ints) or a float (!ints).
std::string same_type_arith(const Operation& op, size_t n, int kind /*0 int, 1 float*/) {
  if (auto e = count(op, n, 1); !e.empty()) return e;
  Type t = op.result()->type();
  for (Value* v : op.operands())
    if (v->type() != t) return fmt::format("operand type {} differs from result type {}", v->type().str(), t.str());
  Type e = elem(t);
  if (kind == 0 && !e.is_int()) return "expects integer operands, got " + t.str();
  if (kind == 1 && !e.is_float()) return "expects floating-point operands, got " + t.str();
  return "";
}
std::string int_binary(const Operation& op) { return same_type_arith(op, 2, 0); }
std::string float_binary(const Operation& op) { return same_type_arith(op, 2, 1); }
std::string float_unary(const Operation& op) { return same_type_arith(op, 1, 1); }
std::string int_unary(const Operation& op) { return same_type_arith(op, 1, 0); }
std::string float_ternary(const Operation& op) { return same_type_arith(op, 3, 1); }

std::string compare(const Operation& op, bool is_float) {
  if (auto e = count(op, 2, 1); !e.empty()) return e;
  Type a = op.operand(0)->type();
  if (a != op.operand(1)->type()) return "compared operands have different types";
  if (is_float ? !elem(a).is_float() : !(elem(a).is_int() || elem(a).is_pointer())) return "operand element type " + elem(a).str() + " does not fit this comparison";
  if (op.result()->type() != a.with_element(Type::i1())) return "result must be i1 with the operands' shape";
  static const char* kInt[] = {"eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"};
  static const char* kFloat[] = {"oeq", "one", "olt", "ole", "ogt", "oge", "ueq", "une", "ult", "ule", "ugt", "uge", "ord", "uno"};
  std::string p = op.str_attr("predicate");
  bool ok = is_float ? std::any_of(std::begin(kFloat), std::end(kFloat), [&](auto s) { return p == s; })
                     : std::any_of(std::begin(kInt), std::end(kInt), [&](auto s) { return p == s; });
  return ok ? "" : "unknown predicate '" + p + "'";
}

// Casts: one operand, same shape; `from`/`to` say which element kinds are allowed and how widths relate.
std::string cast(const Operation& op, char from, char to, int width_order /* -1 narrower, 0 any, 1 wider */) {
  if (auto e = count(op, 1, 1); !e.empty()) return e;
  Type s = op.operand(0)->type(), d = op.result()->type();
  if (!shaped_like(s, d)) return "cast changes the shape";
  Type se = elem(s), de = elem(d);
  auto fits = [](Type t, char k) { return k == 'i' ? t.is_int() : k == 'f' ? t.is_float() : t.is_pointer(); };
  if (!fits(se, from) || !fits(de, to)) return fmt::format("cannot cast {} to {} with this op", se.str(), de.str());
  if (width_order != 0 && se.is_scalar() && de.is_scalar()) {
    if (width_order > 0 && de.bits() <= se.bits()) return "result must be wider than the operand";
    if (width_order < 0 && de.bits() >= se.bits()) return "result must be narrower than the operand";
  }
  return "";
}

std::string check_constant(const Operation& op) {
  if (auto e = count(op, 0, 1); !e.empty()) return e;
  const Attribute* v = op.attr("value");
  Type e = elem(op.result()->type());
  if (!v) return "missing 'value' attribute";
  if (v->is<IntAttr>()) return v->get<IntAttr>().type == e ? "" : "value type does not match the result element type";
  if (v->is<FloatAttr>()) return v->get<FloatAttr>().type == e ? "" : "value type does not match the result element type";
  return "'value' must be an integer or float attribute";
}

std::string check_program_id(const Operation& op) {
  if (auto e = count(op, 0, 1); !e.empty()) return e;
  int64_t axis = op.int_attr("axis", -1);
  if (axis < 0 || axis > 2) return "axis must be 0, 1 or 2";
  return op.result()->type() == Type::i32() ? "" : "result must be i32";
}

std::string check_make_range(const Operation& op) {
  if (auto e = count(op, 0, 1); !e.empty()) return e;
  int64_t start = op.int_attr("start", -1), end = op.int_attr("end", -1);
  Type t = op.result()->type();
  if (start < 0 || end <= start) return "needs 0 <= start < end";
  if (t != Type::tensor({end - start}, Type::i32(), t.encoding())) return fmt::format("result must be tensor<{}xi32>", end - start);
  return "";
}

std::string check_splat(const Operation& op) {
  if (auto e = count(op, 1, 1); !e.empty()) return e;
  Type r = op.result()->type();
  if (!r.is_tensor() || op.operand(0)->type().is_tensor()) return "splats a scalar into a tensor";
  return r.element() == op.operand(0)->type() ? "" : "result element type differs from the operand type";
}

std::string check_broadcast(const Operation& op) {
  if (auto e = count(op, 1, 1); !e.empty()) return e;
  Type s = op.operand(0)->type(), r = op.result()->type();
  if (!s.is_tensor() || !r.is_tensor() || s.shape().size() != r.shape().size()) return "broadcast keeps the rank of a tensor";
  if (s.element() != r.element()) return "broadcast changes the element type";
  for (size_t i = 0; i < s.shape().size(); ++i)
    if (s.shape()[i] != r.shape()[i] && s.shape()[i] != 1) return fmt::format("dimension {} of size {} cannot broadcast to {}", i, s.shape()[i], r.shape()[i]);
  return "";
}

std::string check_expand_dims(const Operation& op) {
  if (auto e = count(op, 1, 1); !e.empty()) return e;
  Type s = op.operand(0)->type();
  auto shape = s.shape();
  int64_t axis = op.int_attr("axis", -1);
  if (axis < 0 || axis > static_cast<int64_t>(shape.size())) return "axis out of range";
  shape.insert(shape.begin() + axis, 1);
  Type r = op.result()->type();
  return r.is_tensor() && r.shape() == shape && r.element() == s.element() ? "" : "result shape must insert a 1 at axis";
}

std::string check_reshape(const Operation& op) {
  if (auto e = count(op, 1, 1); !e.empty()) return e;
  Type s = op.operand(0)->type(), r = op.result()->type();
  if (!r.is_tensor() || s.element() != r.element()) return "reshape keeps the element type";
  return s.num_elements() == r.num_elements() ? "" : "reshape changes the number of elements";
}

std::string check_trans(const Operation& op) {
  if (auto e = count(op, 1, 1); !e.empty()) return e;
  Type s = op.operand(0)->type(), r = op.result()->type();
  auto order = op.array_attr("order");
  if (!s.is_tensor() || order.size() != s.shape().size()) return "order must list every dimension";
  std::vector<int64_t> sorted = order, expect(order.size());
  std::sort(sorted.begin(), sorted.end());
  std::iota(expect.begin(), expect.end(), 0);
  if (sorted != expect) return "order must be a permutation";
  std::vector<int64_t> shape;
  for (int64_t d : order) shape.push_back(s.shape()[static_cast<size_t>(d)]);
  return r.is_tensor() && r.shape() == shape && r.element() == s.element() ? "" : "result shape must be the permuted operand shape";
}

std::string check_join(const Operation& op) {
  if (auto e = count(op, 2, 1); !e.empty()) return e;
  Type a = op.operand(0)->type();
  if (a != op.operand(1)->type()) return "joined operands must have one type";
  auto shape = a.shape();
  shape.push_back(2);
  return op.result()->type().shape() == shape ? "" : "result shape must append a dimension of 2";
}

std::string check_split(const Operation& op) {
  if (auto e = count(op, 1, 2); !e.empty()) return e;
  auto shape = op.operand(0)->type().shape();
  if (shape.empty() || shape.back() != 2) return "split needs a last dimension of 2";
  shape.pop_back();
  for (int i = 0; i < 2; ++i)
    if (op.result(i)->type().shape() != shape) return "results drop the last dimension";
  return "";
}

std::string check_histogram(const Operation& op) {
  if (auto e = count(op, 1, 1); !e.empty()) return e;
  Type s = op.operand(0)->type(), r = op.result()->type();
  return s.is_tensor() && r.is_tensor() && elem(s).is_int() && r.shape().size() == 1 && elem(r) == Type::i32() ? "" : "histogram maps an int tensor to a 1-D i32 tensor";
}

std::string check_addptr(const Operation& op) {
  if (auto e = count(op, 2, 1); !e.empty()) return e;
  Type p = op.operand(0)->type(), off = op.operand(1)->type();
  if (!is_ptr_like(p)) return "first operand must be a pointer";
  if (!elem(off).is_int()) return "offset must be an integer";
  if (!shaped_like(p, off)) return "pointer and offset shapes differ";
  return op.result()->type() == p ? "" : "result type must equal the pointer type";
}

// The value type a pointer operand loads or stores: tensor of pointee, or the block of a block pointer.
Type pointee_value(Type p) {
  if (p.is_pointer() && p.pointee().is_tensor()) return p.pointee();
  return p.with_element(elem(p).pointee());
}

std::string check_mask(Type ptr, Value* mask) {
  Type m = mask->type();
  if (!is_bool(m)) return "mask must be i1";
  return m.shape() == pointee_value(ptr).shape() ? "" : "mask shape differs from the pointer shape";
}

std::string check_load(const Operation& op) {
  if (op.num_operands() < 1 || op.num_operands() > 3 || op.num_results() != 1) return "expects ptr [, mask [, other]] and one result";
  Type p = op.operand(0)->type();
  if (!is_ptr_like(p)) return "loads through a pointer";
  Type v = pointee_value(p);
  if (op.result()->type().element() != v.element() || op.result()->type().shape() != v.shape()) return fmt::format("result type {} does not match the pointee {}", op.result()->type().str(), v.str());
  if (op.num_operands() >= 2)
    if (auto e = check_mask(p, op.operand(1)); !e.empty()) return e;
  if (op.num_operands() == 3 && op.operand(2)->type() != op.result()->type()) return "'other' must have the result type";
  return "";
}

std::string check_store(const Operation& op) {
  if (op.num_operands() < 2 || op.num_operands() > 3 || op.num_results() != 0) return "expects ptr, value [, mask] and no result";
  Type p = op.operand(0)->type();
  if (!is_ptr_like(p)) return "stores through a pointer";
  Type v = pointee_value(p), t = op.operand(1)->type();
  if (t.element() != v.element() || t.shape() != v.shape()) return fmt::format("stored value {} does not match the pointee {}", t.str(), v.str());
  if (op.num_operands() == 3) return check_mask(p, op.operand(2));
  return "";
}

std::string check_atomic_rmw(const Operation& op) {
  if (op.num_operands() < 2 || op.num_operands() > 3 || op.num_results() != 1) return "expects ptr, value [, mask] and one result";
  Type p = op.operand(0)->type();
  if (!is_ptr_like(p) || pointee_value(p) != op.operand(1)->type()) return "value must match the pointee type";
  if (op.result()->type() != op.operand(1)->type()) return "result must have the value type";
  static const char* kinds[] = {"add", "fadd", "max", "umax", "min", "umin", "and", "or", "xor", "xchg"};
  std::string k = op.str_attr("kind");
  if (std::none_of(std::begin(kinds), std::end(kinds), [&](auto s) { return k == s; })) return "unknown atomic kind '" + k + "'";
  if (op.num_operands() == 3) return check_mask(p, op.operand(2));
  return "";
}

std::string check_atomic_cas(const Operation& op) {
  if (auto e = count(op, 3, 1); !e.empty()) return e;
  Type v = pointee_value(op.operand(0)->type());
  if (!is_ptr_like(op.operand(0)->type()) || op.operand(1)->type() != v || op.operand(2)->type() != v || op.result()->type() != v) return "cmp, value and result must match the pointee type";
  return "";
}

std::string check_make_tensor_ptr(const Operation& op) {
  Type r = op.result()->type();
  if (op.num_results() != 1 || !r.is_pointer() || !r.pointee().is_tensor()) return "result must be a pointer to a tensor";
  size_t rank = r.pointee().shape().size();
  if (op.num_operands() != 1 + 3 * rank) return fmt::format("expects base plus {} shape, stride and offset operands", 3 * rank);
  Type base = op.operand(0)->type();
  if (!base.is_pointer() || base.pointee() != r.pointee().element()) return "base must point to the block's element type";
  for (size_t i = 1; i <= 2 * rank; ++i)
    if (op.operand(i)->type() != Type::i64()) return "shape and strides must be i64";
  for (size_t i = 1 + 2 * rank; i < op.num_operands(); ++i)
    if (op.operand(i)->type() != Type::i32()) return "offsets must be i32";
  return op.array_attr("order").size() == rank ? "" : "order must list every dimension";
}

std::string check_advance(const Operation& op) {
  Type p = op.operand(0)->type();
  if (op.num_results() != 1 || !p.is_pointer() || !p.pointee().is_tensor()) return "advances a block pointer";
  if (op.num_operands() != 1 + p.pointee().shape().size()) return "expects one offset per dimension";
  for (size_t i = 1; i < op.num_operands(); ++i)
    if (op.operand(i)->type() != Type::i32()) return "offsets must be i32";
  return op.result()->type() == p ? "" : "result type must equal the operand type";
}

std::string check_mulhi(const Operation& op) { return same_type_arith(op, 2, 0); }
std::string check_cmpi(const Operation& op) { return compare(op, false); }
std::string check_cmpf(const Operation& op) { return compare(op, true); }
std::string check_extsi(const Operation& op) { return cast(op, 'i', 'i', 1); }
std::string check_trunci(const Operation& op) { return cast(op, 'i', 'i', -1); }
std::string check_itofp(const Operation& op) { return cast(op, 'i', 'f', 0); }
std::string check_fptoi(const Operation& op) { return cast(op, 'f', 'i', 0); }
std::string check_extf(const Operation& op) { return cast(op, 'f', 'f', 0); }
std::string check_ptrtoint(const Operation& op) { return cast(op, 'p', 'i', 0); }
std::string check_inttoptr(const Operation& op) { return cast(op, 'i', 'p', 0); }

std::string check_bitcast(const Operation& op) {
  if (auto e = count(op, 1, 1); !e.empty()) return e;
  Type s = op.operand(0)->type(), d = op.result()->type();
  if (!shaped_like(s, d)) return "bitcast changes the shape";
  Type se = elem(s), de = elem(d);
  if (se.is_pointer() || de.is_pointer()) return se.is_pointer() && de.is_pointer() ? "" : "cannot bitcast between pointers and numbers";
  return se.bits() == de.bits() ? "" : "bitcast needs equal bit widths";
}

std::string check_select(const Operation& op) {
  if (auto e = count(op, 3, 1); !e.empty()) return e;
  Type c = op.operand(0)->type(), t = op.result()->type();
  if (!is_bool(c)) return "condition must be i1";
  if (op.operand(1)->type() != t || op.operand(2)->type() != t) return "both choices must have the result type";
  if (c.is_tensor() && c.shape() != t.shape()) return "condition shape differs from the result shape";
  return "";
}

std::string check_dot(const Operation& op) {
  if (auto e = count(op, 3, 1); !e.empty()) return e;
  Type a = op.operand(0)->type(), b = op.operand(1)->type(), c = op.operand(2)->type();
  if (a.shape().size() != 2 || b.shape().size() != 2 || c.shape().size() != 2) return "dot takes 2-D tensors";
  if (a.shape()[1] != b.shape()[0]) return fmt::format("inner dimensions differ: {} and {}", a.shape()[1], b.shape()[0]);
  if (c.shape()[0] != a.shape()[0] || c.shape()[1] != b.shape()[1]) return "accumulator shape must be MxN";
  if (elem(a) != elem(b)) return "operands must have one element type";
  return op.result()->type() == c ? "" : "result must have the accumulator type";
}

std::string check_reduce_like(const Operation& op, bool scan) {
  size_t n = op.num_operands();
  if (n == 0 || op.num_results() != n || op.num_regions() != 1) return "expects n operands, n results and a combine region";
  auto shape = op.operand(0)->type().shape();
  int64_t axis = op.int_attr("axis", -1);
  if (axis < 0 || axis >= static_cast<int64_t>(shape.size())) return "axis out of range";
  auto out = shape;
  if (!scan) out.erase(out.begin() + axis);
  const Block& body = op.body();
  if (body.num_arguments() != 2 * n) return fmt::format("combine region needs {} arguments", 2 * n);
  for (size_t i = 0; i < n; ++i) {
    Type t = op.operand(i)->type();
    if (t.shape() != shape) return "operands must have one shape";
    Type r = op.result(i)->type();
    Type want = out.empty() ? t.element() : Type::tensor(out, t.element());
    if (r.shape() != want.shape() || r.element() != want.element()) return fmt::format("result {} must be {}", i, want.str());
    if (body.argument(i)->type() != t.element() || body.argument(i + n)->type() != t.element()) return "combine arguments must be the element types";
  }
  return "";
}
std::string check_reduce(const Operation& op) { return check_reduce_like(op, false); }
std::string check_scan(const Operation& op) { return check_reduce_like(op, true); }

std::string check_for(const Operation& op) {
  if (op.num_operands() < 3 || op.num_regions() != 1) return "expects lb, ub, step, inits and a body";
  Type iv = op.operand(0)->type();
  if (!iv.is_int() || op.operand(1)->type() != iv || op.operand(2)->type() != iv) return "bounds and step must be one integer type";
  size_t n = op.num_operands() - 3;
  if (op.num_results() != n) return "one result per loop-carried value";
  const Block& body = op.body();
  if (body.num_arguments() != n + 1 || body.argument(0)->type() != iv) return "body takes the induction variable and the carried values";
  for (size_t i = 0; i < n; ++i)
    if (op.operand(3 + i)->type() != op.result(i)->type() || body.argument(1 + i)->type() != op.result(i)->type()) return fmt::format("carried value {} changes type", i);
  return "";
}

std::string check_while(const Operation& op) {
  if (op.num_regions() != 2) return "expects a before and an after region";
  const Block& before = op.body(0);
  const Block& after = op.body(1);
  if (before.num_arguments() != op.num_operands()) return "before region takes the initial values";
  for (size_t i = 0; i < op.num_operands(); ++i)
    if (before.argument(i)->type() != op.operand(i)->type()) return "before arguments must match the initial values";
  if (after.num_arguments() != op.num_results()) return "after region takes the results";
  for (size_t i = 0; i < op.num_results(); ++i)
    if (after.argument(i)->type() != op.result(i)->type()) return "after arguments must match the results";
  return "";
}

std::string check_if(const Operation& op) {
  if (op.num_operands() != 1 || op.operand(0)->type() != Type::i1() || op.num_regions() != 2) return "expects an i1 condition and then/else regions";
  return "";
}

std::string check_assert(const Operation& op) {
  if (op.num_operands() != 1 || !is_bool(op.operand(0)->type())) return "asserts one i1 condition";
  return "";
}

std::string check_func(const Operation& op) {
  if (op.num_operands() || op.num_results() || op.num_regions() != 1) return "a function has one body region and no operands";
  if (op.str_attr("sym_name").empty()) return "missing sym_name";
  return "";
}

std::string check_module(const Operation& op) {
  if (op.num_regions() != 1) return "a module has one region";
  for (auto& inner : op.body().ops())
    if (!inner->is(OpCode::Func)) return "a module holds only functions";
  return "";
}

std::string check_clampf(const Operation& op) { return same_type_arith(op, 3, 1); }

}  // namespace

OpVerifier builtin_verifier(OpCode code) {
  switch (code) {
    case OpCode::Module: return check_module;
    case OpCode::Func: return check_func;
    case OpCode::Constant: return check_constant;
    case OpCode::ProgramId:
    case OpCode::NumPrograms: return check_program_id;
    case OpCode::MakeRange: return check_make_range;
    case OpCode::Splat: return check_splat;
    case OpCode::Broadcast: return check_broadcast;
    case OpCode::ExpandDims: return check_expand_dims;
    case OpCode::Reshape: return check_reshape;
    case OpCode::Trans: return check_trans;
    case OpCode::Join: return check_join;
    case OpCode::Split: return check_split;
    case OpCode::Histogram: return check_histogram;
    case OpCode::AddPtr: return check_addptr;
    case OpCode::Load: return check_load;
    case OpCode::Store: return check_store;
    case OpCode::AtomicRMW: return check_atomic_rmw;
    case OpCode::AtomicCAS: return check_atomic_cas;
    case OpCode::MakeTensorPtr: return check_make_tensor_ptr;
    case OpCode::Advance: return check_advance;
    case OpCode::AddI: case OpCode::SubI: case OpCode::MulI: case OpCode::DivSI: case OpCode::DivUI:
    case OpCode::RemSI: case OpCode::RemUI: case OpCode::AndI: case OpCode::OrI: case OpCode::XOrI:
    case OpCode::ShLI: case OpCode::ShRSI: case OpCode::ShRUI: case OpCode::MaxSI: case OpCode::MinSI:
    case OpCode::MaxUI: case OpCode::MinUI: return int_binary;
    case OpCode::MulHiUI: return check_mulhi;
    case OpCode::CmpI: return check_cmpi;
    case OpCode::AddF: case OpCode::SubF: case OpCode::MulF: case OpCode::DivF: case OpCode::RemF:
    case OpCode::MaxNumF: case OpCode::MinNumF: case OpCode::MaximumF: case OpCode::MinimumF:
    case OpCode::PreciseDivF: return float_binary;
    case OpCode::NegF: case OpCode::PreciseSqrt: case OpCode::Exp: case OpCode::Exp2: case OpCode::Log:
    case OpCode::Log2: case OpCode::Sqrt: case OpCode::Rsqrt: case OpCode::Sin: case OpCode::Cos:
    case OpCode::Erf: case OpCode::AbsF: case OpCode::Floor: case OpCode::Ceil: return float_unary;
    case OpCode::AbsI: return int_unary;
    case OpCode::Fma: return float_ternary;
    case OpCode::ClampF: return check_clampf;
    case OpCode::CmpF: return check_cmpf;
    case OpCode::ExtSI: case OpCode::ExtUI: return check_extsi;
    case OpCode::TruncI: return check_trunci;
    case OpCode::SIToFP: case OpCode::UIToFP: return check_itofp;
    case OpCode::FPToSI: case OpCode::FPToUI: return check_fptoi;
    case OpCode::ExtF: case OpCode::TruncF: return check_extf;
    case OpCode::Bitcast: return check_bitcast;
    case OpCode::PtrToInt: return check_ptrtoint;
    case OpCode::IntToPtr: return check_inttoptr;
    case OpCode::Select: return check_select;
    case OpCode::Dot: return check_dot;
    case OpCode::Reduce: return check_reduce;
    case OpCode::Scan: return check_scan;
    case OpCode::For: return check_for;
    case OpCode::While: return check_while;
    case OpCode::If: return check_if;
    case OpCode::Assert: return check_assert;
    default: return {};
  }
}

}  // namespace tmetal::ir
