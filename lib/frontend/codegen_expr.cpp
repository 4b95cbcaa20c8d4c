// CodeGen, expressions: names and attributes (modules, dtypes, tensor members), subscripts with None and
// ':', calls, operators (constexpr operands fold with Python semantics; tensors follow Triton's), and
// f-strings (only inside print calls).
#include "frontend/codegen.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace tmetal::frontend {

namespace {

const std::set<std::string>& tl_builtins() {
  static const std::set<std::string> names = {
      "program_id", "num_programs", "arange", "zeros", "zeros_like", "full", "full_like", "load", "store", "reshape", "view",
      "trans", "permute", "expand_dims", "broadcast_to", "broadcast", "join", "split", "where", "maximum", "minimum",
      "clamp", "exp", "exp2", "log", "log2", "sqrt", "sqrt_rn", "rsqrt", "sin", "cos", "abs", "floor", "ceil", "erf",
      "sigmoid", "softmax", "fma", "umulhi", "div_rn", "fdiv", "dot", "sum", "max", "min", "argmax", "argmin", "xor_sum",
      "reduce", "cumsum", "cumprod", "associative_scan", "atomic_add", "atomic_max", "atomic_min", "atomic_and",
      "atomic_or", "atomic_xor", "atomic_xchg", "atomic_cas", "cast", "static_range", "range", "static_assert",
      "device_assert", "static_print", "device_print", "print", "multiple_of", "max_contiguous", "max_constancy",
      "swizzle2d", "make_block_ptr", "advance", "debug_barrier", "cdiv", "histogram", "ravel", "flip", "abs",
      "pointer_type", "interleave", "assume", "cat", "sort", "rand", "randn", "randint", "randint4x",
      "rand4x", "randn4x",
      "inline_asm_elementwise"};
  return names;
}

const std::set<std::string>& tensor_methods() {
  static const std::set<std::string> names = {"to", "reshape", "view", "trans", "permute", "expand_dims", "broadcast_to",
                                              "sum", "max", "min", "argmax", "argmin", "xor_sum", "cumsum", "cumprod", "split",
                                              "reduce", "exp", "exp2", "log", "log2", "sqrt", "abs", "sigmoid", "softmax", "ravel",
                                              "associative_scan", "floor", "ceil", "cos", "sin", "rsqrt", "erf", "join", "cast", "flip", "sort"};
  return names;
}

}  // namespace

TValue CodeGen::lookup(const std::string& name) {
  if (scope_) {
    auto it = scope_->find(name);
    if (it != scope_->end()) return it->second;
  }
  auto g = globals_.find(name);
  if (g != globals_.end()) return g->second;
  auto p = plain_globals_.find(name);
  if (p != plain_globals_.end()) S_.fail(p->second);
  static const std::set<std::string> py = {"min", "max", "abs", "len", "int", "float", "bool", "print", "isinstance", "tuple", "list", "str", "getattr"};
  if (name == "range") return TValue::builtin("range");
  if (py.count(name)) return TValue::builtin("py." + name);
  S_.fail(fmt::format("name '{}' is not defined", name));
}

bool CodeGen::truthy(const TValue& v) {
  switch (v.kind) {
    case TValue::Kind::Int: return v.i != 0;
    case TValue::Kind::Float: return v.f != 0;
    case TValue::Kind::Bool: return v.b;
    case TValue::Kind::None: return false;
    case TValue::Kind::Str: return !v.s.empty();
    case TValue::Kind::Tuple: return !v.elems.empty();
    case TValue::Kind::Tensor: S_.fail("a tensor has no compile-time truth value");
    default: return true;
  }
}

