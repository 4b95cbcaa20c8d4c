// metal_stdlib for CUDA, part 2: Metal's math, common, geometric, relational and integer functions on
// float, half, bfloat and their vectors. Default and precise:: forms use CUDA's accurate functions,
// fast:: forms the hardware approximations (__expf, ...). half and bfloat compute in float and round once.
#pragma once

#include "metal_cuda/types.h"

namespace metal {

// Applies a float function to a scalar of any floating type, or element-wise to a vector.
#define TM_UNARY(name, ffn)                                                                                \
  TM_D float name(float x) { return ffn(x); }                                                              \
  TM_D half name(half x) { return half(ffn(float(x))); }                                                   \
  TM_D bfloat name(bfloat x) { return bfloat(ffn(float(x))); }                                             \
  template <class T, int N> TM_D vec<T, N> name(const vec<T, N>& v) {                                      \
    vec<T, N> r;                                                                                           \
    for (int i = 0; i < N; ++i) r[i] = name(v[i]);                                                         \
    return r;                                                                                              \
  }
#define TM_BINARY(name, ffn)                                                                               \
  TM_D float name(float x, float y) { return ffn(x, y); }                                                  \
  TM_D half name(half x, half y) { return half(ffn(float(x), float(y))); }                                 \
  TM_D bfloat name(bfloat x, bfloat y) { return bfloat(ffn(float(x), float(y))); }                         \
  template <class T, int N> TM_D vec<T, N> name(const vec<T, N>& a, const vec<T, N>& b) {                  \
    vec<T, N> r;                                                                                           \
    for (int i = 0; i < N; ++i) r[i] = name(a[i], b[i]);                                                   \
    return r;                                                                                              \
  }                                                                                                        \
  template <class T, int N> TM_D vec<T, N> name(const vec<T, N>& a, T b) { return name(a, vec<T, N>(b)); }

TM_D float tm_rsqrt(float x) { return rsqrtf(x); }
TM_D float tm_fract(float x) { return fminf(x - floorf(x), 0x1.fffffep-1f); }
TM_D float tm_sign(float x) { return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : isnan(x) ? 0.0f : x; }
TM_D float tm_exp10(float x) { return exp10f(x); }
TM_D float tm_saturate(float x) { return fminf(fmaxf(x, 0.0f), 1.0f); }
TM_D float tm_fast_exp(float x) { return __expf(x); }
TM_D float tm_fast_exp2(float x) { return exp2f(x); }
TM_D float tm_fast_log(float x) { return __logf(x); }
TM_D float tm_fast_log2(float x) { return __log2f(x); }
TM_D float tm_fast_sin(float x) { return __sinf(x); }
TM_D float tm_fast_cos(float x) { return __cosf(x); }
TM_D float tm_fast_tan(float x) { return __tanf(x); }
TM_D float tm_fast_pow(float x, float y) { return __powf(x, y); }
TM_D float tm_fast_rsqrt(float x) { return rsqrtf(x); }
TM_D float tm_fast_divide(float x, float y) { return __fdividef(x, y); }
TM_D float tm_divide(float x, float y) { return x / y; }
TM_D float tm_powr(float x, float y) { return powf(x, y); }

TM_UNARY(exp, expf) TM_UNARY(exp2, exp2f) TM_UNARY(exp10, tm_exp10) TM_UNARY(log, logf) TM_UNARY(log2, log2f)
TM_UNARY(log10, log10f) TM_UNARY(sqrt, sqrtf) TM_UNARY(rsqrt, tm_rsqrt) TM_UNARY(sin, sinf) TM_UNARY(cos, cosf)
TM_UNARY(tan, tanf) TM_UNARY(asin, asinf) TM_UNARY(acos, acosf) TM_UNARY(atan, atanf) TM_UNARY(sinh, sinhf)
TM_UNARY(cosh, coshf) TM_UNARY(tanh, tanhf) TM_UNARY(asinh, asinhf) TM_UNARY(acosh, acoshf) TM_UNARY(atanh, atanhf)
TM_UNARY(floor, floorf) TM_UNARY(ceil, ceilf) TM_UNARY(round, roundf) TM_UNARY(rint, rintf) TM_UNARY(trunc, truncf)
TM_UNARY(fabs, fabsf) TM_UNARY(fract, tm_fract) TM_UNARY(sign, tm_sign) TM_UNARY(saturate, tm_saturate)
TM_UNARY(erf, erff) TM_UNARY(sinpi, sinpif) TM_UNARY(cospi, cospif) TM_UNARY(cbrt, cbrtf)
TM_BINARY(pow, powf) TM_BINARY(powr, tm_powr) TM_BINARY(atan2, atan2f) TM_BINARY(fmod, fmodf) TM_BINARY(fmin, fminf)
TM_BINARY(fmax, fmaxf) TM_BINARY(copysign, copysignf) TM_BINARY(fdim, fdimf) TM_BINARY(divide, tm_divide)

namespace fast {
using namespace ::metal;
TM_UNARY(exp, tm_fast_exp) TM_UNARY(exp2, tm_fast_exp2) TM_UNARY(log, tm_fast_log) TM_UNARY(log2, tm_fast_log2)
TM_UNARY(sin, tm_fast_sin) TM_UNARY(cos, tm_fast_cos) TM_UNARY(tan, tm_fast_tan) TM_UNARY(rsqrt, tm_fast_rsqrt)
TM_BINARY(pow, tm_fast_pow) TM_BINARY(powr, tm_fast_pow) TM_BINARY(divide, tm_fast_divide)
}  // namespace fast
namespace precise {
using namespace ::metal;
}  // namespace precise
#undef TM_UNARY
#undef TM_BINARY

// abs, min, max, clamp for every arithmetic type (floating min/max ignore a NaN operand, as fmin/fmax).
template <class T, enable_if_t<is_scalar_v<T>, int> = 0> TM_D T abs(T x) { return x < T(0) ? T(-x) : x; }
TM_D float abs(float x) { return fabsf(x); }
template <class T, enable_if_t<is_scalar_v<T>, int> = 0> TM_D T min(T a, T b) { return b < a ? b : a; }
template <class T, enable_if_t<is_scalar_v<T>, int> = 0> TM_D T max(T a, T b) { return a < b ? b : a; }
TM_D float min(float a, float b) { return fminf(a, b); }
TM_D float max(float a, float b) { return fmaxf(a, b); }
TM_D half min(half a, half b) { return half(fminf(float(a), float(b))); }
TM_D half max(half a, half b) { return half(fmaxf(float(a), float(b))); }
TM_D bfloat min(bfloat a, bfloat b) { return bfloat(fminf(float(a), float(b))); }
TM_D bfloat max(bfloat a, bfloat b) { return bfloat(fmaxf(float(a), float(b))); }
template <class T, enable_if_t<is_scalar_v<T>, int> = 0> TM_D T clamp(T x, T lo, T hi) { return min(max(x, lo), hi); }
template <class T, enable_if_t<is_scalar_v<T>, int> = 0> TM_D T mix(T a, T b, T t) { return a + (b - a) * t; }
template <class T, enable_if_t<is_scalar_v<T>, int> = 0> TM_D T step(T edge, T x) { return x < edge ? T(0) : T(1); }
template <class T, enable_if_t<is_scalar_v<T>, int> = 0> TM_D T smoothstep(T e0, T e1, T x) {
  T t = clamp(T((x - e0) / (e1 - e0)), T(0), T(1));
  return t * t * (T(3) - T(2) * t);
}
TM_D float fma(float a, float b, float c) { return fmaf(a, b, c); }
TM_D half fma(half a, half b, half c) { return __hfma(a, b, c); }
TM_D float mad(float a, float b, float c) { return fmaf(a, b, c); }
template <class T, enable_if_t<is_scalar_v<T>, int> = 0> TM_D T select(T a, T b, bool c) { return c ? b : a; }

#define TM_VEC_FN1(name)                                                                                   \
  template <class T, int N> TM_D vec<T, N> name(const vec<T, N>& a) {                                      \
    vec<T, N> r;                                                                                           \
    for (int i = 0; i < N; ++i) r[i] = name(a[i]);                                                         \
    return r;                                                                                              \
  }
#define TM_VEC_FN2(name)                                                                                   \
  template <class T, int N> TM_D vec<T, N> name(const vec<T, N>& a, const vec<T, N>& b) {                  \
    vec<T, N> r;                                                                                           \
    for (int i = 0; i < N; ++i) r[i] = name(a[i], b[i]);                                                   \
    return r;                                                                                              \
  }                                                                                                        \
  template <class T, int N> TM_D vec<T, N> name(const vec<T, N>& a, T b) { return name(a, vec<T, N>(b)); }
#define TM_VEC_FN3(name)                                                                                   \
  template <class T, int N> TM_D vec<T, N> name(const vec<T, N>& a, const vec<T, N>& b, const vec<T, N>& c) { \
    vec<T, N> r;                                                                                           \
    for (int i = 0; i < N; ++i) r[i] = name(a[i], b[i], c[i]);                                             \
    return r;                                                                                              \
  }                                                                                                        \
  template <class T, int N> TM_D vec<T, N> name(const vec<T, N>& a, T b, T c) {                            \
    return name(a, vec<T, N>(b), vec<T, N>(c));                                                            \
  }
TM_VEC_FN1(abs) TM_VEC_FN2(min) TM_VEC_FN2(max) TM_VEC_FN3(clamp) TM_VEC_FN3(mix) TM_VEC_FN3(fma)
TM_VEC_FN3(smoothstep)
template <class T, int N> TM_D vec<T, N> step(const vec<T, N>& e, const vec<T, N>& x) {
  vec<T, N> r;
  for (int i = 0; i < N; ++i) r[i] = step(e[i], x[i]);
  return r;
}
template <class T, int N> TM_D vec<T, N> select(const vec<T, N>& a, const vec<T, N>& b, const vec<bool, N>& c) {
  vec<T, N> r;
  for (int i = 0; i < N; ++i) r[i] = c[i] ? b[i] : a[i];
  return r;
}

// Relational.
TM_D bool isnan(float x) { return ::isnan(x); }
TM_D bool isnan(half x) { return __hisnan(x); }
TM_D bool isnan(bfloat x) { return __hisnan(x); }
TM_D bool isinf(float x) { return ::isinf(x); }
TM_D bool isinf(half x) { return __hisinf(x) != 0; }
TM_D bool isfinite(float x) { return ::isfinite(x); }
TM_D bool isfinite(half x) { return !__hisnan(x) && !__hisinf(x); }
TM_D bool signbit(float x) { return ::signbit(x); }
template <class T, int N> TM_D vec<bool, N> isnan(const vec<T, N>& v) {
  vec<bool, N> r;
  for (int i = 0; i < N; ++i) r[i] = isnan(v[i]);
  return r;
}
template <class T, int N> TM_D vec<bool, N> isinf(const vec<T, N>& v) {
  vec<bool, N> r;
  for (int i = 0; i < N; ++i) r[i] = isinf(v[i]);
  return r;
}

// Geometric.
template <class T, int N> TM_D T dot(const vec<T, N>& a, const vec<T, N>& b) {
  T s = a[0] * b[0];
  for (int i = 1; i < N; ++i) s = s + a[i] * b[i];
  return s;
}
template <class T> TM_D vec<T, 3> cross(const vec<T, 3>& a, const vec<T, 3>& b) {
  return vec<T, 3>(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}
template <class T, int N> TM_D T length(const vec<T, N>& a) { return sqrt(dot(a, a)); }
template <class T, int N> TM_D T length_squared(const vec<T, N>& a) { return dot(a, a); }
template <class T, int N> TM_D T distance(const vec<T, N>& a, const vec<T, N>& b) { return length(a - b); }
template <class T, int N> TM_D vec<T, N> normalize(const vec<T, N>& a) { return a * rsqrt(dot(a, a)); }

// Integer.
TM_D int popcount(int x) { return __popc(x); }
TM_D uint popcount(uint x) { return __popc(x); }
TM_D int clz(int x) { return __clz(x); }
TM_D uint clz(uint x) { return __clz(int(x)); }
TM_D int ctz(int x) { return x == 0 ? 32 : __ffs(x) - 1; }
TM_D uint ctz(uint x) { return x == 0 ? 32u : uint(__ffs(int(x)) - 1); }
TM_D long popcount(long x) { return __popcll(x); }
TM_D ulong popcount(ulong x) { return __popcll(x); }
TM_D uint abs_diff(int a, int b) { return a > b ? uint(a) - uint(b) : uint(b) - uint(a); }
TM_D uint abs_diff(uint a, uint b) { return a > b ? a - b : b - a; }
TM_D int mulhi(int a, int b) { return __mulhi(a, b); }
TM_D uint mulhi(uint a, uint b) { return __umulhi(a, b); }
TM_D uint reverse_bits(uint x) { return __brev(x); }
TM_D int reverse_bits(int x) { return int(__brev(uint(x))); }
TM_D uint rotate(uint v, uint i) { return __funnelshift_l(v, v, i); }
TM_D int mad24(int a, int b, int c) { return __mul24(a, b) + c; }
TM_D uint mad24(uint a, uint b, uint c) { return __umul24(a, b) + c; }
TM_D int mul24(int a, int b) { return __mul24(a, b); }
TM_D uint mul24(uint a, uint b) { return __umul24(a, b); }
TM_VEC_FN1(popcount) TM_VEC_FN1(clz) TM_VEC_FN1(ctz)
#undef TM_VEC_FN1
#undef TM_VEC_FN2
#undef TM_VEC_FN3

}  // namespace metal
