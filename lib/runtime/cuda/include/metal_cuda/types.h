// metal_stdlib for CUDA, part 1: Metal's scalar and vector types as CUDA device code. half is __half,
// bfloat is __nv_bfloat16, and vec<T, N> is Metal's vector (sizes and alignments as in Metal: a 3-vector
// takes the room of a 4-vector) with element-wise operators, composite constructors and swizzles (the
// translator rewrites v.xyz into v.template sw<0, 1, 2>()). Compiled by NVRTC, never by the host compiler.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#define TM_D __device__ __forceinline__

#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif
#ifndef NAN
#define NAN __int_as_float(0x7fffffff)
#endif
#ifndef HUGE_VALF
#define HUGE_VALF INFINITY
#endif
#define MAXFLOAT 3.402823466e+38f
#define M_PI_F 3.14159265358979323846f
#define M_E_F 2.71828182845904523536f
#define M_LN2_F 0.693147180559945309417f
#define M_LOG2E_F 1.44269504088896340736f
#define M_SQRT2_F 1.41421356237309504880f
#define FLT_MAX 3.402823466e+38f
#define FLT_MIN 1.175494351e-38f
#define FLT_EPSILON 1.192092896e-07f
#define HALF_MAX 65504.0h

namespace metal {

typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef unsigned long ulong;
typedef __half half;
typedef __nv_bfloat16 bfloat;
typedef unsigned long size_t;
typedef long ptrdiff_t;

template <bool B, class T = void> struct enable_if {};
template <class T> struct enable_if<true, T> { typedef T type; };
template <bool B, class T = void> using enable_if_t = typename enable_if<B, T>::type;
template <class A, class B> struct is_same { static constexpr bool value = false; };
template <class A> struct is_same<A, A> { static constexpr bool value = true; };
template <class T> struct remove_cv { typedef T type; };
template <class T> struct remove_cv<const T> { typedef T type; };
template <class T> struct remove_cv<volatile T> { typedef T type; };
template <class T> struct remove_cv<const volatile T> { typedef T type; };

template <class T> struct is_scalar_t { static constexpr bool value = false; };
#define TM_SCALAR(T) template <> struct is_scalar_t<T> { static constexpr bool value = true; };
TM_SCALAR(bool) TM_SCALAR(char) TM_SCALAR(signed char) TM_SCALAR(unsigned char) TM_SCALAR(short)
TM_SCALAR(unsigned short) TM_SCALAR(int) TM_SCALAR(unsigned int) TM_SCALAR(long) TM_SCALAR(unsigned long)
TM_SCALAR(long long) TM_SCALAR(unsigned long long) TM_SCALAR(float) TM_SCALAR(double) TM_SCALAR(__half)
TM_SCALAR(__nv_bfloat16)
#undef TM_SCALAR
template <class T> constexpr bool is_scalar_v = is_scalar_t<typename remove_cv<T>::type>::value;

template <class T, int N> struct vec;
template <class T> struct vec_info { static constexpr int n = 1; typedef T elem; };
template <class T, int N> struct vec_info<vec<T, N>> { static constexpr int n = N; typedef T elem; };
template <class T> constexpr bool is_vec_v = vec_info<typename remove_cv<T>::type>::n > 1;
template <class T> using elem_t = typename vec_info<typename remove_cv<T>::type>::elem;

template <class T, int N> struct vec_storage;
template <class T> struct alignas(2 * sizeof(T)) vec_storage<T, 2> { T x, y; };
template <class T> struct alignas(4 * sizeof(T)) vec_storage<T, 3> { T x, y, z; };
template <class T> struct alignas(4 * sizeof(T)) vec_storage<T, 4> { T x, y, z, w; };

template <class T, int N, int... I> struct swizzle;

template <class T, int N>
struct vec : vec_storage<T, N> {
  vec() = default;
  TM_D vec(T s) {
    for (int i = 0; i < N; ++i) (*this)[i] = s;
  }
  template <class U, enable_if_t<is_scalar_v<U> && !is_same<U, T>::value, int> = 0>
  TM_D vec(U s) {
    for (int i = 0; i < N; ++i) (*this)[i] = T(s);
  }
  template <class U, enable_if_t<!is_same<U, T>::value, int> = 0>
  TM_D explicit vec(const vec<U, N>& v) {
    for (int i = 0; i < N; ++i) (*this)[i] = T(v[i]);
  }
  template <class A, class B, class... R>
  TM_D vec(const A& a, const B& b, const R&... r) {
    int i = 0;
    put(i, a);
    put(i, b);
    (put(i, r), ...);
  }
  TM_D T& operator[](int i) { return (&this->x)[i]; }
  TM_D const T& operator[](int i) const { return (&this->x)[i]; }
  template <int... I> TM_D swizzle<T, N, I...> sw() { return swizzle<T, N, I...>(*this); }
  template <int... I> TM_D vec<T, sizeof...(I)> sw() const { return vec<T, sizeof...(I)>((*this)[I]...); }