TValue CodeGen::attribute(const TValue& base, const std::string& name, const Expr& e) {
  S_.pos = e.pos;
  if (base.kind == TValue::Kind::Module) {
    const std::string& m = base.s;
    if (m == "triton") {
      if (name == "language") return TValue::module("triton.language");
      if (name == "jit" || name == "cdiv" || name == "next_power_of_2" || name == "autotune" || name == "heuristics" || name == "Config")
        return TValue::builtin(name);
    } else if (m == "triton.language" || m == "triton.language.math") {
      if (name == "math" || name == "extra") return TValue::module("triton.language.math");
      if (name == "libdevice") return TValue::module("triton.language.math");
      if (name == "constexpr") return TValue::builtin("constexpr");
      if (name == "tensor" || name == "const" || name == "dtype") return TValue::builtin("tl." + name);  // types
      if (auto d = dt_from_name(name); d && name != "bool") return TValue::dtype_of(*d);
      if (name == "float64" || name == "double") return TValue::dtype_of(DT::F64);
      if (tl_builtins().count(name)) return TValue::builtin(name == "range" ? "tl.range" : name == "print" ? "device_print" : name);
    } else if (m == "math") {
      if (name == "pi") return TValue::real(M_PI);
      if (name == "e") return TValue::real(M_E);
      if (name == "inf") return TValue::real(HUGE_VAL);
      if (name == "nan") return TValue::real(std::nan(""));
      if (name == "log2" || name == "log" || name == "sqrt" || name == "exp" || name == "ceil" || name == "floor") return TValue::builtin("pymath." + name);
    } else {
      S_.fail(fmt::format("module '{}' cannot be used inside a @jit function", m));
    }
    S_.fail(fmt::format("module '{}' has no attribute '{}' supported by triton-metal", m, name));
  }
  // Python numbers act as Triton's 0-d tensors when used as tensors (x = 1; x.dtype, x.to(tl.float16)).
  if (base.is_number() && (name == "dtype" || name == "type" || name == "shape" || tensor_methods().count(name)))
    return attribute(S_.to_tensor(base), name, e);
  if (base.kind == TValue::Kind::Tensor) {
    const FType& t = base.type;
    if (name == "element_ty" || name == "scalar") {  // X.type.element_ty / X.type.scalar
      if (name == "element_ty" && !t.is_ptr()) S_.fail("element_ty needs a pointer type");
      TValue d = TValue::dtype_of(t.dt);
      if (name == "scalar" && t.is_ptr()) d.s = "pointer";
      return d;
    }
    if (name == "dtype") {
      if (t.is_ptr()) {
        TValue d = TValue::dtype_of(t.dt);
        d.s = "pointer";
        return d;
      }
      if (t.is_block_ptr()) S_.fail("block pointers have no dtype attribute");
      return TValue::dtype_of(t.dt);
    }
    if (name == "shape") {
      std::vector<TValue> dims;
      for (int64_t d : t.shape) dims.push_back(TValue::integer(d));
      return TValue::tuple(std::move(dims));
    }
    if (name == "T") {
      if (t.shape.size() != 2) S_.fail(".T needs a 2-D tensor");
      return S_.permute(base, {1, 0});
    }
    if (name == "type") return base;
    if (tensor_methods().count(name)) return TValue::method(base, name);
    S_.fail(fmt::format("tensor has no attribute '{}'", name));
  }
  if (base.kind == TValue::Kind::Dtype) {
    if (name == "element_ty") {
      if (base.s != "pointer") S_.fail("element_ty needs a pointer dtype");
      return TValue::dtype_of(base.dtype);
    }
    if (name == "primitive_bitwidth") return TValue::integer(dt_bits(base.dtype));
    if (name == "is_floating" || name == "is_int" || name == "is_int_signed" || name == "is_int_unsigned" || name == "is_fp16" || name == "is_fp32" || name == "is_bf16" || name == "is_ptr" || name == "is_fp8")
      return TValue::method(base, name);
  }
  if (base.kind == TValue::Kind::Builtin && base.s == "jit") S_.fail("decorators cannot be used inside a kernel");
  S_.fail(fmt::format("{} has no attribute '{}'", base.describe(), name));
}

