// Triton semantics, arithmetic part: Python-number conversion, type promotion, casts, binary and unary
// operators, comparisons, min/max/clamp/where and elementwise math (see semantic.h).
#include "frontend/semantic.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace tmetal::frontend {

using ir::OpCode;

std::string TValue::describe() const {
  switch (kind) {
    case Kind::Tensor: return type.is_tensor() ? fmt::format("{} tensor of shape [{}]", type.element().str(), fmt::join(type.shape, ", ")) : type.str();
    case Kind::Int: return fmt::format("constexpr int {}", i);
    case Kind::Float: return fmt::format("constexpr float {}", f);
    case Kind::Bool: return b ? "constexpr True" : "constexpr False";
    case Kind::None: return "None";
    case Kind::Str: return fmt::format("string '{}'", s);
    case Kind::Dtype: return "dtype " + dt_name(dtype);
    case Kind::Tuple: return fmt::format("tuple of {} values", elems.size());
    case Kind::Module: return "module '" + s + "'";
    case Kind::JitFn: return "@jit function";
    case Kind::Builtin: return "function '" + s + "'";
    case Kind::Method: return "method '" + s + "'";
    case Kind::Slice: return "slice";
    case Kind::Ellipsis: return "Ellipsis";
  }
  return "value";
}

DT integer_promote(DT a, DT b) {
  int ra = dt_bits(a), rb = dt_bits(b);
  bool ua = dt_is_unsigned(a), ub = dt_is_unsigned(b);
  if (ua == ub) return ra > rb ? a : b;
  if (ua) return ra >= rb ? a : b;
  return rb >= ra ? b : a;
}

DT computation_type(DT a, bool a_scalar, DT b, bool b_scalar, bool div_or_mod) {
  if (a_scalar != b_scalar) {
    DT s = a_scalar ? a : b, t = a_scalar ? b : a;
    if (dt_kind(s) <= dt_kind(t)) {
      if (div_or_mod && (t == DT::F16 || t == DT::BF16)) return DT::F32;
      return t;
    }
  }
  if (a == DT::F64 || b == DT::F64) return DT::F64;
  if (a == DT::F32 || b == DT::F32) return DT::F32;
  if (a == DT::F16 || b == DT::F16) return div_or_mod ? DT::F32 : DT::F16;
  if (a == DT::BF16 || b == DT::BF16) {
    if (div_or_mod) return DT::F32;
    return a == DT::BF16 && b == DT::BF16 ? DT::BF16 : DT::F32;
  }
  if (dt_is_fp8(a) && dt_is_fp8(b)) return a == b ? a : DT::F16;  // different fp8 formats meet in fp16
  if (dt_is_fp8(a) || dt_is_fp8(b))
    throw std::invalid_argument(fmt::format("unexpected types {} and {}: convert the integer operand to a float type first", dt_name(a), dt_name(b)));
  if (div_or_mod && dt_is_unsigned(a) != dt_is_unsigned(b))
    throw std::invalid_argument(fmt::format("cannot use /, // or % with {} and {} because they have different signedness; cast them to the same signedness", dt_name(a), dt_name(b)));
  return integer_promote(a, b);
}

void Semantic::locate() { b_.set_loc(ir::Location::at(file_.shared_name, pos.line, pos.col)); }

TValue Semantic::make(OpCode code, const std::vector<const TValue*>& operands, FType result, ir::AttrDict attrs) {
  locate();
  std::vector<ir::Value*> vs;
  for (const TValue* t : operands) vs.push_back(t->value);
  ir::Value* v = b_.value(code, vs, result.ir_type(), std::move(attrs));
  return TValue::tensor(v, std::move(result));
}

void Semantic::check_block_shape(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (!ir::is_power_of_two(d)) fail(fmt::format("block shape [{}] has a dimension that is not a power of two", fmt::join(shape, ", ")));
    n *= d;
    if (n > (1 << 20)) fail(fmt::format("block shape [{}] has more than 1048576 elements", fmt::join(shape, ", ")));
  }
}

