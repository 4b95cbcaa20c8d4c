// CodeGen, builtins: the tl.* functions (and the Python builtins a kernel may use), with Triton's
// parameter names, defaults and checks, dispatched to Semantic.
#include "frontend/codegen.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tmetal::frontend {

using ir::OpCode;

std::vector<TValue> CodeGen::bind(const std::string& fn, CallArgs& args, std::initializer_list<ParamSpec> params) {
  std::vector<ParamSpec> ps(params);
  if (args.pos.size() > ps.size()) S_.fail(fmt::format("{}() takes at most {} arguments ({} given)", fn, ps.size(), args.pos.size()));
  std::vector<TValue> out(ps.size());
  std::vector<bool> set(ps.size(), false);
  for (size_t i = 0; i < args.pos.size(); ++i) {
    out[i] = args.pos[i];
    set[i] = true;
  }
  for (auto& [k, v] : args.kw) {
    size_t i = 0;
    while (i < ps.size() && k != ps[i].name) ++i;
    if (i == ps.size()) S_.fail(fmt::format("{}() got an unexpected keyword argument '{}'", fn, k));
    if (set[i]) S_.fail(fmt::format("{}() got multiple values for argument '{}'", fn, k));
    out[i] = v;
    set[i] = true;
  }
  for (size_t i = 0; i < ps.size(); ++i) {
    if (set[i]) continue;
    if (ps[i].required) S_.fail(fmt::format("{}() missing required argument '{}'", fn, ps[i].name));
    out[i] = ps[i].def;
  }
  return out;
}

int64_t CodeGen::int_arg(const TValue& v, const std::string& what) {
  if (v.kind == TValue::Kind::Int) return v.i;
  if (v.kind == TValue::Kind::Bool) return v.b;
  S_.fail(fmt::format("{} must be a constexpr integer, got {}", what, v.describe()));
}

std::string CodeGen::str_arg(const TValue& v, const std::string& what) {
  if (v.kind == TValue::Kind::Str) return v.s;
  if (v.kind == TValue::Kind::None) return "";
  S_.fail(fmt::format("{} must be a string, got {}", what, v.describe()));
}

DT CodeGen::dtype_arg(const TValue& v, const std::string& what) {
  if (v.kind != TValue::Kind::Dtype || v.s == "pointer") S_.fail(fmt::format("{} must be a dtype such as tl.float32, got {}", what, v.describe()));
  if (v.dtype == DT::F64) S_.fail("fp64 is not supported: Metal has no double type");
  return v.dtype;
}

std::vector<int64_t> CodeGen::shape_arg(const TValue& v, const std::string& what) {
  std::vector<int64_t> out;
  if (v.kind == TValue::Kind::Tuple) {
    for (auto& e : v.elems) out.push_back(int_arg(e, what));
  } else {
    out.push_back(int_arg(v, what));
  }
  return out;
}

// Gathers `f(x, 2, 3)` and `f(x, (2, 3))` alike into one tuple argument after `first` positional ones.
static void gather_varargs(CallArgs& args, size_t first) {
  if (args.pos.size() <= first + 1) return;
  std::vector<TValue> rest(args.pos.begin() + static_cast<long>(first), args.pos.end());
  args.pos.resize(first);
  args.pos.push_back(TValue::tuple(std::move(rest)));
}

static DT sum_dtype(DT in) {
  if (dt_is_signed(in) && dt_bits(in) < 32) return DT::I32;
  if (dt_is_unsigned(in) && dt_bits(in) < 32) return DT::U32;
  return in;
}

