// metal:: math, common, integer, geometric and relational functions for scalars and vectors, plus
// metal::fast:: and metal::precise:: (the same host implementations: host libm is at least as accurate
// as Metal's precise variants, each its own namespace). 16-bit floats compute in float and round back. No <cmath>: the compiler
// builtins keep the global namespace free of C overloads that would make calls ambiguous.
#pragma once

#include "metal_rt/vec.h"

namespace metal {

template <class A> using fp_elem_ok = std::enable_if_t<metal_rt::is_fp_v<elem_t<A>>, int>;

// Apply a float function elementwise, rounding to the argument's element type.
#define TM_MATH1(name, expr)                                                                          \
  template <class A, fp_elem_ok<A> = 0>                                                               \
  constexpr auto name(const A& a) {                                                                   \
    using E = elem_t<A>;                                                                              \
    if constexpr (is_vec_v<A>) {                                                                      \
      vec<E, vec_n<A>> r;                                                                             \
      for (int i = 0; i < vec_n<A>; ++i) { float x = static_cast<float>(comp(a, i)); r.v[i] = static_cast<E>(expr); } \
      return r;                                                                                       \
    } else {                                                                                          \
      float x = static_cast<float>(a);                                                                \
      return static_cast<E>(expr);                                                                    \
    }                                                                                                 \
  }

// Two or three operands: vectors of one length and scalars of the element type mix freely.
template <class... A> inline constexpr bool any_vec = (is_vec_v<A> || ...);
template <class... A> inline constexpr int max_n = [] { int m = 1; ((m = vec_n<A> > m ? vec_n<A> : m), ...); return m; }();
template <class... A> struct first_vec_elem { using type = void; };
template <class A, class... R> struct first_vec_elem<A, R...> {
  using type = std::conditional_t<is_vec_v<A>, elem_t<A>, typename first_vec_elem<R...>::type>;
};
// Element type of a mixed operation: that of the first vector operand, else of the first operand.
template <class A0, class... A>
using common_elem_t = std::conditional_t<any_vec<A0, A...>, typename first_vec_elem<A0, A...>::type, elem_t<A0>>;

#define TM_MATH2(name, expr)                                                                          \
  template <class A, class B, std::enable_if_t<metal_rt::is_fp_v<common_elem_t<A, B>>, int> = 0>     \
  constexpr auto name(const A& a, const B& b) {                                                       \
    using E = common_elem_t<A, B>;                                                                    \
    if constexpr (any_vec<A, B>) {                                                                    \
      vec<E, max_n<A, B>> r;                                                                          \
      for (int i = 0; i < max_n<A, B>; ++i) {                                                         \
        float x = static_cast<float>(static_cast<E>(comp(a, i))), y = static_cast<float>(static_cast<E>(comp(b, i))); \
        r.v[i] = static_cast<E>(expr);                                                                \
      }                                                                                               \
      return r;                                                                                       \
    } else {                                                                                          \
      float x = static_cast<float>(static_cast<E>(a)), y = static_cast<float>(static_cast<E>(b));    \
      return static_cast<E>(expr);                                                                    \
    }                                                                                                 \
  }
#define TM_MATH3(name, expr)                                                                          \
  template <class A, class B, class C, std::enable_if_t<metal_rt::is_fp_v<common_elem_t<A, B, C>>, int> = 0> \
  constexpr auto name(const A& a, const B& b, const C& c) {                                           \
    using E = common_elem_t<A, B, C>;                                                                 \
    if constexpr (any_vec<A, B, C>) {                                                                 \
      vec<E, max_n<A, B, C>> r;                                                                       \
      for (int i = 0; i < max_n<A, B, C>; ++i) {                                                      \
        float x = static_cast<float>(static_cast<E>(comp(a, i))), y = static_cast<float>(static_cast<E>(comp(b, i))), \
              z = static_cast<float>(static_cast<E>(comp(c, i)));                                     \
        r.v[i] = static_cast<E>(expr);                                                                \
      }                                                                                               \
      return r;                                                                                       \
    } else {                                                                                          \
      float x = static_cast<float>(static_cast<E>(a)), y = static_cast<float>(static_cast<E>(b)),    \
            z = static_cast<float>(static_cast<E>(c));                                                \
      return static_cast<E>(expr);                                                                    \
    }                                                                                                 \
  }

TM_MATH1(acos, __builtin_acosf(x)) TM_MATH1(acosh, __builtin_acoshf(x)) TM_MATH1(asin, __builtin_asinf(x))
TM_MATH1(asinh, __builtin_asinhf(x)) TM_MATH1(atan, __builtin_atanf(x)) TM_MATH1(atanh, __builtin_atanhf(x))
TM_MATH1(ceil, __builtin_ceilf(x)) TM_MATH1(cos, __builtin_cosf(x)) TM_MATH1(cosh, __builtin_coshf(x))
TM_MATH1(cospi, __builtin_cosf(x * 3.14159265358979323846f)) TM_MATH1(exp, __builtin_expf(x))
TM_MATH1(exp2, __builtin_exp2f(x)) TM_MATH1(exp10, __builtin_powf(10.0f, x)) TM_MATH1(fabs, __builtin_fabsf(x))
TM_MATH1(floor, __builtin_floorf(x)) TM_MATH1(fract, __builtin_fminf(x - __builtin_floorf(x), 0x1.fffffep-1f))
TM_MATH1(log, __builtin_logf(x)) TM_MATH1(log2, __builtin_log2f(x)) TM_MATH1(log10, __builtin_log10f(x))
TM_MATH1(rint, __builtin_rintf(x)) TM_MATH1(round, __builtin_roundf(x)) TM_MATH1(rsqrt, 1.0f / __builtin_sqrtf(x))
TM_MATH1(sin, __builtin_sinf(x)) TM_MATH1(sinh, __builtin_sinhf(x)) TM_MATH1(sinpi, __builtin_sinf(x * 3.14159265358979323846f))
TM_MATH1(sqrt, __builtin_sqrtf(x)) TM_MATH1(tan, __builtin_tanf(x)) TM_MATH1(tanh, __builtin_tanhf(x))
TM_MATH1(tanpi, __builtin_tanf(x * 3.14159265358979323846f)) TM_MATH1(trunc, __builtin_truncf(x))
TM_MATH1(saturate, __builtin_fminf(__builtin_fmaxf(x, 0.0f), 1.0f))
TM_MATH1(sign, x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x == x ? 0.0f * x : 0.0f)
TM_MATH1(erf, __builtin_erff(x))

TM_MATH2(atan2, __builtin_atan2f(x, y)) TM_MATH2(pow, __builtin_powf(x, y)) TM_MATH2(powr, __builtin_powf(x, y))
TM_MATH2(fmod, __builtin_fmodf(x, y)) TM_MATH2(fmin, __builtin_fminf(x, y)) TM_MATH2(fmax, __builtin_fmaxf(x, y))
TM_MATH2(copysign, __builtin_copysignf(x, y)) TM_MATH2(fdim, __builtin_fdimf(x, y)) TM_MATH2(step, y < x ? 0.0f : 1.0f)
TM_MATH2(divide, x / y)

TM_MATH3(fma, __builtin_fmaf(x, y, z)) TM_MATH3(mix, x + (y - x) * z)
TM_MATH3(smoothstep, ([](float e0, float e1, float v) { float t = __builtin_fminf(__builtin_fmaxf((v - e0) / (e1 - e0), 0.0f), 1.0f); return t * t * (3.0f - 2.0f * t); })(x, y, z))

template <class A, class B, class C> constexpr auto mad(const A& a, const B& b, const C& c) { return fma(a, b, c); }

// min, max, clamp, abs: any scalar element type (integers too).
#define TM_GEN2(name, expr)                                                                           \
  template <class A, class B, std::enable_if_t<metal_rt::is_scalar_v<common_elem_t<A, B>> && (any_vec<A, B> || std::is_same_v<A, B>), int> = 0> \
  constexpr auto name(const A& a, const B& b) {                                                       \
    using E = common_elem_t<A, B>;                                                                    \
    if constexpr (any_vec<A, B>) {                                                                    \
      vec<E, max_n<A, B>> r;                                                                          \
      for (int i = 0; i < max_n<A, B>; ++i) r.v[i] = name(static_cast<E>(comp(a, i)), static_cast<E>(comp(b, i))); \
      return r;                                                                                       \
    } else {                                                                                          \
      E x = a, y = b;                                                                                 \
      return static_cast<E>(expr);                                                                    \
    }                                                                                                 \
  }
TM_GEN2(min, (metal_rt::is_fp_v<E> ? E(__builtin_fminf(float(x), float(y))) : (y < x ? y : x)))
TM_GEN2(max, (metal_rt::is_fp_v<E> ? E(__builtin_fmaxf(float(x), float(y))) : (x < y ? y : x)))
#undef TM_GEN2
// Mixed scalar operands (max(x, 0) with float x, ...): float for floating operands, else the common type.
inline float min(float a, float b) { return __builtin_fminf(a, b); }
inline float max(float a, float b) { return __builtin_fmaxf(a, b); }

template <class A, class B, class C, std::enable_if_t<metal_rt::is_scalar_v<common_elem_t<A, B, C>>, int> = 0>
constexpr auto clamp(const A& x, const B& lo, const C& hi) {
  using E = common_elem_t<A, B, C>;
  if constexpr (any_vec<A, B, C>) {
    vec<E, max_n<A, B, C>> r;
    for (int i = 0; i < max_n<A, B, C>; ++i)
      r.v[i] = clamp(static_cast<E>(comp(x, i)), static_cast<E>(comp(lo, i)), static_cast<E>(comp(hi, i)));
    return r;
  } else {
    return min(max(static_cast<E>(x), static_cast<E>(lo)), static_cast<E>(hi));
  }
}

template <class A, std::enable_if_t<metal_rt::is_scalar_v<elem_t<A>>, int> = 0>
constexpr auto abs(const A& a) {
  using E = elem_t<A>;
  if constexpr (is_vec_v<A>) {
    vec<E, vec_n<A>> r;
    for (int i = 0; i < vec_n<A>; ++i) r.v[i] = abs(static_cast<E>(comp(a, i)));
    return r;
  } else if constexpr (metal_rt::is_fp_v<E>) {
    return static_cast<E>(__builtin_fabsf(static_cast<float>(a)));
  } else if constexpr (std::is_signed_v<E>) {
    return static_cast<E>(a < 0 ? -a : a);
  } else {
    return a;
  }
}

// Elementwise integer helper.
#define TM_INT1(name, expr)                                                                           \
  template <class A, std::enable_if_t<std::is_integral_v<elem_t<A>>, int> = 0>                        \
  constexpr auto name(const A& a) {                                                                   \
    using E = elem_t<A>;                                                                              \
    using U = std::make_unsigned_t<E>;                                                                \
    constexpr int bits = 8 * sizeof(E);                                                               \
    if constexpr (is_vec_v<A>) {                                                                      \
      vec<E, vec_n<A>> r;                                                                             \
      for (int i = 0; i < vec_n<A>; ++i) r.v[i] = name(static_cast<E>(comp(a, i)));                  \
      return r;                                                                                       \
    } else {                                                                                          \
      U x = static_cast<U>(a);                                                                        \
      (void)bits;                                                                                     \
      return static_cast<E>(expr);                                                                    \
    }                                                                                                 \
  }
TM_INT1(popcount, __builtin_popcountll(x))
TM_INT1(clz, x == 0 ? bits : __builtin_clzll(x) - (64 - bits))
TM_INT1(ctz, x == 0 ? bits : __builtin_ctzll(x))
TM_INT1(reverse_bits, ([](U v) { U r = 0; for (int i = 0; i < bits; ++i) { r = static_cast<U>((r << 1) | (v & 1)); v >>= 1; } return r; })(x))
#undef TM_INT1

#define TM_INT2(name, expr)                                                                           \
  template <class A, class B, std::enable_if_t<std::is_integral_v<common_elem_t<A, B>>, int> = 0>    \
  constexpr auto name(const A& a, const B& b) {                                                       \
    using E = common_elem_t<A, B>;                                                                    \
    using W = std::conditional_t<std::is_signed_v<E>, long long, unsigned long long>;                 \
    constexpr int bits = 8 * sizeof(E);                                                               \
    if constexpr (any_vec<A, B>) {                                                                    \
      vec<std::make_unsigned_t<E>, max_n<A, B>> r0;                                                   \
      vec<decltype(name(E(), E())), max_n<A, B>> r;                                                   \
      (void)r0;                                                                                       \
      for (int i = 0; i < max_n<A, B>; ++i) r.v[i] = name(static_cast<E>(comp(a, i)), static_cast<E>(comp(b, i))); \
      return r;                                                                                       \
    } else {                                                                                          \
      W x = static_cast<E>(a), y = static_cast<E>(b);                                                 \
      (void)bits;                                                                                     \
      return expr;                                                                                    \
    }                                                                                                 \
  }
TM_INT2(mulhi, static_cast<E>(bits == 64 ? static_cast<W>((static_cast<__int128>(x) * y) >> 64) : (x * y) >> bits))
TM_INT2(abs_diff, static_cast<std::make_unsigned_t<E>>(x > y ? x - y : y - x))
TM_INT2(absdiff, static_cast<std::make_unsigned_t<E>>(x > y ? x - y : y - x))
TM_INT2(hadd, static_cast<E>((x + y) >> 1))
TM_INT2(rhadd, static_cast<E>((x + y + 1) >> 1))
TM_INT2(rotate, static_cast<E>(([](std::make_unsigned_t<E> v, unsigned s) { s %= bits; return s ? static_cast<std::make_unsigned_t<E>>((v << s) | (v >> (bits - s))) : v; })(static_cast<std::make_unsigned_t<E>>(x), static_cast<unsigned>(y))))
#undef TM_INT2

// Geometric functions.
template <class A, class B, std::enable_if_t<is_vec_v<A>, int> = 0> constexpr auto dot(const A& a, const B& b) {
  using E = elem_t<A>;
  float s = 0;
  for (int i = 0; i < vec_n<A>; ++i) s += static_cast<float>(comp(a, i)) * static_cast<float>(comp(b, i));
  return static_cast<E>(s);
}
template <class A, std::enable_if_t<is_vec_v<A>, int> = 0> constexpr auto length(const A& a) {
  return static_cast<elem_t<A>>(__builtin_sqrtf(static_cast<float>(dot(a, a))));
}
template <class A, std::enable_if_t<is_vec_v<A>, int> = 0> constexpr auto length_squared(const A& a) { return dot(a, a); }
template <class A, class B, std::enable_if_t<is_vec_v<A>, int> = 0> constexpr auto distance(const A& a, const B& b) { return length(a - b); }
template <class A, std::enable_if_t<is_vec_v<A>, int> = 0> constexpr auto normalize(const A& a) { return a * rsqrt(dot(a, a)); }
template <class T, bool P, bool Q> constexpr vec<T, 3> cross(const vec<T, 3, P>& a, const vec<T, 3, Q>& b) {
  return vec<T, 3>(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}

// Relational functions.
template <class A, std::enable_if_t<metal_rt::is_scalar_v<elem_t<A>>, int> = 0> constexpr bool all(const A& a) {
  for (int i = 0; i < vec_n<A>; ++i) if (!comp(a, i)) return false;
  return true;
}
template <class A, std::enable_if_t<metal_rt::is_scalar_v<elem_t<A>>, int> = 0> constexpr bool any(const A& a) {
  for (int i = 0; i < vec_n<A>; ++i) if (comp(a, i)) return true;
  return false;
}
#define TM_REL1(name, expr)                                                                           \
  template <class A, fp_elem_ok<A> = 0> constexpr auto name(const A& a) {                             \
    if constexpr (is_vec_v<A>) {                                                                      \
      vec<bool, vec_n<A>> r;                                                                          \
      for (int i = 0; i < vec_n<A>; ++i) { float x = static_cast<float>(comp(a, i)); r.v[i] = (expr); } \
      return r;                                                                                       \
    } else {                                                                                          \
      float x = static_cast<float>(a);                                                                \
      return bool(expr);                                                                              \
    }                                                                                                 \
  }
TM_REL1(isnan, x != x)
TM_REL1(isinf, __builtin_isinf(x) != 0)
TM_REL1(isfinite, __builtin_isfinite(x) != 0)
TM_REL1(signbit, __builtin_signbit(x) != 0)
#undef TM_REL1

// select(a, b, c): c ? b : a, elementwise for vectors.
template <class A, class B, class C> constexpr auto select(const A& a, const B& b, const C& c) {
  if constexpr (any_vec<A, B, C>) {
    using E = common_elem_t<A, B>;
    vec<E, max_n<A, B, C>> r;
    for (int i = 0; i < max_n<A, B, C>; ++i) r.v[i] = comp(c, i) ? static_cast<E>(comp(b, i)) : static_cast<E>(comp(a, i));
    return r;
  } else {
    return c ? static_cast<A>(b) : a;
  }
}

// as_type<T>(x): reinterpret the bits of a value of the same size.
template <class To, class From> constexpr To as_type(const From& f) {
  static_assert(sizeof(To) == sizeof(From), "as_type: the two types must have the same size");
  To t;
  __builtin_memcpy(&t, &f, sizeof(To));
  return t;
}
// A swizzle (`as_type<half4>(u.zw)`) is the vector of its components, as in Metal.
template <class To, class T, int N, bool P, int... I> constexpr To as_type(const swizzle<T, N, P, I...>& s) {
  return as_type<To>(static_cast<const vec<T, int(sizeof...(I))>&>(s));
}

// metal::fast and metal::precise are namespaces of their own (as in Metal), declaring the float functions by
// using-declarations: a header that adds bfloat overloads there (common) extends the overload set instead of
// hiding the float functions, so fast::exp(1.0f) stays a float call.
#define TM_FAST_PRECISE(ns)                                                                          \
  namespace ns {                                                                                     \
  using ::metal::acos; using ::metal::acosh; using ::metal::asin; using ::metal::asinh;               \
  using ::metal::atan; using ::metal::atanh; using ::metal::ceil; using ::metal::cos;                 \
  using ::metal::cosh; using ::metal::cospi; using ::metal::exp; using ::metal::exp2;                \
  using ::metal::exp10; using ::metal::fabs; using ::metal::floor; using ::metal::fract;             \
  using ::metal::log; using ::metal::log2; using ::metal::log10; using ::metal::rint;                \
  using ::metal::round; using ::metal::rsqrt; using ::metal::sin; using ::metal::sinh;               \
  using ::metal::sinpi; using ::metal::sqrt; using ::metal::tan; using ::metal::tanh;                \
  using ::metal::tanpi; using ::metal::trunc; using ::metal::saturate; using ::metal::erf;           \
  using ::metal::atan2; using ::metal::pow; using ::metal::powr; using ::metal::fmod;                \
  using ::metal::fmin; using ::metal::fmax; using ::metal::copysign; using ::metal::fdim;            \
  using ::metal::divide; using ::metal::fma; using ::metal::clamp; using ::metal::min;               \
  using ::metal::max; using ::metal::normalize; using ::metal::length; using ::metal::distance;      \
  using ::metal::abs; using ::metal::sign; using ::metal::mix; using ::metal::step;                  \
  using ::metal::smoothstep; using ::metal::mad;                                                     \
  }
TM_FAST_PRECISE(fast)
TM_FAST_PRECISE(precise)
#undef TM_FAST_PRECISE

}  // namespace metal
