// Constant folding: an op whose operands are all `arith.constant`s (scalars or splat tensors) is replaced
// by a constant holding its value: integer arithmetic with two's-complement wrapping at the op's width,
// signed/unsigned division and remainder (C truncation; division by zero is left alone), shifts,
// comparisons, f32 arithmetic rounded to f32, casts, and splat/broadcast/expand_dims/reshape of constants.
// f16/bf16 arithmetic is not folded (the result would need that format's rounding); truncf to f16/bf16
// folds only when the value is exactly representable.
#include "transforms/pass.h"

#include "ir/builder.h"
#include "transforms/int_semantics.h"

#include <cmath>
#include <optional>

namespace tmetal::transforms {
namespace {

using namespace ir;

struct Const {
  bool is_float = false;
  int64_t i = 0;
  double f = 0;
};

std::optional<Const> read(const Value* v) {
  Const c;
  if (constant_int_value(v, c.i)) return c;
  if (constant_float_value(v, c.f)) {
    c.is_float = true;
    return c;
  }
  return std::nullopt;
}

bool cmp_int(const std::string& p, int64_t a, int64_t b, int bits) {
  int64_t sa = as_signed(a, bits), sb = as_signed(b, bits);
  uint64_t ua = as_unsigned(a, bits), ub = as_unsigned(b, bits);
  if (p == "eq") return ua == ub;
  if (p == "ne") return ua != ub;
  if (p == "slt") return sa < sb;
  if (p == "sle") return sa <= sb;
  if (p == "sgt") return sa > sb;
  if (p == "sge") return sa >= sb;
  if (p == "ult") return ua < ub;
  if (p == "ule") return ua <= ub;
  if (p == "ugt") return ua > ub;
  return ua >= ub;  // uge
}

bool cmp_float(const std::string& p, double a, double b) {
  bool unordered = std::isnan(a) || std::isnan(b);
  if (p == "ord") return !unordered;
  if (p == "uno") return unordered;
  bool u = p[0] == 'u';
  if (unordered) return u;
  std::string k = p.substr(1);
  if (k == "eq") return a == b;
  if (k == "ne") return a != b;
  if (k == "lt") return a < b;
  if (k == "le") return a <= b;
  if (k == "gt") return a > b;
  return a >= b;
}

// Folds integer ops; nullopt when not foldable.
std::optional<int64_t> fold_int(const Operation* op, int64_t a, int64_t b, int bits) {
  uint64_t ua = as_unsigned(a, bits), ub = as_unsigned(b, bits);
  int64_t sa = as_signed(a, bits), sb = as_signed(b, bits);
  switch (op->code()) {
    case OpCode::AddI: return wrap_signed(static_cast<int64_t>(ua + ub), bits);
    case OpCode::SubI: return wrap_signed(static_cast<int64_t>(ua - ub), bits);
    case OpCode::MulI: return wrap_signed(static_cast<int64_t>(ua * ub), bits);
    case OpCode::DivSI:
      if (sb == 0 || (sb == -1 && sa == as_signed(int64_t{1} << (bits - 1), bits))) return std::nullopt;
      return wrap_signed(sa / sb, bits);
    case OpCode::RemSI:
      if (sb == 0 || sb == -1) return sb == -1 ? std::optional<int64_t>(0) : std::nullopt;
      return wrap_signed(sa % sb, bits);
    case OpCode::DivUI: return ub == 0 ? std::nullopt : std::optional<int64_t>(wrap_signed(static_cast<int64_t>(ua / ub), bits));
    case OpCode::RemUI: return ub == 0 ? std::nullopt : std::optional<int64_t>(wrap_signed(static_cast<int64_t>(ua % ub), bits));
    case OpCode::AndI: return wrap_signed(static_cast<int64_t>(ua & ub), bits);
    case OpCode::OrI: return wrap_signed(static_cast<int64_t>(ua | ub), bits);
    case OpCode::XOrI: return wrap_signed(static_cast<int64_t>(ua ^ ub), bits);
    case OpCode::ShLI: return ub >= static_cast<uint64_t>(bits) ? std::nullopt : std::optional<int64_t>(wrap_signed(static_cast<int64_t>(ua << ub), bits));
    case OpCode::ShRUI: return ub >= static_cast<uint64_t>(bits) ? std::nullopt : std::optional<int64_t>(wrap_signed(static_cast<int64_t>(ua >> ub), bits));
    case OpCode::ShRSI: return ub >= static_cast<uint64_t>(bits) ? std::nullopt : std::optional<int64_t>(wrap_signed(sa >> ub, bits));
    case OpCode::MaxSI: return wrap_signed(std::max(sa, sb), bits);
    case OpCode::MinSI: return wrap_signed(std::min(sa, sb), bits);
    case OpCode::MaxUI: return wrap_signed(static_cast<int64_t>(std::max(ua, ub)), bits);
    case OpCode::MinUI: return wrap_signed(static_cast<int64_t>(std::min(ua, ub)), bits);
    default: return std::nullopt;
  }
}

std::optional<double> fold_float(const Operation* op, const std::vector<double>& x) {
  auto f32 = [](double v) { return static_cast<double>(static_cast<float>(v)); };
  switch (op->code()) {
    case OpCode::AddF: return f32(x[0] + x[1]);
    case OpCode::SubF: return f32(x[0] - x[1]);
    case OpCode::MulF: return f32(x[0] * x[1]);
    case OpCode::DivF: return f32(x[0] / x[1]);
    case OpCode::RemF: return f32(std::fmod(x[0], x[1]));
    case OpCode::MaxNumF: return std::isnan(x[0]) ? x[1] : std::isnan(x[1]) ? x[0] : std::max(x[0], x[1]);
    case OpCode::MinNumF: return std::isnan(x[0]) ? x[1] : std::isnan(x[1]) ? x[0] : std::min(x[0], x[1]);
    case OpCode::NegF: return -x[0];
    case OpCode::AbsF: return std::fabs(x[0]);
    case OpCode::Floor: return std::floor(x[0]);
    case OpCode::Ceil: return std::ceil(x[0]);
    case OpCode::Sqrt: return f32(std::sqrt(x[0]));
    default: return std::nullopt;
  }
}

// True when `v` is exactly representable as a normal number (or zero/inf/nan) of a float format with
// `mantissa` explicit bits and exponents in [min_exp, max_exp] (frexp convention); then truncf is exact.
bool exactly_representable(double v, int mantissa, int min_exp, int max_exp) {
  if (v == 0 || std::isinf(v) || std::isnan(v)) return true;
  int e;
  double m = std::frexp(v, &e);
  if (e < min_exp || e > max_exp) return false;
  double scaled = std::ldexp(m, mantissa + 1);
  return scaled == std::floor(scaled);
}

class ConstantFoldPass : public Pass {
 public:
  std::string name() const override { return "constant-fold"; }
  void run(Operation& module) override {
    module.walk([&](Operation* op) {
      if (op->num_results() != 1 || op->num_regions() || op->is(OpCode::Constant) || op->num_operands() == 0) return;
      std::vector<Const> in;
      for (const Value* v : op->operands()) {
        auto c = read(v);
        if (!c) return;
        in.push_back(*c);
      }
      Type rt = op->result()->type();
      Type re = rt.element();
      Builder b;
      b.set_insertion_point(op);
      b.set_loc(op->loc());
      Value* folded = nullptr;
      switch (op->code()) {
        case OpCode::Splat: case OpCode::Broadcast: case OpCode::ExpandDims: case OpCode::Reshape:
          folded = in[0].is_float ? b.constant_float(in[0].f, rt) : b.constant_int(in[0].i, rt);
          break;
        case OpCode::CmpI: {
          int bits = op->operand(0)->type().element().is_pointer() ? 64 : op->operand(0)->type().element().bits();
          folded = b.constant_int(cmp_int(op->str_attr("predicate"), in[0].i, in[1].i, bits), rt);
          break;
        }
        case OpCode::CmpF: folded = b.constant_int(cmp_float(op->str_attr("predicate"), in[0].f, in[1].f), rt); break;
        case OpCode::ExtSI: folded = b.constant_int(as_signed(in[0].i, op->operand(0)->type().element().bits()), rt); break;
        case OpCode::ExtUI: folded = b.constant_int(wrap_signed(static_cast<int64_t>(as_unsigned(in[0].i, op->operand(0)->type().element().bits())), re.bits()), rt); break;
        case OpCode::TruncI: folded = b.constant_int(wrap_signed(in[0].i, re.bits()), rt); break;
        case OpCode::SIToFP:
          if (re == Type::f32()) folded = b.constant_float(static_cast<float>(as_signed(in[0].i, op->operand(0)->type().element().bits())), rt);
          break;
        case OpCode::ExtF: folded = b.constant_float(in[0].f, rt); break;
        case OpCode::TruncF: {
          bool exact = re.scalar_kind() == ScalarKind::F16 ? exactly_representable(in[0].f, 10, -13, 16)
                                                             : exactly_representable(in[0].f, 7, -125, 128);
          if (exact) folded = b.constant_float(in[0].f, rt);
          break;
        }
        case OpCode::Select:
          break;  // canonicalize picks the branch
        default:
          if (re.is_int() && in.size() == 2 && !in[0].is_float) {
            if (auto v = fold_int(op, in[0].i, in[1].i, re.bits())) folded = b.constant_int(*v, rt);
          } else if (re == Type::f32() && in[0].is_float) {
            std::vector<double> x;
            for (auto& c : in) x.push_back(c.f);
            if (auto v = fold_float(op, x)) folded = b.constant_float(*v, rt);
          }
      }
      if (!folded) return;
      op->result()->replace_all_uses_with(folded);
      op->erase();
    });
  }
};

}  // namespace

std::unique_ptr<Pass> create_constant_fold_pass() { return std::make_unique<ConstantFoldPass>(); }

}  // namespace tmetal::transforms
