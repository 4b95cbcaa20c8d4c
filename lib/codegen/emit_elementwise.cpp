// MSL emission of elementwise ops: constants, program ids, ranges, splats, pointer arithmetic, integer and
// float arithmetic, comparisons, math functions and every cast. A tensor result is a register loop
// `for (int k = 0; k < R; ++k) r[k] = EXPR(a[k], ...)`; a scalar result is one statement. bf16 results are
// rounded to bf16 after each operation (their registers are float).
#include "codegen/msl_emitter.h"
#include "ir/attribute.h"

#include <fmt/format.h>

#include <cmath>

namespace tmetal::codegen {

namespace {
using ir::OpCode;
using ir::ScalarKind;

std::string unsigned_of(const std::string& t) {
  if (t == "char") return "uchar";
  if (t == "short") return "ushort";
  if (t == "int") return "uint";
  if (t == "long") return "ulong";
  return t;
}

ScalarKind kind_of(const ir::Value* v) {
  ir::Type e = v->type().element();
  return e.is_scalar() ? e.scalar_kind() : ScalarKind::I64;
}

std::string float_literal(double v, const std::string& type) {
  std::string lit;
  if (std::isnan(v)) lit = "NAN";
  else if (std::isinf(v)) lit = v > 0 ? "INFINITY" : "(-INFINITY)";
  else {
    lit = ir::format_double(v);
    if (lit.find_first_of(".eE") == std::string::npos) lit += ".0";
    lit += "f";
  }
  return type == "float" ? lit : fmt::format("{}({})", type, lit);
}
}  // namespace

std::string Emitter::elementwise_expr(ir::Operation& op, const std::vector<std::string>& a) {
  const ir::Value* r = op.num_results() ? op.result() : nullptr;
  std::string rt = r ? element_reg_type(r->type()) : "";
  std::string t0 = op.num_operands() ? element_reg_type(op.operand(0)->type()) : "";
  std::string u0 = unsigned_of(t0);
  auto bin = [&](const char* o) { return fmt::format("{} {} {}", a[0], o, a[1]); };
  switch (op.code()) {
    case OpCode::AddI: case OpCode::AddF: return bin("+");
    case OpCode::SubI: case OpCode::SubF: return bin("-");
    case OpCode::MulI: case OpCode::MulF: return bin("*");
    case OpCode::DivF: return bin("/");
    case OpCode::DivSI: return bin("/");
    case OpCode::RemSI: return bin("%");
    case OpCode::DivUI: return fmt::format("{}({}({}) / {}({}))", rt, u0, a[0], u0, a[1]);
    case OpCode::RemUI: return fmt::format("{}({}({}) % {}({}))", rt, u0, a[0], u0, a[1]);
    case OpCode::AndI: return t0 == "bool" ? bin("&&") : bin("&");
    case OpCode::OrI: return t0 == "bool" ? bin("||") : bin("|");
    case OpCode::XOrI: return t0 == "bool" ? bin("!=") : bin("^");
    case OpCode::ShLI: return fmt::format("{}({} << {})", rt, a[0], a[1]);
    case OpCode::ShRSI: return bin(">>");
    case OpCode::ShRUI: return fmt::format("{}({}({}) >> {})", rt, u0, a[0], a[1]);
    case OpCode::MaxSI: return fmt::format("max({}, {})", a[0], a[1]);
    case OpCode::MinSI: return fmt::format("min({}, {})", a[0], a[1]);
    case OpCode::MaxUI: return fmt::format("{}(max({}({}), {}({})))", rt, u0, a[0], u0, a[1]);
    case OpCode::MinUI: return fmt::format("{}(min({}({}), {}({})))", rt, u0, a[0], u0, a[1]);
    case OpCode::MulHiUI: return fmt::format("{}(mulhi({}({}), {}({})))", rt, u0, a[0], u0, a[1]);
    case OpCode::RemF: return fmt::format("fmod({}, {})", a[0], a[1]);
    case OpCode::NegF: return fmt::format("-{}", a[0]);
    case OpCode::MaxNumF: return fmt::format("fmax({}, {})", a[0], a[1]);
    case OpCode::MinNumF: return fmt::format("fmin({}, {})", a[0], a[1]);
    case OpCode::MaximumF: return fmt::format("tm_maximum({}, {})", a[0], a[1]);
    case OpCode::MinimumF: return fmt::format("tm_minimum({}, {})", a[0], a[1]);
    case OpCode::ClampF: return fmt::format("clamp({}, {}, {})", a[0], a[1], a[2]);
    case OpCode::PreciseDivF: return fmt::format("precise::divide({}, {})", a[0], a[1]);
    case OpCode::PreciseSqrt: return fmt::format("precise::sqrt({})", a[0]);
    case OpCode::Exp: return fmt::format("exp({})", a[0]);
    case OpCode::Exp2: return fmt::format("exp2({})", a[0]);
    case OpCode::Log: return fmt::format("log({})", a[0]);
    case OpCode::Log2: return fmt::format("log2({})", a[0]);
    case OpCode::Sqrt: return fmt::format("sqrt({})", a[0]);
    case OpCode::Rsqrt: return fmt::format("rsqrt({})", a[0]);
    case OpCode::Sin: return fmt::format("sin({})", a[0]);
    case OpCode::Cos: return fmt::format("cos({})", a[0]);
    case OpCode::Erf: return rt == "float" ? fmt::format("tm_erf({})", a[0]) : fmt::format("{}(tm_erf(float({})))", rt, a[0]);
    case OpCode::AbsF: return fmt::format("fabs({})", a[0]);
    case OpCode::AbsI: return fmt::format("abs({})", a[0]);
    case OpCode::Floor: return fmt::format("floor({})", a[0]);
    case OpCode::Ceil: return fmt::format("ceil({})", a[0]);
    case OpCode::Fma: return fmt::format("fma({}, {}, {})", a[0], a[1], a[2]);
    case OpCode::Select: return fmt::format("({} ? {} : {})", a[0], a[1], a[2]);
    case OpCode::CmpI: {
      std::string p = op.str_attr("predicate");
      std::string l = a[0], rr = a[1];
      if (p[0] == 'u') {
        l = fmt::format("{}({})", u0, a[0]);
        rr = fmt::format("{}({})", u0, a[1]);
      }
      std::string o = p == "eq" ? "==" : p == "ne" ? "!=" : (p == "slt" || p == "ult") ? "<" : (p == "sle" || p == "ule") ? "<="
                    : (p == "sgt" || p == "ugt") ? ">" : ">=";
      return fmt::format("({} {} {})", l, o, rr);
    }
    case OpCode::CmpF: {
      std::string p = op.str_attr("predicate");
      std::string base = p.substr(1);
      std::string o = base == "eq" ? "==" : base == "ne" ? "!=" : base == "lt" ? "<" : base == "le" ? "<=" : base == "gt" ? ">" : ">=";
      if (p == "oeq" || p == "olt" || p == "ole" || p == "ogt" || p == "oge") return fmt::format("({} {} {})", a[0], o, a[1]);
      if (p == "one") return fmt::format("({0} < {1} || {0} > {1})", a[0], a[1]);
      if (p == "une") return fmt::format("({} != {})", a[0], a[1]);
      if (p == "ueq") return fmt::format("!({0} < {1} || {0} > {1})", a[0], a[1]);
      if (p == "ord") return fmt::format("!(isnan({}) || isnan({}))", a[0], a[1]);
      if (p == "uno") return fmt::format("(isnan({}) || isnan({}))", a[0], a[1]);
      // ult ule ugt uge: true when unordered.
      std::string inv = base == "lt" ? ">=" : base == "le" ? ">" : base == "gt" ? "<=" : "<";
      return fmt::format("!({} {} {})", a[0], inv, a[1]);
    }
    case OpCode::ExtSI:
      if (kind_of(op.operand(0)) == ScalarKind::I1) return fmt::format("({} ? {}(-1) : {}(0))", a[0], rt, rt);
      return fmt::format("{}({})", rt, a[0]);
    case OpCode::ExtUI: return fmt::format("{}({}({}))", rt, u0, a[0]);
    case OpCode::TruncI:
      if (rt == "bool") return fmt::format("bool({} & 1)", a[0]);
      return fmt::format("{}({})", rt, a[0]);
    case OpCode::SIToFP: case OpCode::FPToSI: case OpCode::ExtF: case OpCode::TruncF:
      return fmt::format("{}({})", rt, a[0]);
    case OpCode::UIToFP: return fmt::format("{}({}({}))", rt, u0, a[0]);
    case OpCode::FPToUI: return fmt::format("{}({}({}))", rt, unsigned_of(rt), a[0]);
    case OpCode::Bitcast: {
      ir::Type src = op.operand(0)->type().element(), dst = r->type().element();
      if (dst.is_pointer()) {
        if (r->type().is_tensor()) fail(op, "bitcast of a tensor of pointers is not lowered yet");
        return fmt::format("reinterpret_cast<{}device {}*>({})", read_only(r) ? "const " : "", storage_type(dst.pointee()), a[0]);
      }
      if (src.is_scalar() && src.scalar_kind() == ScalarKind::BF16) return fmt::format("{}(tm_bf16_bits({}))", rt, a[0]);
      if (dst.is_scalar() && dst.scalar_kind() == ScalarKind::BF16) return fmt::format("tm_bf16_from_bits(as_type<ushort>({}))", a[0]);
      return fmt::format("as_type<{}>({})", rt, a[0]);
    }
    case OpCode::IntToPtr:
      if (r->type().is_tensor()) fail(op, "casting a tensor of integers to pointers is not lowered: cast a scalar address");
      return fmt::format("tm_int_to_ptr<{}>({}, tm_addr_map)", storage_type(r->type().pointee()), a[0]);
    case OpCode::AddPtr:
      if (r->type().is_tensor()) return fmt::format("{} + {}({})", a[0], offset_type(), a[1]);
      return bin("+");
    case OpCode::Splat:
      if (r->type().is_tensor() && r->type().element().is_pointer()) {
        const ir::Value* base = splat_base(op.operand(0));
        if (base == op.operand(0)) return offsets32_ ? "0u" : "0L";
        return fmt::format("uint({} - {})", a[0], name_of(base));  // the scalar's element index in the argument
      }
      return a[0];
    default: return "";
  }
}

bool Emitter::emit_elementwise(ir::Operation& op) {
  if (op.num_results() != 1) return false;
  ir::Value* r = op.result();
  std::string rt = element_reg_type(r->type());
  bool tensor = r->type().is_tensor();
  bool bf16 = r->type().element().is_scalar() && r->type().element().scalar_kind() == ScalarKind::BF16;
  if (bf16) uses_bf16_ = true;
  std::string expr;
  std::string k = "k";
  switch (op.code()) {
    case OpCode::Constant: {
      const ir::Attribute* v = op.attr("value");
      if (!v) fail(op, "constant without a value");
      if (v->is<ir::IntAttr>()) {
        int64_t x = v->get<ir::IntAttr>().value;
        expr = rt == "bool" ? (x ? "true" : "false") : rt == "long" ? fmt::format("{}L", x) : fmt::format("{}({})", rt, x);
        if (rt == "int") expr = fmt::format("{}", x);
      } else if (v->is<ir::FloatAttr>()) {
        expr = float_literal(v->get<ir::FloatAttr>().value, rt);
      } else if (v->is<bool>()) {
        expr = v->get<bool>() ? "true" : "false";
      } else {
        fail(op, "unsupported constant");
      }
      if (bf16) expr = fmt::format("tm_bf16_round({})", expr);
      break;
    }
    case OpCode::ProgramId:
    case OpCode::NumPrograms: {
      const char* axis = "xyz" + std::min<int64_t>(2, std::max<int64_t>(0, op.int_attr("axis")));
      expr = fmt::format("int({}.{})", op.is(OpCode::ProgramId) ? "tm_pid" : "tm_npid", axis[0]);
      break;
    }
    case OpCode::MakeRange: {
      define(r);
      declare(r);
      line(fmt::format("for (int k = 0; k < {}; ++k) {} = {} + {};", elements(r), elem(r, "k"), op.int_attr("start"), coord(r, 0, "k")));
      return true;
    }
    default: {
      std::vector<std::string> a;
      for (ir::Value* v : op.operands()) {
        if (tensor && v->type().is_tensor() && v->type().shape() != r->type().shape()) return false;
        if (tensor && v->type().is_tensor() && !same_encoding(v->type(), r->type())) return false;
        a.push_back(elem(v, k));
      }
      if (tensor && r->type().element().is_pointer()) {
        if (op.is(OpCode::Splat)) set_base(op, r, splat_base(op.operand(0)));
        else if (op.is(OpCode::AddPtr)) set_base(op, r, ptr_base_.count(op.operand(0)) ? ptr_base_[op.operand(0)] : nullptr);
        else if (op.is(OpCode::Select)) {
          set_base(op, r, ptr_base_.count(op.operand(1)) ? ptr_base_[op.operand(1)] : nullptr);
          set_base(op, r, ptr_base_.count(op.operand(2)) ? ptr_base_[op.operand(2)] : nullptr);
        } else {
          fail(op, fmt::format("'{}' on a tensor of pointers is not lowered yet", op.name()));
        }
      }
      expr = elementwise_expr(op, a);
      if (expr.empty()) return false;
      if (bf16 && !op.is(OpCode::Splat) && !op.is(OpCode::Select)) expr = fmt::format("tm_bf16_round(float({}))", expr);
      break;
    }
  }
  std::string name = define(r);
  if (tensor) {
    declare(r);
    line(fmt::format("for (int k = 0; k < {}; ++k) {} = {};", elements(r), elem(r, "k"), expr));
  } else {
    line(fmt::format("{} {} = {};", value_type(r), name, expr));
  }
  return true;
}

}  // namespace tmetal::codegen
