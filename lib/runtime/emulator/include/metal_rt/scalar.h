// Metal's scalar types on the host: the integer aliases (uint, ushort, uchar, ulong), and half and bfloat
// as 16-bit storage types whose arithmetic is done in float and rounded back to nearest-even, which is
// correctly rounded for + - * / and sqrt (float carries more than twice their precision plus two bits).
#pragma once

#include <type_traits>

using uint = unsigned int;
using ushort = unsigned short;
using uchar = unsigned char;
using ulong = unsigned long;
using size_t = decltype(sizeof(0));
using ptrdiff_t = decltype((char*)0 - (char*)0);

namespace metal_rt {

using u16 = unsigned short;
using u32 = unsigned int;

constexpr u32 f32_bits(float f) { return __builtin_bit_cast(u32, f); }
constexpr float bits_f32(u32 u) { return __builtin_bit_cast(float, u); }

// float -> IEEE binary16, round to nearest even, with subnormals, infinities and NaN.
constexpr u16 f32_to_f16(float f) {
  u32 x = f32_bits(f);
  u32 sign = (x >> 16) & 0x8000u;
  u32 ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) return static_cast<u16>(sign | 0x7c00u | (ax > 0x7f800000u ? 0x200u : 0u));
  if (ax >= 0x477ff000u) return static_cast<u16>(sign | 0x7c00u);  // rounds to infinity (>= 65520)
  if (ax < 0x38800000u) {  // subnormal half or zero: below 2^-14
    if (ax < 0x33000000u) return static_cast<u16>(sign);  // below half the smallest subnormal: +-0
    u32 e = ax >> 23;
    u32 m = (ax & 0x7fffffu) | 0x800000u;
    u32 shift = 126u - e;  // 14 - (e - 127) + 13 - 1 ... shift so that the result is m >> (shift)
    u32 r = m >> shift;
    u32 rem = m & ((1u << shift) - 1u);
    u32 halfway = 1u << (shift - 1u);
    if (rem > halfway || (rem == halfway && (r & 1u))) ++r;
    return static_cast<u16>(sign | r);
  }
  u32 r = ax - 0x38000000u;  // rebias exponent 127 -> 15
  u32 rem = r & 0x1fffu;
  r >>= 13;
  if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) ++r;
  return static_cast<u16>(sign | r);
}

constexpr float f16_to_f32(u16 h) {
  u32 sign = static_cast<u32>(h & 0x8000u) << 16;
  u32 e = (h >> 10) & 0x1fu;
  u32 m = h & 0x3ffu;
  if (e == 0x1f) return bits_f32(sign | 0x7f800000u | (m << 13));
  if (e == 0) {
    if (m == 0) return bits_f32(sign);
    float v = static_cast<float>(m) * (1.0f / 16777216.0f);  // m * 2^-24
    return sign ? -v : v;
  }
  return bits_f32(sign | ((e + 112u) << 23) | (m << 13));
}

constexpr u16 f32_to_bf16(float f) {
  u32 x = f32_bits(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<u16>((x >> 16) | 0x40u);  // quiet NaN
  x += 0x7fffu + ((x >> 16) & 1u);
  return static_cast<u16>(x >> 16);
}
constexpr float bf16_to_f32(u16 b) { return bits_f32(static_cast<u32>(b) << 16); }

// double -> float rounded to odd (an inexact result gets its last bit set): rounding that float to a format
// with at least two fewer significand bits (half, bfloat) then gives the correctly rounded result of the
// double, where going through an ordinary float would round twice.
constexpr float f64_to_f32_odd(double d) {
  float f = static_cast<float>(d);
  if (static_cast<double>(f) == d || d != d) return f;
  u32 b = f32_bits(f);
  double af = static_cast<double>(f) < 0 ? -static_cast<double>(f) : static_cast<double>(f);
  double ad = d < 0 ? -d : d;
  if (af > ad) b -= 1u;  // toward zero (f may be the infinity an overflow rounded to)
  return bits_f32(b | 1u);
}

struct half_tag;
struct bfloat_tag;

// A 16-bit float type; Tag selects the encoding. As in Metal, float converts to half implicitly but to
// bfloat only explicitly (bfloat(x), static_cast<bfloat>(x)), so a bfloat overload never captures a float
// argument.
template <class Tag>
struct f16base {
  u16 bits;
  f16base() = default;
  explicit(std::is_same_v<Tag, bfloat_tag>) constexpr f16base(float f) : bits(Tag::encode(f)) {}
  template <class U, std::enable_if_t<std::is_arithmetic_v<U> && !std::is_same_v<U, float>, int> = 0>
  explicit(std::is_same_v<Tag, bfloat_tag> && std::is_floating_point_v<U>) constexpr f16base(U v)
      : bits(Tag::encode(f64_to_f32_odd(static_cast<double>(v)))) {}
  template <class OtherTag, std::enable_if_t<!std::is_same_v<OtherTag, Tag>, int> = 0>
  explicit constexpr f16base(f16base<OtherTag> o) : bits(Tag::encode(static_cast<float>(o))) {}
  constexpr operator float() const { return Tag::decode(bits); }
  static constexpr f16base from_bits(u16 b) {
    f16base h{};
    h.bits = b;
    return h;
  }
  constexpr f16base operator-() const { return from_bits(bits ^ 0x8000u); }
  constexpr f16base operator+() const { return *this; }
  f16base& operator++() { return *this = f16base(float(*this) + 1.0f); }
  f16base& operator--() { return *this = f16base(float(*this) - 1.0f); }
  f16base operator++(int) { f16base o = *this; ++*this; return o; }
  f16base operator--(int) { f16base o = *this; --*this; return o; }
};

struct half_tag {
  static constexpr u16 encode(float f) { return f32_to_f16(f); }
  static constexpr float decode(u16 b) { return f16_to_f32(b); }
};
struct bfloat_tag {
  static constexpr u16 encode(float f) { return f32_to_bf16(f); }
  static constexpr float decode(u16 b) { return bf16_to_f32(b); }
};

template <class T> struct is_f16 : std::false_type {};
template <class Tag> struct is_f16<f16base<Tag>> : std::true_type {};
template <class T> inline constexpr bool is_f16_v = is_f16<T>::value;

// Metal scalars: arithmetic types plus half and bfloat.
template <class T> inline constexpr bool is_scalar_v = std::is_arithmetic_v<T> || is_f16_v<T>;
template <class T> inline constexpr bool is_fp_v = std::is_floating_point_v<T> || is_f16_v<T>;

// Result type of a binary operation with at least one 16-bit float operand: same type with itself or an
// integer, float with float/double, float when the two 16-bit kinds mix.
template <class A, class B> struct f16_result { using type = float; };
template <class Tag> struct f16_result<f16base<Tag>, f16base<Tag>> { using type = f16base<Tag>; };
template <class A, class B>
using f16_result_t = typename std::conditional_t<
    is_f16_v<A> && std::is_integral_v<B>, std::type_identity<A>,
    std::conditional_t<is_f16_v<B> && std::is_integral_v<A>, std::type_identity<B>, f16_result<A, B>>>::type;

template <class A, class B>
inline constexpr bool f16_binary = (is_f16_v<A> && is_scalar_v<B>) || (is_f16_v<B> && is_scalar_v<A>);

#define TM_F16_ARITH(op)                                                                              \
  template <class A, class B, std::enable_if_t<f16_binary<A, B>, int> = 0>                            \
  constexpr f16_result_t<A, B> operator op(A a, B b) {                                                \
    return f16_result_t<A, B>(static_cast<float>(a) op static_cast<float>(b));                        \
  }                                                                                                   \
  template <class Tag, class B, std::enable_if_t<is_scalar_v<B>, int> = 0>                            \
  constexpr f16base<Tag>& operator op##=(f16base<Tag>& a, B b) {                                      \
    return a = f16base<Tag>(static_cast<float>(a) op static_cast<float>(b));                          \
  }