TValue Semantic::constant(const TValue& number, FType type) {
  locate();
  FType e = type.element();
  if (!e.is_scalar_kind()) fail("cannot make a pointer constant");
  double fv = number.kind == TValue::Kind::Float ? number.f : number.kind == TValue::Kind::Bool ? number.b : static_cast<double>(number.i);
  int64_t iv = number.kind == TValue::Kind::Bool ? number.b : number.i;
  if (number.kind == TValue::Kind::Float && e.is_int()) {
    if (!std::isfinite(number.f) || std::fabs(number.f) >= 9.2e18) fail(fmt::format("cannot convert the float {} to {}", number.f, dt_name(e.dt)));
    iv = static_cast<int64_t>(number.f);
  }
  if (e.is_int() && e.dt != DT::I1 && dt_bits(e.dt) < 64) {  // store the value wrapped to the type's width
    int bits = dt_bits(e.dt);
    uint64_t u = static_cast<uint64_t>(iv) & ((uint64_t{1} << bits) - 1);
    uint64_t sign = uint64_t{1} << (bits - 1);
    iv = static_cast<int64_t>((u ^ sign) - sign);
  }
  if (e.is_fp8()) return cast(constant(number, type.with_dt(DT::F32)), e.dt);  // rounded like any fp32 value
  ir::Value* v = e.is_float() ? b_.constant_float(fv, type.ir_type()) : b_.constant_int(e.dt == DT::I1 ? (iv != 0) : iv, type.ir_type());
  return TValue::tensor(v, std::move(type));
}

FType Semantic::literal_type(const TValue& x) {
  switch (x.kind) {
    case TValue::Kind::Bool: return FType::scalar(DT::I1);
    case TValue::Kind::Int: return FType::scalar(x.i >= INT32_MIN && x.i <= INT32_MAX ? DT::I32 : x.i >= 0 && x.i <= UINT32_MAX ? DT::U32 : DT::I64);
    case TValue::Kind::Float: {
      double a = std::fabs(x.f);
      if (!(a == 0 || std::isinf(a) || std::isnan(a) || (a >= std::ldexp(1.0, -126) && a <= static_cast<double>(std::numeric_limits<float>::max()))))
        fail(fmt::format("the float {} needs fp64, which Metal does not support", x.f));
      return FType::scalar(DT::F32);
    }
    default: fail(fmt::format("expected a tensor or a number, got {}", x.describe()));
  }
}

TValue Semantic::to_tensor(const TValue& x) {
  if (x.kind == TValue::Kind::Tensor) return x;
  return constant(x, literal_type(x));
}

TValue Semantic::to_bool(const TValue& x0) {
  TValue x = to_tensor(x0);
  if (x.type.is_bool()) return x;
  return cast(x, DT::I1);
}

TValue Semantic::int_to_ptr(const TValue& x0, DT pointee) {
  TValue x = to_tensor(x0);
  FType src = x.type.element();
  FType dst = FType::pointer(pointee);
  if (pointee == DT::F64) fail("fp64 is not supported: Metal has no double type");
  if (src.is_ptr()) {
    if (src.dt == pointee) return x;
    return make(OpCode::Bitcast, {&x}, dst.with_shape(x.type.shape));
  }
  if (src.is_block_ptr()) fail("cannot cast a block pointer to a pointer type");
  if (!src.is_int() || dt_bits(src.dt) != 64)
    fail(fmt::format("only 64-bit integers (int64, uint64) can be cast to a pointer: an address has 64 bits, and this is {}", x.describe()));
  if (x.type.is_tensor())
    fail(fmt::format("casting a tensor of integers ({}) to pointers is not supported yet: cast a scalar address, then "
                     "add offsets to it", x.describe()));
  return make(OpCode::IntToPtr, {&x}, dst);
}