TValue CodeGen::reduction(const std::string& kind, const TValue& x0, const TValue& axis_v, bool keep_dims) {
  TValue x = S_.to_tensor(x0);
  if (!x.type.is_scalar_kind()) S_.fail(fmt::format("tl.{} needs a numeric tensor", kind));
  if (!x.type.is_tensor()) return x;
  int64_t axis;
  if (axis_v.kind == TValue::Kind::None) {
    int64_t total = 1;
    for (int64_t d : x.type.shape) total *= d;
    x = S_.reshape(x, {total}, true);
    axis = 0;
  } else {
    axis = int_arg(axis_v, "axis");
  }
  bool want_index = kind == "argmax" || kind == "argmin";
  if (want_index) {
    int64_t rank = static_cast<int64_t>(x.type.shape.size());
    int64_t ax = axis < 0 ? axis + rank : axis;
    if (ax < 0 || ax >= rank) S_.fail(fmt::format("axis {} is out of range for a tensor of rank {}", axis, rank));
    TValue idx = S_.arange(0, x.type.shape[static_cast<size_t>(ax)]);
    for (int64_t d = 0; d < rank; ++d)
      if (d != ax) idx = S_.expand_dims(idx, d);
    idx = S_.broadcast_to(idx, x.type.shape);
    bool is_max = kind == "argmax";
    auto results = S_.reduce({x, idx}, axis, keep_dims, [&](const std::vector<TValue>& l, const std::vector<TValue>& r) {
      TValue better = S_.binary(is_max ? ">" : "<", l[0], r[0]);
      TValue tie = S_.logical("and", S_.binary("==", l[0], r[0]), S_.binary("<", l[1], r[1]));
      TValue pick = S_.logical("or", better, tie);
      return std::vector<TValue>{S_.where(pick, l[0], r[0]), S_.where(pick, l[1], r[1])};
    });
    return results[1];
  }
  // Triton's standard.py: sum widens integers below 32 bits; max/min widen bf16 to f32, then any type below
  // 32 bits to f32 / i32 (floats and integers compare exactly after widening, so only the result type changes).
  if (kind == "sum") x = S_.cast(x, sum_dtype(x.type.dt));
  if (kind == "max" || kind == "min") {
    if (x.type.dt == DT::BF16 || x.type.dt == DT::F16) x = S_.cast(x, DT::F32);
    else if (x.type.is_int() && dt_bits(x.type.dt) < 32) x = S_.cast(x, DT::I32);
  }
  if (kind == "xor_sum" && !x.type.is_int()) S_.fail("tl.xor_sum needs an integer tensor");
  auto results = S_.reduce({x}, axis, keep_dims, [&](const std::vector<TValue>& l, const std::vector<TValue>& r) {
    if (kind == "sum") return std::vector<TValue>{S_.binary("+", l[0], r[0])};
    if (kind == "xor_sum") return std::vector<TValue>{S_.binary("^", l[0], r[0])};
    return std::vector<TValue>{S_.minmax(l[0], r[0], kind == "max", false)};
  });
  return results[0];
}

TValue CodeGen::scan_builtin(const std::string& kind, const TValue& x0, int64_t axis, bool reverse, const TValue* fn) {
  TValue x = S_.to_tensor(x0);
  // Triton's standard.py: cumsum and cumprod scan bf16 as f32; cumsum widens integers below 32 bits.
  if ((kind == "cumsum" || kind == "cumprod") && x.type.dt == DT::BF16) x = S_.cast(x, DT::F32);
  if (kind == "cumsum") x = S_.cast(x, sum_dtype(x.type.dt));
  auto results = S_.scan({x}, axis, reverse, [&](const std::vector<TValue>& l, const std::vector<TValue>& r) {
    if (fn) return inline_combine(*fn, l, r);
    return std::vector<TValue>{S_.binary(kind == "cumsum" ? "+" : "*", l[0], r[0])};
  });
  return results[0];
}