TValue CodeGen::subscript(const Expr& e) {
  TValue base = expr(*e.args[0]);
  std::vector<TValue> idx;
  for (size_t i = 1; i < e.args.size(); ++i) idx.push_back(expr(*e.args[i]));
  S_.pos = e.pos;
  if (base.kind == TValue::Kind::Tuple) {
    if (idx.size() != 1) S_.fail("tuples take one index");
    if (idx[0].kind == TValue::Kind::Int) {
      int64_t n = static_cast<int64_t>(base.elems.size()), i = idx[0].i < 0 ? idx[0].i + n : idx[0].i;
      if (i < 0 || i >= n) S_.fail(fmt::format("tuple index {} out of range for {} elements", idx[0].i, n));
      return base.elems[static_cast<size_t>(i)];
    }
    S_.fail("tuple indices must be constexpr integers");
  }
  if (base.kind != TValue::Kind::Tensor) S_.fail(fmt::format("{} cannot be indexed", base.describe()));
  TValue x = base;
  size_t dim = 0;
  size_t slices = 0;
  for (auto& i : idx) slices += i.kind == TValue::Kind::Slice;
  if (slices > x.type.shape.size()) S_.fail(fmt::format("too many indices for a tensor of rank {}", x.type.shape.size()));
  for (auto& i : idx) {
    if (i.kind == TValue::Kind::None) {
      x = S_.expand_dims(x, static_cast<int64_t>(dim));
      ++dim;
    } else if (i.kind == TValue::Kind::Slice) {
      for (auto& part : i.elems)
        if (part.kind != TValue::Kind::None) S_.fail("only ':' slices (the whole dimension) are supported on tensors");
      ++dim;
    } else {
      S_.fail("tensors can only be indexed with None and ':' (e.g. x[:, None])");
    }
  }
  return x;
}