TM_F16_ARITH(+)
TM_F16_ARITH(-)
TM_F16_ARITH(*)
TM_F16_ARITH(/)
#undef TM_F16_ARITH

#define TM_F16_CMP(op)                                                                                \
  template <class A, class B, std::enable_if_t<f16_binary<A, B>, int> = 0>                            \
  constexpr bool operator op(A a, B b) { return static_cast<float>(a) op static_cast<float>(b); }
TM_F16_CMP(==)
TM_F16_CMP(!=)
TM_F16_CMP(<)
TM_F16_CMP(>)
TM_F16_CMP(<=)
TM_F16_CMP(>=)
#undef TM_F16_CMP

}  // namespace metal_rt

using half = metal_rt::f16base<metal_rt::half_tag>;
using bfloat = metal_rt::f16base<metal_rt::bfloat_tag>;
using bfloat16_t = bfloat;

namespace metal_rt {
// The value of a half literal (1.5h): the decimal value rounded once to half (through double, rounded to odd
// on the way to float).
constexpr half half_lit(double d) { return half::from_bits(f32_to_f16(f64_to_f32_odd(d))); }
}  // namespace metal_rt

// Predefined by Metal's compiler and metal_stdlib.
#define METAL_FUNC inline
#ifndef __METAL__
#define __METAL__ 1
#endif
#ifndef __HAVE_BFLOAT__
#define __HAVE_BFLOAT__ 1
#endif

// Constants of metal_stdlib (metal_math).
#define INFINITY __builtin_inff()
#define NAN __builtin_nanf("")
#define HUGE_VALF __builtin_huge_valf()
#define MAXFLOAT 0x1.fffffep+127f
#define FLT_MAX 0x1.fffffep+127f
#define FLT_MIN 0x1p-126f
#define FLT_EPSILON 0x1p-23f
#define HALF_MAX 65504.0f
#define HALF_MIN 0x1p-14f
#define HALF_EPSILON 0x1p-10f
#define INT_MAX 2147483647
#define INT_MIN (-2147483647 - 1)
#define UINT_MAX 4294967295u
#define M_PI_F 3.14159265358979323846f
#define M_PI_2_F 1.57079632679489661923f
#define M_PI_4_F 0.78539816339744830962f
#define M_1_PI_F 0.31830988618379067154f
#define M_2_PI_F 0.63661977236758134308f
#define M_E_F 2.71828182845904523536f
#define M_LOG2E_F 1.44269504088896340736f
#define M_LOG10E_F 0.43429448190325182765f
#define M_LN2_F 0.69314718055994530942f
#define M_LN10_F 2.30258509299404568402f
#define M_SQRT2_F 1.41421356237309504880f
#define M_SQRT1_2_F 0.70710678118654752440f

// Fixed-width integer names of metal_stdlib (same types as <cstdint>'s on LP64 hosts).
using int8_t = signed char;
using uint8_t = unsigned char;
using int16_t = short;
using uint16_t = unsigned short;
using int32_t = int;
using uint32_t = unsigned int;
using int64_t = long;
using uint64_t = unsigned long;