TValue Semantic::cast(const TValue& x0, DT to, bool bitcast) {
  TValue x = to_tensor(x0);
  if (to == DT::F64) fail("fp64 is not supported: Metal has no double type");
  FType src = x.type.element();
  FType dst = x.type.with_dt(to);
  if (src.is_block_ptr()) fail("cannot cast a block pointer");
  if (src.is_scalar_kind() && src.dt == to) return x;
  if (bitcast) {
    int sb = src.is_ptr() ? 64 : dt_bits(src.dt);
    if (sb != dt_bits(to)) fail(fmt::format("cannot bitcast {} to {}: the bit widths differ", src.str(), dt_name(to)));
    if (src.is_scalar_kind() && dt_ir(src.dt) == dt_ir(to)) return TValue::tensor(x.value, dst);
    return make(src.is_ptr() ? OpCode::PtrToInt : OpCode::Bitcast, {&x}, dst);
  }
  if (dt_is_fp8(to) || (src.is_scalar_kind() && dt_is_fp8(src.dt))) return fp8_cast(x, to);
  if (src.is_ptr()) {
    if (to == DT::I1) {
      TValue zero = make(OpCode::PtrToInt, {&x}, x.type.with_dt(DT::I64));
      return binary("!=", zero, TValue::integer(0));
    }
    if (to != DT::I64) fail(fmt::format("pointers can only be cast to int64, not {}", dt_name(to)));
    return make(OpCode::PtrToInt, {&x}, dst);
  }
  DT s = src.dt;
  if (to == DT::I1) {  // x != 0
    TValue zero = constant(dt_is_float(s) ? TValue::real(0) : TValue::integer(0), x.type);
    if (dt_is_float(s)) return make(OpCode::CmpF, {&x, &zero}, dst, {{"predicate", "une"}});
    return make(OpCode::CmpI, {&x, &zero}, dst, {{"predicate", "ne"}});
  }
  if (dt_is_int(s) && dt_is_int(to)) {
    if (dt_bits(s) == dt_bits(to)) return TValue::tensor(x.value, dst);
    if (dt_bits(to) < dt_bits(s)) return make(OpCode::TruncI, {&x}, dst);
    bool sign = dt_is_signed(s) && s != DT::I1;
    return make(sign ? OpCode::ExtSI : OpCode::ExtUI, {&x}, dst);
  }
  if (dt_is_float(s) && dt_is_float(to)) {
    if (dt_bits(s) == dt_bits(to)) {  // fp16 <-> bf16: through fp32
      TValue wide = make(OpCode::ExtF, {&x}, x.type.with_dt(DT::F32));
      return make(OpCode::TruncF, {&wide}, dst);
    }
    return make(dt_bits(to) > dt_bits(s) ? OpCode::ExtF : OpCode::TruncF, {&x}, dst);
  }
  if (dt_is_int(s) && dt_is_float(to)) return make(dt_is_signed(s) && s != DT::I1 ? OpCode::SIToFP : OpCode::UIToFP, {&x}, dst);
  return make(dt_is_unsigned(to) ? OpCode::FPToUI : OpCode::FPToSI, {&x}, dst);
}

namespace {

struct Checked {
  TValue a, b;
};

}  // namespace