 private:
  template <class U> TM_D void put(int& i, const U& s) {
    if constexpr (is_vec_v<U>) {
      for (int j = 0; j < vec_info<U>::n; ++j) (*this)[i++] = T(s[j]);
    } else {
      (*this)[i++] = T(s);
    }
  }
};

// An lvalue swizzle: the selected components by value (so it can take part in expressions) plus the
// vector they came from, written back on assignment.
template <class T, int N, int... I>
struct swizzle : vec<T, sizeof...(I)> {
  static constexpr int M = sizeof...(I);
  vec<T, N>* src;
  TM_D explicit swizzle(vec<T, N>& v) : vec<T, M>(v[I]...), src(&v) {}
  TM_D swizzle& operator=(const vec<T, M>& o) {
    int k = 0;
    ((src->operator[](I) = o[k++]), ...);
    static_cast<vec<T, M>&>(*this) = o;
    return *this;
  }
  TM_D swizzle& operator=(const swizzle& o) { return *this = static_cast<const vec<T, M>&>(o); }
#define TM_SWZ_OP(op) \
  TM_D swizzle& operator op##=(const vec<T, M>& o) { return *this = static_cast<const vec<T, M>&>(*this) op o; }
  TM_SWZ_OP(+) TM_SWZ_OP(-) TM_SWZ_OP(*) TM_SWZ_OP(/)
#undef TM_SWZ_OP
};

// Element-wise operators: vector op vector, vector op scalar, scalar op vector.
#define TM_VEC_BINOP(op)                                                                                   \
  template <class T, int N> TM_D vec<T, N> operator op(const vec<T, N>& a, const vec<T, N>& b) {           \
    vec<T, N> r;                                                                                           \
    for (int i = 0; i < N; ++i) r[i] = T(a[i] op b[i]);                                                    \
    return r;                                                                                              \
  }                                                                                                        \
  template <class T, int N, class S, enable_if_t<is_scalar_v<S>, int> = 0>                                 \
  TM_D vec<T, N> operator op(const vec<T, N>& a, S b) { return a op vec<T, N>(T(b)); }                     \
  template <class T, int N, class S, enable_if_t<is_scalar_v<S>, int> = 0>                                 \
  TM_D vec<T, N> operator op(S a, const vec<T, N>& b) { return vec<T, N>(T(a)) op b; }                     \
  template <class T, int N> TM_D vec<T, N>& operator op##=(vec<T, N>& a, const vec<T, N>& b) {             \
    return a = a op b;                                                                                     \
  }                                                                                                        \
  template <class T, int N, class S, enable_if_t<is_scalar_v<S>, int> = 0>                                 \
  TM_D vec<T, N>& operator op##=(vec<T, N>& a, S b) { return a = a op vec<T, N>(T(b)); }
TM_VEC_BINOP(+) TM_VEC_BINOP(-) TM_VEC_BINOP(*) TM_VEC_BINOP(/) TM_VEC_BINOP(%) TM_VEC_BINOP(&)
TM_VEC_BINOP(|) TM_VEC_BINOP(^) TM_VEC_BINOP(<<) TM_VEC_BINOP(>>)
#undef TM_VEC_BINOP

#define TM_VEC_CMP(op)                                                                                     \
  template <class T, int N> TM_D vec<bool, N> operator op(const vec<T, N>& a, const vec<T, N>& b) {        \
    vec<bool, N> r;                                                                                        \
    for (int i = 0; i < N; ++i) r[i] = a[i] op b[i];                                                       \
    return r;                                                                                              \
  }                                                                                                        \
  template <class T, int N, class S, enable_if_t<is_scalar_v<S>, int> = 0>                                 \
  TM_D vec<bool, N> operator op(const vec<T, N>& a, S b) { return a op vec<T, N>(T(b)); }                  \
  template <class T, int N, class S, enable_if_t<is_scalar_v<S>, int> = 0>                                 \
  TM_D vec<bool, N> operator op(S a, const vec<T, N>& b) { return vec<T, N>(T(a)) op b; }