TValue CodeGen::builtin(const std::string& name, CallArgs& args) {
  bool handled = false;
  TValue lib = stdlib_builtin(name, args, handled);
  if (handled) return lib;
  auto n = [](const char* s) { return ParamSpec{s}; };
  auto none = TValue::none();
  auto opt_tensor = [&](const TValue& v) -> std::optional<TValue> {
    if (v.kind == TValue::Kind::None) return std::nullopt;
    return v;
  };
  auto fold_or = [&](const std::string& op, const TValue& a, const TValue& b) {
    return a.is_constexpr() && b.is_constexpr() ? constexpr_binary(op, a, b) : S_.binary(op, a, b);
  };

  if (name == "jit" || name == "autotune" || name == "heuristics" || name == "Config") S_.fail(fmt::format("triton.{} cannot be used inside a kernel", name));
  if (name == "constexpr") {
    auto a = bind("tl.constexpr", args, {n("value")});
    if (!a[0].is_constexpr()) S_.fail("tl.constexpr() needs a compile-time value");
    return a[0];
  }
  if (name == "program_id" || name == "num_programs") {
    auto a = bind("tl." + name, args, {n("axis")});
    int64_t axis = int_arg(a[0], "axis");
    if (axis < 0 || axis > 2) S_.fail(fmt::format("{} axis must be 0, 1 or 2, got {}", name, axis));
    S_.locate();
    ir::Value* v = b_.value(name == "program_id" ? OpCode::ProgramId : OpCode::NumPrograms, {}, ir::Type::i32(), {{"axis", ir::Attribute::integer(axis)}});
    return TValue::tensor(v, FType::scalar(DT::I32));
  }
  if (name == "arange") {
    auto a = bind("tl.arange", args, {n("start"), n("end")});
    return S_.arange(int_arg(a[0], "start"), int_arg(a[1], "end"));
  }
  if (name == "zeros" || name == "full") {
    auto a = name == "zeros" ? bind("tl.zeros", args, {n("shape"), n("dtype")}) : bind("tl.full", args, {n("shape"), n("value"), n("dtype")});
    TValue value = name == "zeros" ? TValue::integer(0) : a[1];
    return S_.full(shape_arg(a[0], "shape"), value, dtype_arg(a.back(), "dtype"));
  }
  if (name == "zeros_like" || name == "full_like") {
    auto a = name == "zeros_like" ? bind("tl.zeros_like", args, {n("input"), opt("dtype")}) : bind("tl.full_like", args, {n("input"), n("value"), opt("dtype")});
    TValue x = S_.to_tensor(a[0]);
    DT d = a.back().kind == TValue::Kind::None ? x.type.dt : dtype_arg(a.back(), "dtype");
    return S_.full(x.type.shape, name == "zeros_like" ? TValue::integer(0) : a[1], d);
  }
  if (name == "load") {
    auto a = bind("tl.load", args, {n("pointer"), opt("mask"), opt("other"), opt("boundary_check", TValue::tuple({})), opt("padding_option", TValue::str("")),
                                    opt("cache_modifier", TValue::str("")), opt("eviction_policy", TValue::str("")), opt("volatile", TValue::boolean(false))});
    std::vector<int64_t> bc = a[3].kind == TValue::Kind::Tuple && a[3].elems.empty() ? std::vector<int64_t>{} : shape_arg(a[3], "boundary_check");
    return S_.load(a[0], opt_tensor(a[1]), opt_tensor(a[2]), bc, str_arg(a[4], "padding_option"), str_arg(a[5], "cache_modifier"),
                   str_arg(a[6], "eviction_policy"), truthy(a[7]));
  }
  if (name == "store") {
    auto a = bind("tl.store", args, {n("pointer"), n("value"), opt("mask"), opt("boundary_check", TValue::tuple({})), opt("cache_modifier", TValue::str("")),
                                     opt("eviction_policy", TValue::str(""))});
    std::vector<int64_t> bc = a[3].kind == TValue::Kind::Tuple && a[3].elems.empty() ? std::vector<int64_t>{} : shape_arg(a[3], "boundary_check");
    S_.store(a[0], a[1], opt_tensor(a[2]), bc, str_arg(a[4], "cache_modifier"), str_arg(a[5], "eviction_policy"));
    return none;
  }
  if (name == "reshape" || name == "view") {
    gather_varargs(args, 1);
    auto a = bind("tl." + name, args, {n("input"), n("shape"), opt("can_reorder", TValue::boolean(false))});
    return S_.reshape(a[0], shape_arg(a[1], "shape"), name == "view" || truthy(a[2]));
  }
  if (name == "ravel") {
    auto a = bind("tl.ravel", args, {n("input"), opt("can_reorder", TValue::boolean(false))});
    TValue x = S_.to_tensor(a[0]);
    int64_t total = 1;
    for (int64_t d : x.type.shape) total *= d;
    return S_.reshape(x, {total}, truthy(a[1]));
  }
  if (name == "trans" || name == "permute") {
    gather_varargs(args, 1);
    auto a = bind("tl." + name, args, {n("input"), name == "trans" ? opt("dims") : n("dims")});
    TValue x = S_.to_tensor(a[0]);
    std::vector<int64_t> order;
    if (a[1].kind == TValue::Kind::None) {
      for (size_t i = x.type.shape.size(); i-- > 0;) order.push_back(static_cast<int64_t>(i));
    } else {
      order = shape_arg(a[1], "dims");
    }
    return S_.permute(x, order);
  }
  if (name == "expand_dims") {
    auto a = bind("tl.expand_dims", args, {n("input"), n("axis")});
    TValue x = a[0];
    std::vector<int64_t> axes = shape_arg(a[1], "axis");
    // Triton normalizes every axis against the rank of the result, refuses duplicates, then inserts in order.
    int64_t new_rank = static_cast<int64_t>(S_.to_tensor(x).type.shape.size() + axes.size());
    for (int64_t& ax : axes) {
      if (ax < -new_rank || ax >= new_rank) S_.fail(fmt::format("invalid axis {} for tl.expand_dims: expected {} <= axis < {}", ax, -new_rank, new_rank));
      if (ax < 0) ax += new_rank;
    }
    std::sort(axes.begin(), axes.end());
    if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) S_.fail(fmt::format("tl.expand_dims received duplicate axes (normalized: [{}])", fmt::join(axes, ", ")));
    for (int64_t ax : axes) x = S_.expand_dims(x, ax);
    return x;
  }
  if (name == "broadcast_to") {
    gather_varargs(args, 1);
    auto a = bind("tl.broadcast_to", args, {n("input"), n("shape")});
    auto shape = shape_arg(a[1], "shape");
    S_.check_block_shape(shape);
    return S_.broadcast_to(a[0], shape);
  }
  if (name == "broadcast") {
    auto a = bind("tl.broadcast", args, {n("input"), n("other")});
    auto [x, y] = S_.broadcast_pair(a[0], a[1]);
    return TValue::tuple({x, y});
  }
  if (name == "join") {
    auto a = bind("tl.join", args, {n("a"), n("b")});
    return S_.join(a[0], a[1]);
  }
  if (name == "interleave") {
    auto a = bind("tl.interleave", args, {n("a"), n("b")});
    TValue j = S_.join(a[0], a[1]);
    auto shape = j.type.shape;
    if (shape.size() == 1) return j;  // two scalars interleave into their join
    shape.pop_back();
    shape.back() *= 2;
    return S_.reshape(j, shape, false);
  }
  if (name == "split") {
    auto a = bind("tl.split", args, {n("a")});
    auto [x, y] = S_.split(a[0]);
    return TValue::tuple({x, y});
  }
  if (name == "where") {
    auto a = bind("tl.where", args, {n("condition"), n("x"), n("y")});
    if (a[0].is_constexpr()) return truthy(a[0]) ? a[1] : a[2];
    return S_.where(a[0], a[1], a[2]);
  }
  if (name == "maximum" || name == "minimum") {
    auto a = bind("tl." + name, args, {n("x"), n("y"), opt("propagate_nan")});
    bool nan = a[2].kind == TValue::Kind::Bool ? a[2].b : a[2].kind == TValue::Kind::Str ? a[2].s == "all" : false;
    return S_.minmax(a[0], a[1], name == "maximum", nan);
  }
  if (name == "clamp") {
    auto a = bind("tl.clamp", args, {n("x"), n("min"), n("max"), opt("propagate_nan")});
    return S_.clamp(a[0], a[1], a[2]);
  }
  static const std::map<std::string, OpCode> unary = {{"exp", OpCode::Exp},   {"exp2", OpCode::Exp2}, {"log", OpCode::Log},     {"log2", OpCode::Log2},
                                                      {"sqrt", OpCode::Sqrt}, {"rsqrt", OpCode::Rsqrt}, {"sin", OpCode::Sin}, {"cos", OpCode::Cos},
                                                      {"floor", OpCode::Floor}, {"ceil", OpCode::Ceil}, {"erf", OpCode::Erf}};
  if (auto u = unary.find(name); u != unary.end()) {
    auto a = bind("tl." + name, args, {n("x")});
    return S_.math_unary(u->second, a[0], "tl." + name);
  }
  if (name == "sqrt_rn") return S_.precise_sqrt(bind("tl.sqrt_rn", args, {n("x")})[0]);
  if (name == "abs") return S_.abs(bind("tl.abs", args, {n("x")})[0]);
  if (name == "sigmoid") {
    TValue x = bind("tl.sigmoid", args, {n("x")})[0];
    TValue e = S_.math_unary(OpCode::Exp, S_.negate(x), "tl.sigmoid");
    return S_.binary("/", TValue::real(1.0), S_.binary("+", TValue::real(1.0), e));
  }
  if (name == "softmax") {
    auto a = bind("tl.softmax", args, {n("x"), opt("dim"), opt("keep_dims", TValue::boolean(false)), opt("ieee_rounding", TValue::boolean(false))});
    TValue x = S_.to_tensor(a[0]);
    if (!x.type.is_float() || !x.type.is_tensor()) S_.fail("tl.softmax needs a floating-point tensor");
    TValue axis = a[1].kind == TValue::Kind::None ? TValue::integer(static_cast<int64_t>(x.type.shape.size()) - 1) : a[1];
    TValue z = S_.binary("-", x, reduction("max", x, axis, true));
    TValue num = S_.math_unary(OpCode::Exp, z, "tl.softmax");
    TValue den = reduction("sum", num, axis, true);
    return S_.fdiv(num, den, truthy(a[3]));
  }
  if (name == "fma") {
    auto a = bind("tl.fma", args, {n("x"), n("y"), n("z")});
    return S_.fma(a[0], a[1], a[2]);
  }
  if (name == "umulhi") {
    auto a = bind("tl.umulhi", args, {n("x"), n("y")});
    return S_.umulhi(a[0], a[1]);
  }
  if (name == "div_rn") {
    auto a = bind("tl.div_rn", args, {n("x"), n("y")});
    return S_.fdiv(a[0], a[1], true);
  }
  if (name == "fdiv") {
    auto a = bind("tl.fdiv", args, {n("x"), n("y"), opt("ieee_rounding", TValue::boolean(false))});
    return S_.fdiv(a[0], a[1], truthy(a[2]));
  }
  if (name == "dot") {
    auto a = bind("tl.dot", args, {n("input"), n("other"), opt("acc"), opt("input_precision"), opt("allow_tf32"), opt("max_num_imprecise_acc"),
                                   opt("out_dtype", TValue::dtype_of(DT::F32))});
    std::string prec = str_arg(a[3], "input_precision");
    if (prec.empty() && a[4].kind != TValue::Kind::None) prec = truthy(a[4]) ? "tf32" : "ieee";
    int64_t imprecise = a[5].kind == TValue::Kind::None ? 0 : int_arg(a[5], "max_num_imprecise_acc");
    return S_.dot(a[0], a[1], opt_tensor(a[2]), prec, dtype_arg(a[6], "out_dtype"), imprecise);
  }
  if (name == "sum" || name == "xor_sum") {
    auto a = bind("tl." + name, args, {n("input"), opt("axis"), opt("keep_dims", TValue::boolean(false)), opt("dtype")});
    TValue x = a[0];
    if (a[3].kind != TValue::Kind::None) x = S_.cast(x, dtype_arg(a[3], "dtype"));
    return reduction(name, x, a[1], truthy(a[2]));
  }
  if (name == "max" || name == "min") {
    auto a = bind("tl." + name, args, {n("input"), opt("axis"), opt("return_indices", TValue::boolean(false)),
                                       opt("return_indices_tie_break_left", TValue::boolean(true)), opt("keep_dims", TValue::boolean(false))});
    TValue v = reduction(name, a[0], a[1], truthy(a[4]));
    if (!truthy(a[2])) return v;
    return TValue::tuple({v, reduction(name == "max" ? "argmax" : "argmin", a[0], a[1], truthy(a[4]))});
  }
  if (name == "argmax" || name == "argmin") {
    auto a = bind("tl." + name, args, {n("input"), n("axis"), opt("tie_break_left", TValue::boolean(true)), opt("keep_dims", TValue::boolean(false))});
    return reduction(name, a[0], a[1], truthy(a[3]));
  }
  if (name == "reduce") {
    auto a = bind("tl.reduce", args, {n("input"), n("axis"), n("combine_fn"), opt("keep_dims", TValue::boolean(false))});
    std::vector<TValue> inputs = a[0].kind == TValue::Kind::Tuple ? a[0].elems : std::vector<TValue>{a[0]};
    if (inputs.empty()) S_.fail("tl.reduce needs at least one input");
    TValue fn = a[2];
    std::vector<TValue> flat = inputs;
    TValue axis = a[1];
    if (axis.kind == TValue::Kind::None) {
      for (auto& x : flat) {
        TValue t = S_.to_tensor(x);
        int64_t total = 1;
        for (int64_t d : t.type.shape) total *= d;
        x = S_.reshape(t, {total}, true);
      }
      axis = TValue::integer(0);
    }
    auto r = S_.reduce(flat, int_arg(axis, "axis"), truthy(a[3]), [&](const std::vector<TValue>& l, const std::vector<TValue>& rr) { return inline_combine(fn, l, rr); });
    return r.size() == 1 ? r[0] : TValue::tuple(r);
  }
  if (name == "cumsum" || name == "cumprod") {
    auto a = bind("tl." + name, args, {n("input"), opt("axis", TValue::integer(0)), opt("reverse", TValue::boolean(false)), opt("dtype")});
    TValue x = a[0];
    if (a[3].kind != TValue::Kind::None) x = S_.cast(x, dtype_arg(a[3], "dtype"));
    return scan_builtin(name, x, int_arg(a[1], "axis"), truthy(a[2]), nullptr);
  }
  if (name == "associative_scan") {
    auto a = bind("tl.associative_scan", args, {n("input"), n("axis"), n("combine_fn"), opt("reverse", TValue::boolean(false))});
    if (a[0].kind == TValue::Kind::Tuple) {
      TValue fn = a[2];
      auto r = S_.scan(a[0].elems, int_arg(a[1], "axis"), truthy(a[3]), [&](const std::vector<TValue>& l, const std::vector<TValue>& rr) { return inline_combine(fn, l, rr); });
      return TValue::tuple(r);
    }
    return scan_builtin("scan", a[0], int_arg(a[1], "axis"), truthy(a[3]), &a[2]);
  }
  if (name.rfind("atomic_", 0) == 0) {
    std::string op = name.substr(7);
    if (op == "cas") {
      auto a = bind("tl.atomic_cas", args, {n("pointer"), n("cmp"), n("val"), opt("sem"), opt("scope")});
      return S_.atomic_cas(a[0], a[1], a[2], str_arg(a[3], "sem"), str_arg(a[4], "scope"));
    }
    auto a = bind("tl." + name, args, {n("pointer"), n("val"), opt("mask"), opt("sem"), opt("scope")});
    return S_.atomic_rmw(op, a[0], a[1], opt_tensor(a[2]), str_arg(a[3], "sem"), str_arg(a[4], "scope"));
  }
  if (name == "cast") {
    auto a = bind("tl.cast", args, {n("input"), n("dtype"), opt("fp_downcast_rounding"), opt("bitcast", TValue::boolean(false))});
    if (a[1].kind == TValue::Kind::Dtype && a[1].s == "pointer") {
      if (truthy(a[3])) S_.fail("bitcast to a pointer type: use x.to(tl.pointer_type(...)) without bitcast");
      return S_.int_to_ptr(a[0], a[1].dtype);
    }
    DT d = dtype_arg(a[1], "dtype");
    std::string rounding = str_arg(a[2], "fp_downcast_rounding");
    if (!rounding.empty()) {  // Triton: "rtne" (the default) or "rtz", only for narrowing float conversions
      if (rounding != "rtne" && rounding != "rtz") S_.fail(fmt::format("fp_downcast_rounding must be 'rtne' or 'rtz', got '{}'", rounding));
      TValue x = S_.to_tensor(a[0]);
      DT s = x.type.dt;
      bool narrowing = x.type.is_scalar_kind() && (dt_is_float(s) || dt_is_fp8(s)) && (dt_is_float(d) || dt_is_fp8(d)) && dt_bits(d) < dt_bits(s);
      if (!narrowing || truthy(a[3])) S_.fail("fp_downcast_rounding should be set only for truncating floating-point conversions");
      if (rounding == "rtz") {
        if (!dt_is_fp8(d)) S_.fail(fmt::format("fp_downcast_rounding='rtz' to {} is not supported by triton-metal (only to fp8 types)", dt_name(d)));
        return S_.f32_to_fp8(s == DT::F32 ? x : S_.cast(x, DT::F32), d, true);
      }
    }
    if (a[0].is_number() && !truthy(a[3])) return S_.constant(a[0], FType::scalar(d));
    return S_.cast(a[0], d, truthy(a[3]));
  }
  if (name == "static_range" || name == "range" || name == "tl.range") S_.fail(fmt::format("{} can only be used as the iterable of a for loop", name == "tl.range" ? "tl.range" : name));
  if (name == "static_assert") {
    auto a = bind("tl.static_assert", args, {n("cond"), opt("msg", TValue::str(""))});
    if (!a[0].is_constexpr()) S_.fail("tl.static_assert needs a compile-time condition");
    if (!truthy(a[0])) S_.fail("static_assert failed" + (a[1].s.empty() ? std::string() : ": " + a[1].s));
    return none;
  }
  if (name == "device_assert") {
    auto a = bind("tl.device_assert", args, {n("cond"), opt("msg", TValue::str("")), opt("mask")});
    if (a[0].is_constexpr()) {
      if (!truthy(a[0])) S_.fail("device_assert is always false: " + str_arg(a[1], "msg"));
      return none;
    }
    TValue c = S_.to_bool(a[0]);
    S_.locate();
    b_.create(OpCode::Assert, {c.value}, {}, {{"message", str_arg(a[1], "msg")}});
    return none;
  }
  if (name == "static_print") {
    std::string line;
    for (auto& v : args.pos) line += (line.empty() ? "" : " ") + (v.kind == TValue::Kind::Str ? v.s : v.describe());
    std::fprintf(stderr, "%s\n", line.c_str());
    S_.static_prints.push_back(line);
    return none;
  }
  if (name == "device_print" || name == "py.print") {
    // Triton's device_print(prefix, *args, hex=False): the prefix is made to read " prefix: " before the
    // values (semantic.py), each argument becomes a tensor, and each operand records its signedness (the
    // IR is signless) for the %i / %u of Triton's format. fp8 values print as their fp32 value.
    std::string prefix;
    std::vector<ir::Value*> values;
    std::vector<int64_t> is_signed;
    bool hex = false;
    for (auto& [k, v] : args.kw) {
      if (k == "hex") hex = truthy(v);
      else S_.fail(fmt::format("print() got an unexpected keyword argument '{}'", k));
    }
    size_t first = 0;
    if (!args.pos.empty() && args.pos[0].kind == TValue::Kind::Str) {
      prefix = args.pos[0].s;
      first = 1;
    }
    for (size_t i = first; i < args.pos.size(); ++i) {
      const TValue& v = args.pos[i];
      if (v.kind == TValue::Kind::Str) {
        if (!values.empty()) S_.fail("device_print: strings must come before the values (the prefix)");
        prefix += (prefix.empty() ? "" : " ") + v.s;
        continue;
      }
      TValue t = S_.to_tensor(v);
      if (t.type.is_fp8()) t = S_.fp8_to_f32(t);
      if (!t.type.is_scalar_kind()) S_.fail(fmt::format("device_print cannot print {}", t.describe()));
      values.push_back(t.value);
      is_signed.push_back(dt_is_signed(t.type.dt) ? 1 : 0);
    }
    for (char ch : prefix)
      if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e) S_.fail("device_print: the prefix must be printable ASCII");
    if (!values.empty()) {
      if (prefix.empty() || prefix.back() != ' ') prefix += " ";
      if (prefix.size() < 2 || prefix.compare(prefix.size() - 2, 2, ": ") != 0) prefix = prefix.substr(0, prefix.size() - 1) + ": ";
    }
    if (prefix.size() > 2 && prefix[0] != ' ') prefix = " " + prefix;
    S_.locate();
    ir::AttrDict attrs = {{"prefix", prefix}, {"is_signed", ir::Attribute::array(is_signed)}};
    if (hex) attrs["hex"] = true;
    b_.create(OpCode::Print, values, {}, std::move(attrs));
    return none;
  }
  if (name == "multiple_of" || name == "max_contiguous" || name == "max_constancy") {
    auto a = bind("tl." + name, args, {n("input"), n("values")});
    TValue x = S_.to_tensor(a[0]);
    std::vector<int64_t> values = shape_arg(a[1], "values");
    size_t rank = std::max<size_t>(1, x.type.shape.size());
    if (values.size() != rank) S_.fail(fmt::format("tl.{} needs {} values (one per dimension)", name, rank));
    const char* key = name == "multiple_of" ? "tt.divisibility" : name == "max_contiguous" ? "tt.contiguity" : "tt.constancy";
    if (ir::Operation* def = x.value->defining_op()) def->set_attr(key, ir::Attribute::array(values));
    return x;
  }
  if (name == "assume") return none;
  if (name == "debug_barrier") {
    bind("tl.debug_barrier", args, {});
    S_.locate();
    b_.create(OpCode::Barrier, {}, {});
    return none;
  }
  if (name == "cdiv") {
    auto a = bind("cdiv", args, {n("x"), n("div")});
    return fold_or("//", fold_or("-", fold_or("+", a[0], a[1]), TValue::integer(1)), a[1]);
  }
  if (name == "next_power_of_2") {
    int64_t v = int_arg(bind("triton.next_power_of_2", args, {n("n")})[0], "n");
    int64_t p = 1;
    while (p < v && p < (int64_t{1} << 62)) p <<= 1;
    return TValue::integer(p);
  }
  if (name == "swizzle2d") {
    auto a = bind("tl.swizzle2d", args, {n("i"), n("j"), n("size_i"), n("size_j"), n("size_g")});
    TValue ij = fold_or("+", fold_or("*", a[0], a[3]), a[1]);
    TValue size_gj = fold_or("*", a[4], a[3]);
    TValue group = fold_or("//", ij, size_gj);
    TValue off_i = fold_or("*", group, a[4]);
    TValue rem = fold_or("-", a[2], off_i);
    TValue size_g = rem.is_constexpr() && a[4].is_constexpr() ? (truthy(constexpr_binary("<", rem, a[4])) ? rem : a[4]) : S_.minmax(rem, a[4], false, false);
    TValue ij2 = fold_or("%", ij, size_gj);
    return TValue::tuple({fold_or("+", off_i, fold_or("%", ij2, size_g)), fold_or("//", ij2, size_g)});
  }
  if (name == "make_block_ptr") {
    auto a = bind("tl.make_block_ptr", args, {n("base"), n("shape"), n("strides"), n("offsets"), n("block_shape"), n("order")});
    auto as_list = [&](const TValue& v) { return v.kind == TValue::Kind::Tuple ? v.elems : std::vector<TValue>{v}; };
    return S_.make_block_ptr(a[0], as_list(a[1]), as_list(a[2]), as_list(a[3]), shape_arg(a[4], "block_shape"), shape_arg(a[5], "order"));
  }
  if (name == "advance") {
    auto a = bind("tl.advance", args, {n("base"), n("offsets")});
    return S_.advance(a[0], a[1].kind == TValue::Kind::Tuple ? a[1].elems : std::vector<TValue>{a[1]});
  }
  if (name == "histogram") {
    auto a = bind("tl.histogram", args, {n("input"), n("num_bins")});
    return S_.histogram(a[0], int_arg(a[1], "num_bins"));
  }
  // Python builtins.
  if (name == "py.min" || name == "py.max") {
    if (args.pos.size() == 1 && args.pos[0].kind == TValue::Kind::Tuple) args.pos = args.pos[0].elems;
    if (args.pos.empty()) S_.fail(fmt::format("{}() needs arguments", name.substr(3)));
    TValue acc = args.pos[0];
    for (size_t i = 1; i < args.pos.size(); ++i) {
      const TValue& v = args.pos[i];
      if (acc.is_constexpr() && v.is_constexpr()) {
        bool take = truthy(constexpr_binary(name == "py.min" ? "<" : ">", v, acc));
        if (take) acc = v;
      } else {
        acc = S_.minmax(acc, v, name == "py.max", false);
      }
    }
    return acc;
  }
  if (name == "py.abs") {
    TValue v = bind("abs", args, {n("x")})[0];
    if (v.kind == TValue::Kind::Int) return TValue::integer(v.i < 0 ? -v.i : v.i);
    if (v.kind == TValue::Kind::Float) return TValue::real(std::fabs(v.f));
    return S_.abs(v);
  }
  if (name == "py.len") {
    TValue v = bind("len", args, {n("x")})[0];
    if (v.kind == TValue::Kind::Tuple) return TValue::integer(static_cast<int64_t>(v.elems.size()));
    if (v.is_tensor() && v.type.is_tensor()) return TValue::integer(v.type.shape[0]);
    S_.fail(fmt::format("len() of {} is not supported", v.describe()));
  }
  if (name == "py.int" || name == "py.float" || name == "py.bool") {
    TValue v = bind(name.substr(3), args, {n("x")})[0];
    if (name == "py.float" && v.kind == TValue::Kind::Str) {
      std::string t = v.s;
      for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (t == "inf" || t == "+inf" || t == "infinity") return TValue::real(HUGE_VAL);
      if (t == "-inf" || t == "-infinity") return TValue::real(-HUGE_VAL);
      if (t == "nan") return TValue::real(std::nan(""));
      char* end = nullptr;
      double d = std::strtod(v.s.c_str(), &end);
      if (v.s.empty() || *end != '\0') S_.fail(fmt::format("could not convert string to float: '{}'", v.s));
      return TValue::real(d);
    }
    if (!v.is_number()) S_.fail(fmt::format("{}() needs a compile-time number inside a kernel; use .to(dtype) for tensors", name.substr(3)));
    double d = v.kind == TValue::Kind::Float ? v.f : v.kind == TValue::Kind::Int ? static_cast<double>(v.i) : v.b;
    if (name == "py.float") return TValue::real(d);
    if (name == "py.bool") return TValue::boolean(d != 0);
    if (v.kind == TValue::Kind::Float && (!std::isfinite(v.f) || std::fabs(v.f) > 9.2e18)) S_.fail("int() of a float out of range");
    return TValue::integer(v.kind == TValue::Kind::Int ? v.i : static_cast<int64_t>(d));
  }
  if (name == "py.tuple" || name == "py.list") {
    TValue v = bind(name.substr(3), args, {n("x")})[0];
    if (v.kind != TValue::Kind::Tuple) S_.fail(fmt::format("{}() needs a tuple or list", name.substr(3)));
    return v;
  }
  if (name.rfind("pymath.", 0) == 0) {
    TValue v = bind(name, args, {n("x")})[0];
    if (!v.is_number()) S_.fail(fmt::format("math.{}() needs a compile-time number", name.substr(7)));
    double d = v.kind == TValue::Kind::Float ? v.f : v.kind == TValue::Kind::Int ? static_cast<double>(v.i) : v.b;
    std::string f = name.substr(7);
    if (f == "ceil" || f == "floor") {
      double r = f == "ceil" ? std::ceil(d) : std::floor(d);
      if (!std::isfinite(r) || std::fabs(r) > 9.2e18) S_.fail("math result out of range");
      return TValue::integer(static_cast<int64_t>(r));
    }
    return TValue::real(f == "log2" ? std::log2(d) : f == "log" ? std::log(d) : f == "sqrt" ? std::sqrt(d) : std::exp(d));
  }
  S_.fail(fmt::format("'{}' is not supported by triton-metal", name));
}

}  // namespace tmetal::frontend