// Triton's binary_op_type_checking_impl: converts Python numbers, promotes, broadcasts.
static Checked check_binary(Semantic& S, const TValue& a0, const TValue& b0, bool allow_lhs_ptr, bool allow_rhs_ptr, bool arithmetic, bool div_or_mod) {
  bool as = a0.is_number(), bs = b0.is_number();
  TValue a = as ? a0 : S.to_tensor(a0), b = bs ? b0 : S.to_tensor(b0);
  FType ea = as ? S.literal_type(a0) : a.type.element(), eb = bs ? S.literal_type(b0) : b.type.element();
  if (ea.is_block_ptr() || eb.is_block_ptr()) S.fail("block pointers only support tl.advance, tl.load and tl.store");
  auto check_ptr = [&](const FType& x, const FType& y, bool allow) {
    if (!x.is_ptr()) return;
    if (!allow || (y.is_ptr() && x != y) || y.is_float())
      S.fail(fmt::format("invalid operands of type {} and {}", x.str(), y.str()));
  };
  check_ptr(ea, eb, allow_lhs_ptr);
  check_ptr(eb, ea, allow_rhs_ptr);
  if (arithmetic && !ea.is_ptr() && !eb.is_ptr()) {
    DT ret;
    try {
      ret = computation_type(ea.dt, as, eb.dt, bs, div_or_mod);
    } catch (const std::invalid_argument& e) {
      S.fail(e.what());
    }
    if (ret == DT::F64) S.fail("fp64 is not supported: Metal has no double type");
    auto scalar_fits = [&](const TValue& v) {
      if (!v.is_number() || !dt_is_int(ret)) return;
      int64_t x = v.kind == TValue::Kind::Int ? v.i : v.kind == TValue::Kind::Bool ? v.b : 0;
      if (x < 0 && dt_is_unsigned(ret)) S.fail("cannot perform a binary operation between an unsigned tensor and a negative scalar; cast one of them explicitly");
      int bits = dt_bits(ret);
      if (bits < 64 && ret != DT::I1) {
        int64_t lo = dt_is_unsigned(ret) ? 0 : -(int64_t{1} << (bits - 1));
        int64_t hi = dt_is_unsigned(ret) ? (int64_t{1} << bits) - 1 : (int64_t{1} << (bits - 1)) - 1;
        if (x < lo || x > hi) S.fail(fmt::format("scalar {} is out of range for type {}", x, dt_name(ret)));
      }
    };
    scalar_fits(a0);
    scalar_fits(b0);
    a = as ? S.constant(a0, FType::scalar(ret)) : S.cast(a, ret);
    b = bs ? S.constant(b0, FType::scalar(ret)) : S.cast(b, ret);
  } else {
    if (as) a = S.to_tensor(a0);
    if (bs) b = S.to_tensor(b0);
  }
  auto [x, y] = S.broadcast_pair(a, b);
  return {x, y};
}

TValue Semantic::cmp(const std::string& op, const TValue& a0, const TValue& b0) {
  auto [a, b] = check_binary(*this, a0, b0, false, false, true, false);
  FType res = a.type.with_dt(DT::I1);
  if (a.type.is_float()) {
    static const std::map<std::string, std::string> f = {{"<", "olt"}, {"<=", "ole"}, {">", "ogt"}, {">=", "oge"}, {"==", "oeq"}, {"!=", "une"}};
    return make(OpCode::CmpF, {&a, &b}, res, {{"predicate", f.at(op)}});
  }
  bool u = dt_is_unsigned(a.type.dt);
  static const std::map<std::string, std::string> s = {{"<", "slt"}, {"<=", "sle"}, {">", "sgt"}, {">=", "sge"}, {"==", "eq"}, {"!=", "ne"}};
  static const std::map<std::string, std::string> us = {{"<", "ult"}, {"<=", "ule"}, {">", "ugt"}, {">=", "uge"}, {"==", "eq"}, {"!=", "ne"}};
  return make(OpCode::CmpI, {&a, &b}, res, {{"predicate", (u ? us : s).at(op)}});
}

