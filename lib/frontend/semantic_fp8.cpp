// Triton semantics, fp8 part: the five fp8 formats Triton names (tl.float8e4nv, float8e5, float8e4b15,
// float8e4b8, float8e5b16) are bytes in the tile IR (Apple GPUs and Metal have no fp8 type or ALU), and every
// conversion is built here from integer ops on the bits, so the emitted MSL is plain bit manipulation:
//   fp8 -> fp32 exactly (then fp16 / bf16, which hold every fp8 value exactly, or an integer);
//   fp32 / fp16 / bf16 / integers -> fp8 with one rounding, to nearest with ties to even (Triton's default
//   "rtne"), saturating to the largest finite value (as the cvt.rn.satfinite conversions Triton emits on
//   NVIDIA: infinities saturate too); NaN becomes the format's NaN (0x7F for e4nv/e5, 0x80 for the FNUZ
//   formats e4b8/e5b16) and ±max for e4b15, which has no NaN.
// Arithmetic follows Triton's computation_type_impl (fp8 op fp8 of one type stays in that type, two
// different fp8 types meet in fp16, wider floats win) and is computed in fp32, then rounded once to the
// result type. The formats:
//   e4nv  (OCP E4M3FN)  4 exponent bits, bias 7,  no infinities, NaN S.1111.111, max 448
//   e5    (E5M2)        5 exponent bits, bias 15, IEEE infinities and NaNs, max 57344
//   e4b15               4 exponent bits, bias 15, every code finite, max 1.875
//   e4b8  (E4M3FNUZ)    4 exponent bits, bias 8,  no -0, NaN 0x80, max 240
//   e5b16 (E5M2FNUZ)    5 exponent bits, bias 16, no -0, NaN 0x80, max 57344
#include "frontend/semantic.h"

#include <fmt/format.h>