TM_VEC_CMP(==) TM_VEC_CMP(!=) TM_VEC_CMP(<) TM_VEC_CMP(>) TM_VEC_CMP(<=) TM_VEC_CMP(>=) TM_VEC_CMP(&&)
TM_VEC_CMP(||)
#undef TM_VEC_CMP

template <class T, int N> TM_D vec<T, N> operator-(const vec<T, N>& a) {
  vec<T, N> r;
  for (int i = 0; i < N; ++i) r[i] = T(-a[i]);
  return r;
}
template <class T, int N> TM_D vec<T, N> operator+(const vec<T, N>& a) { return a; }
template <class T, int N> TM_D vec<T, N> operator~(const vec<T, N>& a) {
  vec<T, N> r;
  for (int i = 0; i < N; ++i) r[i] = T(~a[i]);
  return r;
}
template <class T, int N> TM_D vec<bool, N> operator!(const vec<T, N>& a) {
  vec<bool, N> r;
  for (int i = 0; i < N; ++i) r[i] = !a[i];
  return r;
}

template <int N> TM_D bool all(const vec<bool, N>& v) {
  for (int i = 0; i < N; ++i)
    if (!v[i]) return false;
  return true;
}
template <int N> TM_D bool any(const vec<bool, N>& v) {
  for (int i = 0; i < N; ++i)
    if (v[i]) return true;
  return false;
}
TM_D bool all(bool b) { return b; }
TM_D bool any(bool b) { return b; }

// Packed vectors: no padding, element alignment.
template <class T, int N> struct packed_vec {
  T e[N];
  packed_vec() = default;
  TM_D packed_vec(const vec<T, N>& v) {
    for (int i = 0; i < N; ++i) e[i] = v[i];
  }
  template <class... A> TM_D explicit packed_vec(const A&... a) : packed_vec(vec<T, N>(a...)) {}
  TM_D operator vec<T, N>() const {
    vec<T, N> v;
    for (int i = 0; i < N; ++i) v[i] = e[i];
    return v;
  }
  TM_D T& operator[](int i) { return e[i]; }
  TM_D const T& operator[](int i) const { return e[i]; }
};
#define TM_PACKED_OP(op)                                                                                    \
  template <class T, int N> TM_D packed_vec<T, N> operator op(const packed_vec<T, N>& a, const packed_vec<T, N>& b) { \
    return vec<T, N>(a) op vec<T, N>(b);                                                                    \
  }
TM_PACKED_OP(+) TM_PACKED_OP(-) TM_PACKED_OP(*) TM_PACKED_OP(/)
#undef TM_PACKED_OP

#define TM_VEC_NAMES(T, name)                                                                                \
  typedef vec<T, 2> name##2;                                                                               \
  typedef vec<T, 3> name##3;                                                                               \
  typedef vec<T, 4> name##4;                                                                               \
  typedef packed_vec<T, 2> packed_##name##2;                                                               \
  typedef packed_vec<T, 3> packed_##name##3;                                                               \
  typedef packed_vec<T, 4> packed_##name##4;
TM_VEC_NAMES(float, float) TM_VEC_NAMES(half, half) TM_VEC_NAMES(bfloat, bfloat) TM_VEC_NAMES(int, int)
TM_VEC_NAMES(uint, uint) TM_VEC_NAMES(short, short) TM_VEC_NAMES(ushort, ushort) TM_VEC_NAMES(char, char)
TM_VEC_NAMES(uchar, uchar) TM_VEC_NAMES(bool, bool) TM_VEC_NAMES(long, long) TM_VEC_NAMES(ulong, ulong)
#undef TM_VEC_NAMES

// as_type<T>(x): bit reinterpretation between types of equal size.
template <class T, class U> TM_D T as_type(const U& u) {
  static_assert(sizeof(T) == sizeof(U), "as_type needs types of equal size");
  T t;
  memcpy(&t, &u, sizeof(T));
  return t;
}
// A swizzle (`as_type<half4>(u.zw)`) is the vector of its components, as in Metal.
template <class T, class E, int N, int... I> TM_D T as_type(const swizzle<E, N, I...>& s) {
  return as_type<T>(static_cast<const vec<E, int(sizeof...(I))>&>(s));
}

}  // namespace metal
