// metal_type_traits and metal_limits for the emulator: the metal:: type traits (std's, with half and bfloat
// counted as floating-point and arithmetic types as Metal does), metal::numeric_limits (also for half and
// bfloat), and the `__metal_<function>(x, mode)` builtins that real metal_stdlib-based code calls directly.
#pragma once

#include "metal_rt/math.h"

#include <limits>

namespace metal {

using std::add_const;
using std::add_const_t;
using std::bool_constant;
using std::conditional;
using std::conditional_t;
using std::decay;
using std::decay_t;
using std::declval;
using std::enable_if;
using std::enable_if_t;
using std::false_type;
using std::integral_constant;
using std::is_base_of;
using std::is_base_of_v;
using std::is_const;
using std::is_const_v;
using std::is_convertible;
using std::is_convertible_v;
using std::is_integral;
using std::is_integral_v;
using std::is_pointer;
using std::is_pointer_v;
using std::is_reference;
using std::is_reference_v;
using std::is_same;
using std::is_same_v;
using std::is_trivially_copyable;
using std::is_trivially_copyable_v;
using std::is_unsigned;
using std::is_unsigned_v;
using std::is_void;
using std::is_void_v;
using std::make_signed;
using std::make_signed_t;
using std::make_unsigned;
using std::make_unsigned_t;
using std::remove_const;
using std::remove_const_t;
using std::remove_cv;
using std::remove_cv_t;
using std::remove_reference;
using std::remove_reference_t;
using std::remove_volatile;
using std::remove_volatile_t;
using std::true_type;
using std::void_t;

template <class T> struct is_floating_point : std::bool_constant<metal_rt::is_fp_v<std::remove_cv_t<T>>> {};
template <class T> inline constexpr bool is_floating_point_v = is_floating_point<T>::value;
template <class T> struct is_arithmetic : std::bool_constant<metal_rt::is_scalar_v<std::remove_cv_t<T>>> {};
template <class T> inline constexpr bool is_arithmetic_v = is_arithmetic<T>::value;
template <class T> struct is_signed : std::bool_constant<std::is_signed_v<T> || metal_rt::is_fp_v<std::remove_cv_t<T>>> {};
template <class T> inline constexpr bool is_signed_v = is_signed<T>::value;
// Metal's is_scalar: the scalar types (not pointers, unlike std's).
template <class T> struct is_scalar : std::bool_constant<metal_rt::is_scalar_v<std::remove_cv_t<T>>> {};
template <class T> inline constexpr bool is_scalar_v = is_scalar<T>::value;
template <class T> struct is_vector : std::bool_constant<is_vec_v<T>> {};
template <class T> inline constexpr bool is_vector_v = is_vector<T>::value;
template <class T> struct vec_elements : std::integral_constant<int, vec_n<T>> {};
template <class T> struct make_scalar { using type = elem_t<T>; };
template <class T> using make_scalar_t = typename make_scalar<T>::type;

template <class T> struct numeric_limits : std::numeric_limits<T> {};

// half and bfloat: IEEE-style 16-bit formats (5/10 and 8/7 exponent/fraction bits).
template <class T, unsigned short Max, unsigned short Min, unsigned short Eps, unsigned short Denorm, int Digits>
struct f16_limits {
  static constexpr bool is_specialized = true, is_signed = true, is_integer = false, is_exact = false;
  static constexpr bool has_infinity = true, has_quiet_NaN = true, has_signaling_NaN = true, is_iec559 = true;
  static constexpr int digits = Digits, radix = 2;
  static constexpr T min() { return T::from_bits(Min); }
  static constexpr T max() { return T::from_bits(Max); }
  static constexpr T lowest() { return T::from_bits(static_cast<unsigned short>(Max | 0x8000u)); }
  static constexpr T epsilon() { return T::from_bits(Eps); }
  static constexpr T denorm_min() { return T::from_bits(Denorm); }
  static constexpr T infinity() { return T::from_bits(Digits == 11 ? 0x7c00u : 0x7f80u); }
  static constexpr T quiet_NaN() { return T::from_bits(Digits == 11 ? 0x7e00u : 0x7fc0u); }
  static constexpr T round_error() { return T::from_bits(Digits == 11 ? 0x3800u : 0x3f00u); }
};
template <> struct numeric_limits<half> : f16_limits<half, 0x7bffu, 0x0400u, 0x1400u, 0x0001u, 11> {};
template <> struct numeric_limits<bfloat> : f16_limits<bfloat, 0x7f7fu, 0x0080u, 0x3c00u, 0x0001u, 8> {};
template <class T> struct numeric_limits<const T> : numeric_limits<T> {};

}  // namespace metal

// __metal_<function>(x, mode): the builtins metal_stdlib's functions are written with; `mode` selects fast or
// precise math (the emulator computes both the same way).
#define __METAL_FAST_MATH__ 1
#define __METAL_PRECISE_MATH__ 0
#define __METAL_MAYBE_FAST_MATH__ __METAL_FAST_MATH__
#define TM_METAL_BUILTIN1(name)                                                                       \
  template <class A> constexpr auto __metal_##name(const A& a, int = 0) { return ::metal::name(a); }
#define TM_METAL_BUILTIN2(name)                                                                       \
  template <class A, class B> constexpr auto __metal_##name(const A& a, const B& b, int = 0) { return ::metal::name(a, b); }
TM_METAL_BUILTIN1(acos) TM_METAL_BUILTIN1(acosh) TM_METAL_BUILTIN1(asin) TM_METAL_BUILTIN1(asinh) TM_METAL_BUILTIN1(atan)
TM_METAL_BUILTIN1(atanh) TM_METAL_BUILTIN1(ceil) TM_METAL_BUILTIN1(cos) TM_METAL_BUILTIN1(cosh) TM_METAL_BUILTIN1(cospi)
TM_METAL_BUILTIN1(exp) TM_METAL_BUILTIN1(exp2) TM_METAL_BUILTIN1(exp10) TM_METAL_BUILTIN1(fabs) TM_METAL_BUILTIN1(floor)
TM_METAL_BUILTIN1(fract) TM_METAL_BUILTIN1(log) TM_METAL_BUILTIN1(log2) TM_METAL_BUILTIN1(log10) TM_METAL_BUILTIN1(rint)
TM_METAL_BUILTIN1(round) TM_METAL_BUILTIN1(rsqrt) TM_METAL_BUILTIN1(sin) TM_METAL_BUILTIN1(sinh) TM_METAL_BUILTIN1(sinpi)
TM_METAL_BUILTIN1(sqrt) TM_METAL_BUILTIN1(tan) TM_METAL_BUILTIN1(tanh) TM_METAL_BUILTIN1(tanpi) TM_METAL_BUILTIN1(trunc)
TM_METAL_BUILTIN1(erf) TM_METAL_BUILTIN1(saturate)
TM_METAL_BUILTIN2(atan2) TM_METAL_BUILTIN2(pow) TM_METAL_BUILTIN2(powr) TM_METAL_BUILTIN2(fmod) TM_METAL_BUILTIN2(fmin)
TM_METAL_BUILTIN2(fmax) TM_METAL_BUILTIN2(copysign) TM_METAL_BUILTIN2(fdim)
#undef TM_METAL_BUILTIN1
#undef TM_METAL_BUILTIN2