namespace tmetal::frontend {

namespace {

struct Fp8Format {
  int mantissa;     // stored mantissa bits
  int bias;         // exponent bias
  int64_t max_mag;  // largest finite magnitude code (7 bits)
  bool ieee;        // exponent all ones is inf / NaN (e5)
  bool fn;          // only S.1111.111 is NaN (e4nv)
  bool fnuz;        // 0x80 is the only NaN, no negative zero (e4b8, e5b16)
};

Fp8Format format_of(DT d) {
  switch (d) {
    case DT::F8E4NV: return {3, 7, 0x7E, false, true, false};
    case DT::F8E5: return {2, 15, 0x7B, true, false, false};
    case DT::F8E4B15: return {3, 15, 0x7F, false, false, false};
    case DT::F8E4B8: return {3, 8, 0x7F, false, false, true};
    default: return {2, 16, 0x7F, false, false, true};  // F8E5B16
  }
}

TValue lit(int64_t v) { return TValue::integer(v); }

}  // namespace

TValue Semantic::fp8_to_f32(const TValue& x) {
  Fp8Format f = format_of(x.type.dt);
  int m = f.mantissa;
  TValue code = cast(cast(x, DT::U8, true), DT::U32);
  TValue sign = binary("<<", binary(">>", code, lit(7)), lit(31));
  TValue mag = binary("&", code, lit(0x7F));
  TValue exp = binary(">>", mag, lit(m));
  TValue man = binary("&", mag, lit((1 << m) - 1));
  // Normal: rebias the exponent and widen the mantissa (one shift keeps them adjacent).
  TValue normal = binary("+", binary("<<", mag, lit(23 - m)), lit(int64_t{127 - f.bias} << 23));
  // Subnormal: man * 2^(1 - bias - m), exact in fp32.
  TValue sub = binary("*", cast(man, DT::F32), TValue::real(std::ldexp(1.0, 1 - f.bias - m)));
  TValue bits = where(binary("==", exp, lit(0)), cast(sub, DT::U32, true), normal);
  if (f.ieee) {
    TValue special = where(binary("==", man, lit(0)), lit(0x7F800000), lit(0x7FC00000));
    bits = where(binary("==", exp, lit((1 << (7 - m)) - 1)), special, bits);
  }
  if (f.fn) bits = where(binary("==", mag, lit(0x7F)), lit(0x7FC00000), bits);
  if (f.fnuz) bits = where(binary("==", code, lit(0x80)), lit(0x7FC00000), bits);
  return cast(binary("|", bits, sign), DT::F32, true);
}

TValue Semantic::f32_to_fp8(const TValue& x, DT to, bool toward_zero) {
  Fp8Format f = format_of(to);
  int m = f.mantissa, sh = 23 - m;
  TValue u = cast(x, DT::U32, true);
  TValue sign = binary("&", binary(">>", u, lit(24)), lit(0x80));
  TValue a = binary("&", u, lit(0x7FFFFFFF));
  TValue ef = binary(">>", a, lit(23));  // biased fp32 exponent
  // Round to nearest even at bit s: (v + 2^(s-1) - 1 + bit s of v) >> s; toward zero: v >> s.
  auto round_shift = [&](const TValue& v, const TValue& s) {
    if (toward_zero) return binary(">>", v, s);
    TValue half = binary("-", binary("<<", to_tensor(TValue::integer(1)), binary("-", s, lit(1))), lit(1));
    TValue lsb = binary("&", binary(">>", v, s), lit(1));
    return binary(">>", binary("+", binary("+", v, half), lsb), s);
  };
  // Normal results: round the fp32 bits (exponent and mantissa together, so a carry raises the exponent),
  // then rebias. Only selected where the fp8 exponent is >= 1, i.e. ef >= 128 - bias.
  TValue normal = binary("-", round_shift(a, lit(sh)), lit(int64_t{127 - f.bias} << m));
  // Subnormal results: the significand with its implicit bit, shifted by sh + (1 - fp8 exponent).
  TValue sig = binary("|", binary("&", a, lit(0x7FFFFF)), lit(0x800000));
  TValue s = binary("-", lit(sh + 128 - f.bias), cast(ef, DT::I32));
  s = minmax(minmax(s, lit(31), false, false), lit(1), true, false);
  TValue sub = round_shift(sig, cast(s, DT::U32));
  TValue is_normal = binary(">=", ef, lit(128 - f.bias));
  TValue mag = minmax(where(is_normal, normal, sub), lit(f.max_mag), false, false);
  TValue nan = binary(">", a, lit(0x7F800000));
  TValue out;
  if (f.fnuz) {
    out = where(binary("==", mag, lit(0)), lit(0), binary("|", mag, sign));  // no negative zero
    out = where(nan, lit(0x80), out);
  } else if (f.ieee || f.fn) {
    out = where(nan, lit(0x7F), binary("|", mag, sign));
  } else {
    out = where(nan, binary("|", sign, lit(0x7F)), binary("|", mag, sign));  // e4b15: no NaN, saturate
  }
  return cast(cast(out, DT::U8), to, true);
}

TValue Semantic::fp8_cast(const TValue& x, DT to) {
  DT s = x.type.dt;
  if (dt_is_fp8(s)) {
    TValue wide = fp8_to_f32(x);
    return to == DT::F32 ? wide : cast(wide, to);
  }
  if (x.type.element().is_ptr()) fail(fmt::format("cannot cast a pointer to {}", dt_name(to)));
  TValue wide = s == DT::F32 ? x : cast(x, DT::F32);  // exact from fp16 / bf16; integers round once here
  return f32_to_fp8(wide, to);
}

static bool is_fp8_tensor(const TValue& v) { return v.is_tensor() && v.type.is_fp8(); }

DT Semantic::fp8_promotion(const TValue& a0, const TValue& b0, bool div_or_mod) {
  auto elem = [&](const TValue& v) { return v.is_number() ? literal_type(v) : to_tensor(v).type.element(); };
  FType ea = elem(a0), eb = elem(b0);
  if (ea.is_ptr() || eb.is_ptr() || ea.is_block_ptr() || eb.is_block_ptr()) fail(fmt::format("invalid operands of type {} and {}", ea.str(), eb.str()));
  try {
    return computation_type(ea.dt, a0.is_number(), eb.dt, b0.is_number(), div_or_mod);
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
}

std::optional<TValue> Semantic::fp8_binary(const std::string& op, const TValue& a0, const TValue& b0) {
  if (!is_fp8_tensor(a0) && !is_fp8_tensor(b0)) return std::nullopt;
  bool bitwise = op == "&" || op == "|" || op == "^" || op == "<<" || op == ">>" || op == "//";
  if (bitwise) fail(fmt::format("operator '{}' needs integer operands, got {} and {}", op, a0.describe(), b0.describe()));
  DT ret = fp8_promotion(a0, b0, op == "/" || op == "%");
  TValue a = is_fp8_tensor(a0) ? fp8_to_f32(a0) : a0, b = is_fp8_tensor(b0) ? fp8_to_f32(b0) : b0;
  TValue r = binary(op, a, b);
  bool compare = op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=";
  return compare || r.type.dt == ret ? r : cast(r, ret);
}

}  // namespace tmetal::frontend