TValue Semantic::binary(const std::string& op, const TValue& a0, const TValue& b0) {
  if (auto r = fp8_binary(op, a0, b0)) return *r;
  if (op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=") return cmp(op, a0, b0);
  if (op == "+") {
    auto [a, b] = check_binary(*this, a0, b0, true, true, true, false);
    if (a.type.element().is_ptr() && b.type.element().is_ptr()) fail("cannot add pointers together");
    if (b.type.element().is_ptr()) std::swap(a, b);
    if (a.type.element().is_ptr()) return addptr(a, b);
    return make(a.type.is_float() ? OpCode::AddF : OpCode::AddI, {&a, &b}, a.type);
  }
  if (op == "-") {
    auto [a, b] = check_binary(*this, a0, b0, true, false, true, false);
    if (a.type.element().is_ptr()) return addptr(a, negate(b));
    return make(a.type.is_float() ? OpCode::SubF : OpCode::SubI, {&a, &b}, a.type);
  }
  if (op == "*") {
    auto [a, b] = check_binary(*this, a0, b0, false, false, true, false);
    return make(a.type.is_float() ? OpCode::MulF : OpCode::MulI, {&a, &b}, a.type);
  }
  if (op == "/") {
    auto [a, b] = check_binary(*this, a0, b0, false, false, true, true);
    if (a.type.is_int()) {
      a = cast(a, DT::F32);
      b = cast(b, DT::F32);
    }
    return make(OpCode::DivF, {&a, &b}, a.type);
  }
  if (op == "//" || op == "%") {
    auto [a, b] = check_binary(*this, a0, b0, false, false, true, true);
    if (a.type.is_float()) {
      if (op == "//") fail("'//' needs integer operands in Triton; use tl.floor(a / b) for floats");
      return make(OpCode::RemF, {&a, &b}, a.type);
    }
    bool u = dt_is_unsigned(a.type.dt);
    if (op == "//") return make(u ? OpCode::DivUI : OpCode::DivSI, {&a, &b}, a.type);
    return make(u ? OpCode::RemUI : OpCode::RemSI, {&a, &b}, a.type);
  }
  if (op == "&" || op == "|" || op == "^" || op == "<<" || op == ">>") {
    auto [a, b] = check_binary(*this, a0, b0, false, false, false, false);
    if (!a.type.is_int() || !b.type.is_int()) fail(fmt::format("bitwise operator '{}' needs integer operands, got {} and {}", op, a.type.element().str(), b.type.element().str()));
    DT t = integer_promote(a.type.dt, b.type.dt);
    a = cast(a, t);
    b = cast(b, t);
    OpCode code = op == "&" ? OpCode::AndI : op == "|" ? OpCode::OrI : op == "^" ? OpCode::XOrI : op == "<<" ? OpCode::ShLI
                : dt_is_unsigned(t) ? OpCode::ShRUI : OpCode::ShRSI;
    return make(code, {&a, &b}, a.type);
  }
  if (op == "**") fail("'**' is only supported on constexpr values; use tl.exp2/tl.log2 or repeated multiplication");
  if (op == "@") fail("'@' is not supported; use tl.dot");
  fail(fmt::format("unsupported operator '{}'", op));
}

TValue Semantic::negate(const TValue& x0) {
  TValue x = to_tensor(x0);
  if (x.type.element().is_ptr()) fail("cannot negate a pointer");
  if (x.type.is_fp8()) return cast(negate(fp8_to_f32(x)), x.type.dt);
  if (x.type.is_float()) return make(OpCode::NegF, {&x}, x.type);
  TValue zero = constant(TValue::integer(0), x.type);
  return make(OpCode::SubI, {&zero, &x}, x.type);
}

TValue Semantic::invert(const TValue& x0) {
  TValue x = to_tensor(x0);
  if (!x.type.is_int()) fail(fmt::format("'~' needs an integer operand, got {}", x.type.element().str()));
  TValue ones = constant(TValue::integer(x.type.is_bool() ? 1 : -1), x.type);
  return make(OpCode::XOrI, {&x, &ones}, x.type);
}

TValue Semantic::logical_not(const TValue& x0) {
  TValue x = to_bool(x0);
  TValue one = constant(TValue::integer(1), x.type);
  return make(OpCode::XOrI, {&x, &one}, x.type);
}

TValue Semantic::logical(const std::string& op, const TValue& a0, const TValue& b0) {
  TValue a = to_bool(a0), b = to_bool(b0);
  auto [x, y] = broadcast_pair(a, b);
  return make(op == "and" ? OpCode::AndI : OpCode::OrI, {&x, &y}, x.type);
}

TValue Semantic::minmax(const TValue& a0, const TValue& b0, bool is_max, bool propagate_nan) {
  if ((a0.is_tensor() && a0.type.is_fp8()) || (b0.is_tensor() && b0.type.is_fp8())) {
    DT ret = fp8_promotion(a0, b0, false);
    auto wide = [&](const TValue& v) { return v.is_tensor() && v.type.is_fp8() ? fp8_to_f32(v) : v; };
    return cast(minmax(wide(a0), wide(b0), is_max, propagate_nan), ret);  // exact: picks an input
  }
  auto [a, b] = check_binary(*this, a0, b0, false, false, true, false);
  OpCode code;
  if (a.type.is_float()) code = propagate_nan ? (is_max ? OpCode::MaximumF : OpCode::MinimumF) : (is_max ? OpCode::MaxNumF : OpCode::MinNumF);
  else if (dt_is_unsigned(a.type.dt)) code = is_max ? OpCode::MaxUI : OpCode::MinUI;
  else code = is_max ? OpCode::MaxSI : OpCode::MinSI;
  return make(code, {&a, &b}, a.type);
}

TValue Semantic::clamp(const TValue& x0, const TValue& lo0, const TValue& hi0) {
  auto [lo, hi] = check_binary(*this, lo0, hi0, false, false, true, false);
  auto [x, lo2] = check_binary(*this, x0, lo, false, false, true, false);
  auto [x2, hi2] = check_binary(*this, x, hi, false, false, true, false);
  if (!x2.type.is_float()) fail(fmt::format("tl.clamp supports only floating-point tensors, got {}", x2.type.element().str()));
  lo2 = broadcast_to(cast(lo2, x2.type.dt), x2.type.shape);
  hi2 = broadcast_to(hi2, x2.type.shape);
  return make(OpCode::ClampF, {&x2, &lo2, &hi2}, x2.type, {{"propagateNan", "none"}});
}

TValue Semantic::where(const TValue& c0, const TValue& a0, const TValue& b0) {
  TValue c = to_bool(c0);
  auto [a, b] = check_binary(*this, a0, b0, true, true, true, false);
  if (a.type.element() != b.type.element()) fail(fmt::format("tl.where branches have different types {} and {}", a.type.element().str(), b.type.element().str()));
  if (c.type.is_tensor()) {
    auto [c2, a2] = broadcast_pair(c, a);
    auto [c3, b2] = broadcast_pair(c2, b);
    auto [c4, a3] = broadcast_pair(c3, a2);
    c = c4;
    a = a3;
    b = b2;
  }
  return make(OpCode::Select, {&c, &a, &b}, a.type);
}

TValue Semantic::math_unary(OpCode code, const TValue& x0, const std::string& name) {
  TValue x = to_tensor(x0);
  if (!x.type.is_float()) fail(fmt::format("{} expects a floating-point argument, got {}", name, x.type.element().str()));
  return make(code, {&x}, x.type);
}

TValue Semantic::abs(const TValue& x0) {
  TValue x = to_tensor(x0);
  if (x.type.is_fp8()) return cast(abs(fp8_to_f32(x)), x.type.dt);
  if (x.type.is_float()) return make(OpCode::AbsF, {&x}, x.type);
  if (!x.type.is_int()) fail("tl.abs expects a number");
  if (dt_is_unsigned(x.type.dt) || x.type.is_bool()) return x;
  return make(OpCode::AbsI, {&x}, x.type);
}

TValue Semantic::fma(const TValue& a0, const TValue& b0, const TValue& c0) {
  auto [a, b] = check_binary(*this, a0, b0, false, false, true, false);
  auto [a2, c] = check_binary(*this, a, c0, false, false, true, false);
  auto [b2, c2] = check_binary(*this, b, c, false, false, true, false);
  if (!a2.type.is_float()) fail("tl.fma expects floating-point arguments");
  a2 = broadcast_to(a2, c2.type.shape);
  b2 = broadcast_to(b2, c2.type.shape);
  return make(OpCode::Fma, {&a2, &b2, &c2}, c2.type);
}

TValue Semantic::umulhi(const TValue& a0, const TValue& b0) {
  auto [a, b] = check_binary(*this, a0, b0, false, false, true, false);
  if (!a.type.is_int()) fail("tl.umulhi expects integer arguments");
  return make(OpCode::MulHiUI, {&a, &b}, a.type);
}

TValue Semantic::fdiv(const TValue& a0, const TValue& b0, bool ieee_rounding) {
  auto [a, b] = check_binary(*this, a0, b0, false, false, true, true);
  if (!a.type.is_float()) fail("tl.fdiv and tl.div_rn expect floating-point arguments");
  return make(ieee_rounding ? OpCode::PreciseDivF : OpCode::DivF, {&a, &b}, a.type);
}

TValue Semantic::precise_sqrt(const TValue& x) { return math_unary(OpCode::PreciseSqrt, x, "tl.sqrt_rn"); }

}  // namespace tmetal::frontend