std::string CodeGen::fstring(const Expr& e) {
  std::string out;
  const std::string& s = e.name;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{' && i + 1 < s.size() && s[i + 1] == '{') { out += '{'; ++i; continue; }
    if (s[i] == '}' && i + 1 < s.size() && s[i + 1] == '}') { out += '}'; ++i; continue; }
    if (s[i] != '{') { out += s[i]; continue; }
    size_t close = s.find('}', i);
    if (close == std::string::npos) S_.fail("unterminated '{' in f-string");
    std::string name = s.substr(i + 1, close - i - 1);
    std::string text = "{" + name + "}";
    if (scope_ && scope_->count(name)) {
      const TValue& v = (*scope_)[name];
      if (v.kind == TValue::Kind::Int) text = std::to_string(v.i);
      else if (v.kind == TValue::Kind::Float) text = fmt::format("{}", v.f);
      else if (v.kind == TValue::Kind::Bool) text = v.b ? "True" : "False";
      else if (v.kind == TValue::Kind::Str) text = v.s;
      else if (v.kind == TValue::Kind::Dtype) text = dt_name(v.dtype);
    }
    out += text;
    i = close;
  }
  return out;
}

TValue CodeGen::expr(const Expr& e) {
  S_.pos = e.pos;
  switch (e.kind) {
    case Expr::Kind::Name: return lookup(e.name);
    case Expr::Kind::Int:
      if (e.int_too_big) S_.fail("integer literal does not fit in 64 bits");
      return TValue::integer(e.int_value);
    case Expr::Kind::Float: return TValue::real(e.float_value);
    case Expr::Kind::Str:
      if (e.fstring) S_.fail("f-strings are only supported as arguments of print / tl.device_print / tl.static_print");
      return TValue::str(e.name);
    case Expr::Kind::Bool: return TValue::boolean(e.bool_value);
    case Expr::Kind::None: return TValue::none();
    case Expr::Kind::Ellipsis: S_.fail("'...' is not supported in Triton kernels");
    case Expr::Kind::Tuple:
    case Expr::Kind::List: {
      std::vector<TValue> elems;
      for (auto& a : e.args) elems.push_back(expr(*a));
      return TValue::tuple(std::move(elems));
    }
    case Expr::Kind::Attribute: {
      TValue base = expr(*e.args[0]);
      return attribute(base, e.name, e);
    }
    case Expr::Kind::Subscript: return subscript(e);
    case Expr::Kind::Slice: {
      TValue s;
      s.kind = TValue::Kind::Slice;
      for (auto& a : e.args) s.elems.push_back(a ? expr(*a) : TValue::none());
      return s;
    }
    case Expr::Kind::Call: return call(e);
    case Expr::Kind::BinOp: {
      TValue a = expr(*e.args[0]);
      TValue b = expr(*e.args[1]);
      S_.pos = e.pos;
      if (a.is_constexpr() && b.is_constexpr()) return constexpr_binary(e.name, a, b);
      return S_.binary(e.name, a, b);
    }
    case Expr::Kind::UnaryOp: {
      TValue a = expr(*e.args[0]);
      S_.pos = e.pos;
      if (e.name == "not") return a.is_constexpr() ? TValue::boolean(!truthy(a)) : S_.logical_not(a);
      if (a.is_constexpr()) {
        if (!a.is_number()) S_.fail(fmt::format("bad operand for unary '{}': {}", e.name, a.describe()));
        if (e.name == "+") return a.kind == TValue::Kind::Bool ? TValue::integer(a.b) : a;
        if (e.name == "-") {
          if (a.kind == TValue::Kind::Float) return TValue::real(-a.f);
          int64_t v = a.kind == TValue::Kind::Bool ? a.b : a.i;
          if (v == INT64_MIN) S_.fail("integer overflow in a constexpr expression");
          return TValue::integer(-v);
        }
        if (a.kind == TValue::Kind::Float) S_.fail("bad operand type for unary '~': float");
        return TValue::integer(~(a.kind == TValue::Kind::Bool ? int64_t{a.b} : a.i));
      }
      if (e.name == "-") return S_.negate(a);
      if (e.name == "~") return S_.invert(a);
      return a;
    }
    case Expr::Kind::Compare: {
      TValue lhs = expr(*e.args[0]);
      TValue result;
      for (size_t i = 0; i < e.ops.size(); ++i) {
        TValue rhs = expr(*e.args[i + 1]);
        S_.pos = e.pos;
        TValue r = compare(e.ops[i], lhs, rhs);
        if (i == 0) result = r;
        else if (result.is_constexpr() && r.is_constexpr()) result = TValue::boolean(truthy(result) && truthy(r));
        else result = S_.logical("and", result, r);
        lhs = rhs;
      }
      return result;
    }
    case Expr::Kind::BoolOp: {
      TValue acc = expr(*e.args[0]);
      for (size_t i = 1; i < e.args.size(); ++i) {
        if (acc.is_constexpr()) {  // Python short-circuit on compile-time values
          bool t = truthy(acc);
          if ((e.name == "and" && !t) || (e.name == "or" && t)) return acc;
          acc = expr(*e.args[i]);
          continue;
        }
        TValue rhs = expr(*e.args[i]);
        S_.pos = e.pos;
        acc = S_.logical(e.name, acc, rhs);
      }
      return acc;
    }
    case Expr::Kind::IfExp: {
      TValue c = expr(*e.args[0]);
      if (c.is_constexpr()) return expr(truthy(c) ? *e.args[1] : *e.args[2]);
      TValue a = expr(*e.args[1]);
      TValue b = expr(*e.args[2]);
      S_.pos = e.pos;
      return S_.where(c, a, b);
    }
    case Expr::Kind::Unsupported: S_.fail(e.name);
  }
  S_.fail("unsupported expression");
}

TValue CodeGen::compare(const std::string& op, const TValue& a, const TValue& b) {
  if (op == "is" || op == "is not") {
    bool same;
    if (a.is_tensor() || b.is_tensor()) same = a.is_tensor() && b.is_tensor() && a.value == b.value;
    else same = a.kind == b.kind && (a.kind == TValue::Kind::None || (a.is_number() && constexpr_binary("==", a, b).b) || (a.kind == TValue::Kind::Dtype && a.dtype == b.dtype));
    return TValue::boolean(op == "is" ? same : !same);
  }
  if (op == "in" || op == "not in") {
    if (b.kind != TValue::Kind::Tuple || !a.is_constexpr()) S_.fail("'in' is only supported on compile-time tuples");
    bool found = false;
    for (auto& x : b.elems) found = found || (x.is_constexpr() && truthy(compare("==", a, x)));
    return TValue::boolean(op == "in" ? found : !found);
  }
  if (a.is_constexpr() && b.is_constexpr()) return constexpr_binary(op, a, b);
  return S_.binary(op, a, b);
}

TValue CodeGen::constexpr_binary(const std::string& op, const TValue& a, const TValue& b) {
  bool cmp = op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=";
  if (a.kind == TValue::Kind::Str && b.kind == TValue::Kind::Str) {
    if (op == "+") return TValue::str(a.s + b.s);
    if (op == "==") return TValue::boolean(a.s == b.s);
    if (op == "!=") return TValue::boolean(a.s != b.s);
  }
  if (a.kind == TValue::Kind::Dtype && b.kind == TValue::Kind::Dtype && (op == "==" || op == "!=")) {
    bool eq = a.dtype == b.dtype && a.s == b.s;
    return TValue::boolean(op == "==" ? eq : !eq);
  }
  if (a.kind == TValue::Kind::None || b.kind == TValue::Kind::None) {
    if (op == "==" || op == "!=") {
      bool eq = a.kind == b.kind;
      return TValue::boolean(op == "==" ? eq : !eq);
    }
  }
  if (a.kind == TValue::Kind::Tuple && b.kind == TValue::Kind::Tuple && (op == "==" || op == "!=" || op == "+")) {
    if (op == "+") {
      auto all = a.elems;
      all.insert(all.end(), b.elems.begin(), b.elems.end());
      return TValue::tuple(all);
    }
    bool eq = a.elems.size() == b.elems.size();
    for (size_t i = 0; eq && i < a.elems.size(); ++i) eq = truthy(compare("==", a.elems[i], b.elems[i]));
    return TValue::boolean(op == "==" ? eq : !eq);
  }
  if (!a.is_number() || !b.is_number()) S_.fail(fmt::format("unsupported operand types for '{}': {} and {}", op, a.describe(), b.describe()));
  bool fl = a.kind == TValue::Kind::Float || b.kind == TValue::Kind::Float;
  if (fl || op == "/" || (op == "**" && (b.kind == TValue::Kind::Int ? b.i : b.b) < 0 && !fl)) {
    double x = a.kind == TValue::Kind::Float ? a.f : a.kind == TValue::Kind::Int ? static_cast<double>(a.i) : a.b;
    double y = b.kind == TValue::Kind::Float ? b.f : b.kind == TValue::Kind::Int ? static_cast<double>(b.i) : b.b;
    if (cmp) {
      bool r = op == "<" ? x < y : op == "<=" ? x <= y : op == ">" ? x > y : op == ">=" ? x >= y : op == "==" ? x == y : x != y;
      return TValue::boolean(r);
    }
    if ((op == "/" || op == "//" || op == "%") && y == 0) S_.fail("division by zero in a constexpr expression");
    if (op == "+") return TValue::real(x + y);
    if (op == "-") return TValue::real(x - y);
    if (op == "*") return TValue::real(x * y);
    if (op == "/") return TValue::real(x / y);
    if (op == "//") return TValue::real(std::floor(x / y));
    if (op == "%") {
      double r = std::fmod(x, y);
      if (r != 0 && ((r < 0) != (y < 0))) r += y;
      return TValue::real(r);
    }
    if (op == "**") return TValue::real(std::pow(x, y));
    S_.fail(fmt::format("unsupported operand type for '{}': float", op));
  }
  int64_t x = a.kind == TValue::Kind::Int ? a.i : a.b, y = b.kind == TValue::Kind::Int ? b.i : b.b;
  int64_t r = 0;
  auto overflow = [&] { S_.fail("integer overflow in a constexpr expression"); };
  if (cmp) {
    bool c = op == "<" ? x < y : op == "<=" ? x <= y : op == ">" ? x > y : op == ">=" ? x >= y : op == "==" ? x == y : x != y;
    return TValue::boolean(c);
  }
  bool both_bool = a.kind == TValue::Kind::Bool && b.kind == TValue::Kind::Bool;
  if (op == "+") { if (__builtin_add_overflow(x, y, &r)) overflow(); }
  else if (op == "-") { if (__builtin_sub_overflow(x, y, &r)) overflow(); }
  else if (op == "*") { if (__builtin_mul_overflow(x, y, &r)) overflow(); }
  else if (op == "//" || op == "%") {  // Python floor semantics on compile-time ints
    if (y == 0) S_.fail("division by zero in a constexpr expression");
    if (x == INT64_MIN && y == -1) overflow();
    int64_t q = x / y, m = x % y;
    if (m != 0 && ((m < 0) != (y < 0))) { --q; m += y; }
    r = op == "//" ? q : m;
  } else if (op == "**") {
    r = 1;
    for (int64_t k = 0; k < y; ++k)
      if (__builtin_mul_overflow(r, x, &r)) overflow();
  } else if (op == "<<") {
    if (y < 0) S_.fail("negative shift count");
    if (y >= 63 || (x != 0 && (x > (INT64_MAX >> y) || x < (INT64_MIN >> y)))) overflow();
    r = x << y;
  } else if (op == ">>") {
    if (y < 0) S_.fail("negative shift count");
    r = y >= 64 ? (x < 0 ? -1 : 0) : x >> y;
  } else if (op == "&") r = x & y;
  else if (op == "|") r = x | y;
  else if (op == "^") r = x ^ y;
  else S_.fail(fmt::format("unsupported operator '{}' on constexpr integers", op));
  if (both_bool && (op == "&" || op == "|" || op == "^")) return TValue::boolean(r != 0);
  return TValue::integer(r);
}

TValue CodeGen::call(const Expr& e) {
  const Expr& fn = *e.args[0];
  TValue callee = expr(fn);
  CallArgs args;
  bool is_print = callee.kind == TValue::Kind::Builtin && (callee.s == "py.print" || callee.s == "device_print" || callee.s == "static_print");
  for (size_t i = 1; i < e.args.size(); ++i) {
    const Expr& a = *e.args[i];
    if (a.kind == Expr::Kind::Str && a.fstring && is_print) {
      S_.pos = a.pos;
      args.pos.push_back(TValue::str(fstring(a)));
    } else {
      args.pos.push_back(expr(a));
    }
  }
  for (auto& [k, v] : e.keywords) args.kw.emplace_back(k, expr(*v));
  S_.pos = e.pos;
  return call_value(callee, args, e);
}

TValue CodeGen::call_value(const TValue& callee, CallArgs& args, const Expr& e) {
  S_.pos = e.pos;
  switch (callee.kind) {
    case TValue::Kind::Builtin: return builtin(callee.s, args);
    case TValue::Kind::JitFn: return call_jit(*callee.fn, args);
    case TValue::Kind::Method: {
      const TValue& self = callee.elems[0];
      if (self.kind == TValue::Kind::Dtype) {
        DT d = self.dtype;
        bool ptr = self.s == "pointer";
        const std::string& m = callee.s;
        bool r = m == "is_floating" ? !ptr && (dt_is_float(d) || dt_is_fp8(d)) : m == "is_fp8" ? !ptr && dt_is_fp8(d) : m == "is_int" ? !ptr && dt_is_int(d) : m == "is_int_signed" ? !ptr && dt_is_signed(d)
               : m == "is_int_unsigned" ? !ptr && dt_is_unsigned(d) : m == "is_fp16" ? !ptr && d == DT::F16 : m == "is_fp32" ? !ptr && d == DT::F32
               : m == "is_bf16" ? !ptr && d == DT::BF16 : ptr;
        return TValue::boolean(r);
      }
      args.pos.insert(args.pos.begin(), self);
      std::string name = callee.s == "to" ? "cast" : callee.s;
      return builtin(name, args);
    }
    default: S_.fail(fmt::format("{} is not callable", callee.describe()));
  }
}

}  // namespace tmetal::frontend
