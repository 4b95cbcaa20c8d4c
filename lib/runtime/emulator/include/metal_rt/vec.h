// Metal vector types on the host: vec<T, N> (float4, half2, int3, bool4, ...) with Metal's sizes and
// alignments (3-component vectors occupy 4 components), packed_ variants (no padding, element alignment),
// components .x .y .z .w / .r .g .b .a, indexing, elementwise operators, and swizzles. The translator
// rewrites a multi-component swizzle such as `v.xzy` into `v.template sw<0, 2, 1>()`, which yields a value
// for reading and a write-back proxy on a modifiable vector (v.xy = ...; v.xy += ...).
#pragma once

#include "metal_rt/scalar.h"

namespace metal {

template <class T, int N, bool P> struct vec_storage;
template <class T, bool P>
struct alignas(P ? alignof(T) : 2 * sizeof(T)) vec_storage<T, 2, P> {
  union { T v[2]; struct { T x, y; }; struct { T r, g; }; };
};
template <class T>
struct alignas(4 * sizeof(T)) vec_storage<T, 3, false> {
  union { T v[4]; struct { T x, y, z; }; struct { T r, g, b; }; };
};
template <class T>
struct alignas(alignof(T)) vec_storage<T, 3, true> {
  union { T v[3]; struct { T x, y, z; }; struct { T r, g, b; }; };
};
template <class T, bool P>
struct alignas(P ? alignof(T) : 4 * sizeof(T)) vec_storage<T, 4, P> {
  union { T v[4]; struct { T x, y, z, w; }; struct { T r, g, b, a; }; };
};

template <class T, int N, bool P = false> struct vec;

template <class A> struct vec_info { static constexpr int n = 1; using elem = A; static constexpr bool is_vec = false; };
template <class T, int N, bool P> vec<T, N, P> as_vec_probe(const vec<T, N, P>&);
template <class A, class = void> struct vec_probe { using type = void; };
template <class A> struct vec_probe<A, std::void_t<decltype(as_vec_probe(std::declval<const A&>()))>> {
  using type = decltype(as_vec_probe(std::declval<const A&>()));
};
template <class A> using vec_base_t = typename vec_probe<std::remove_cvref_t<A>>::type;
template <class T, int N, bool P> struct vec_info<vec<T, N, P>> { static constexpr int n = N; using elem = T; static constexpr bool is_vec = true; };
// True for vectors, packed vectors and swizzle proxies.
template <class A> inline constexpr bool is_vec_v = vec_info<vec_base_t<A>>::is_vec;
template <class A> inline constexpr int vec_n = is_vec_v<A> ? vec_info<vec_base_t<A>>::n : 1;
template <class A> using elem_t = std::conditional_t<is_vec_v<A>, typename vec_info<vec_base_t<A>>::elem, std::remove_cvref_t<A>>;

// Component i of a vector, or the scalar itself.
template <class A> constexpr decltype(auto) comp(const A& a, int i) {
  if constexpr (is_vec_v<A>) return static_cast<const vec_base_t<A>&>(a).v[i];
  else { (void)i; return (a); }
}

template <class T, int N, bool P, int... I> struct swizzle;

template <class T, int N, bool P>
struct vec : vec_storage<T, N, P> {
  using element_type = T;
  static constexpr int size = N;
  vec() = default;
  template <class U, std::enable_if_t<metal_rt::is_scalar_v<U>, int> = 0>
  constexpr vec(U s) { for (int i = 0; i < N; ++i) this->v[i] = static_cast<T>(s); }
  // Same element type, packed <-> unpacked: implicit.
  template <bool Q, std::enable_if_t<Q != P, int> = 0>
  constexpr vec(const vec<T, N, Q>& o) { for (int i = 0; i < N; ++i) this->v[i] = o.v[i]; }
  // Other element type: explicit conversion, as in Metal (float4(i4)).
  template <class U, bool Q, std::enable_if_t<!std::is_same_v<U, T>, int> = 0>
  explicit constexpr vec(const vec<U, N, Q>& o) { for (int i = 0; i < N; ++i) this->v[i] = static_cast<T>(static_cast<U>(o.v[i])); }
  // Component-wise construction from scalars and smaller vectors: float4(a.xy, b, c).
  template <class A0, class A1, class... As, std::enable_if_t<(vec_n<A0> + vec_n<A1> + (0 + ... + vec_n<As>)) == N, int> = 0>
  constexpr vec(const A0& a0, const A1& a1, const As&... as) {
    int k = 0;
    put(k, a0);
    put(k, a1);
    (put(k, as), ...);
  }
  constexpr T& operator[](int i) { return this->v[i]; }
  constexpr const T& operator[](int i) const { return this->v[i]; }

  template <int... I> swizzle<T, N, P, I...> sw() & { return swizzle<T, N, P, I...>(this); }
  template <int... I> vec<T, int(sizeof...(I))> sw() const& { return vec<T, int(sizeof...(I))>(this->v[I]...); }
  template <int... I> vec<T, int(sizeof...(I))> sw() && { return vec<T, int(sizeof...(I))>(this->v[I]...); }

 private:
  template <class A> constexpr void put(int& k, const A& a) {
    if constexpr (is_vec_v<A>) {
      for (int i = 0; i < vec_n<A>; ++i) this->v[k++] = static_cast<T>(comp(a, i));
    } else {
      this->v[k++] = static_cast<T>(a);
    }
  }
};

// v.xy on a modifiable vector: holds the selected components and writes assignments back.
template <class T, int N, bool P, int... I>
struct swizzle : vec<T, int(sizeof...(I))> {
  using base = vec<T, int(sizeof...(I))>;
  vec<T, N, P>* src;
  explicit swizzle(vec<T, N, P>* s) : base(s->v[I]...), src(s) {}
  swizzle(const swizzle&) = default;
  swizzle& operator=(const base& o) && { store(o); return *this; }
  swizzle& operator=(const swizzle& o) && { store(base(o)); return *this; }
  swizzle& operator=(const base& o) & { base::operator=(o); return *this; }
  swizzle& operator=(const swizzle& o) & { base::operator=(o); src = o.src; return *this; }
  template <class U> swizzle& operator+=(const U& o) && { store(base(*this) + o); return *this; }
  template <class U> swizzle& operator-=(const U& o) && { store(base(*this) - o); return *this; }
  template <class U> swizzle& operator*=(const U& o) && { store(base(*this) * o); return *this; }
  template <class U> swizzle& operator/=(const U& o) && { store(base(*this) / o); return *this; }

 private:
  void store(const base& o) {
    int k = 0;
    ((src->v[I] = o.v[k++]), ...);
    static_cast<base&>(*this) = o;
  }
};

// Elementwise operators. Operands: two vectors of the same length, or a vector and a scalar (converted to
// the vector's element type).
template <class A, class B>
inline constexpr bool vec_operands = (is_vec_v<A> || is_vec_v<B>) &&
    (!is_vec_v<A> || !is_vec_v<B> || vec_n<A> == vec_n<B>) &&
    (is_vec_v<A> || metal_rt::is_scalar_v<std::remove_cvref_t<A>>) &&
    (is_vec_v<B> || metal_rt::is_scalar_v<std::remove_cvref_t<B>>);
template <class A, class B> using vec_elem_t = std::conditional_t<is_vec_v<A>, elem_t<A>, elem_t<B>>;
template <class A, class B> inline constexpr int vec_len = is_vec_v<A> ? vec_n<A> : vec_n<B>;

#define TM_VEC_BINOP(op)                                                                              \
  template <class A, class B, std::enable_if_t<vec_operands<A, B>, int> = 0>                          \
  constexpr auto operator op(const A& a, const B& b) {                                                \
    using E = vec_elem_t<A, B>;                                                                       \
    vec<E, vec_len<A, B>> r;                                                                          \
    for (int i = 0; i < vec_len<A, B>; ++i)                                                           \
      r.v[i] = static_cast<E>(static_cast<E>(comp(a, i)) op static_cast<E>(comp(b, i)));              \
    return r;                                                                                         \
  }                                                                                                   \
  template <class T, int N, bool P, class B, std::enable_if_t<vec_operands<vec<T, N, P>, B>, int> = 0> \
  constexpr vec<T, N, P>& operator op##=(vec<T, N, P>& a, const B& b) {                               \
    for (int i = 0; i < N; ++i) a.v[i] = static_cast<T>(a.v[i] op static_cast<T>(comp(b, i)));       \
    return a;                                                                                         \
  }
TM_VEC_BINOP(+)
TM_VEC_BINOP(-)
TM_VEC_BINOP(*)
TM_VEC_BINOP(/)
TM_VEC_BINOP(%)
TM_VEC_BINOP(&)
TM_VEC_BINOP(|)
TM_VEC_BINOP(^)
TM_VEC_BINOP(<<)
TM_VEC_BINOP(>>)
#undef TM_VEC_BINOP

#define TM_VEC_CMP(op)                                                                                \
  template <class A, class B, std::enable_if_t<vec_operands<A, B>, int> = 0>                          \
  constexpr vec<bool, vec_len<A, B>> operator op(const A& a, const B& b) {                            \
    using E = vec_elem_t<A, B>;                                                                       \
    vec<bool, vec_len<A, B>> r;                                                                       \
    for (int i = 0; i < vec_len<A, B>; ++i) r.v[i] = static_cast<E>(comp(a, i)) op static_cast<E>(comp(b, i)); \
    return r;                                                                                         \
  }
TM_VEC_CMP(==)
TM_VEC_CMP(!=)
TM_VEC_CMP(<)
TM_VEC_CMP(>)
TM_VEC_CMP(<=)
TM_VEC_CMP(>=)
TM_VEC_CMP(&&)
TM_VEC_CMP(||)
#undef TM_VEC_CMP

template <class T, int N, bool P> constexpr vec<T, N> operator-(const vec<T, N, P>& a) {
  vec<T, N> r;
  for (int i = 0; i < N; ++i) r.v[i] = static_cast<T>(-a.v[i]);
  return r;
}
template <class T, int N, bool P> constexpr vec<T, N> operator+(const vec<T, N, P>& a) { return a; }
template <class T, int N, bool P> constexpr vec<T, N> operator~(const vec<T, N, P>& a) {
  vec<T, N> r;
  for (int i = 0; i < N; ++i) r.v[i] = static_cast<T>(~a.v[i]);
  return r;
}
template <class T, int N, bool P> constexpr vec<bool, N> operator!(const vec<T, N, P>& a) {
  vec<bool, N> r;
  for (int i = 0; i < N; ++i) r.v[i] = !a.v[i];
  return r;
}
template <class T, int N, bool P> constexpr vec<T, N, P>& operator++(vec<T, N, P>& a) { return a += 1; }
template <class T, int N, bool P> constexpr vec<T, N, P>& operator--(vec<T, N, P>& a) { return a -= 1; }
template <class T, int N, bool P> constexpr vec<T, N, P> operator++(vec<T, N, P>& a, int) { auto o = a; a += 1; return o; }
template <class T, int N, bool P> constexpr vec<T, N, P> operator--(vec<T, N, P>& a, int) { auto o = a; a -= 1; return o; }

}  // namespace metal

#define TM_VEC_TYPES(T, name)                                                                         \
  using name##2 = metal::vec<T, 2>;                                                                   \
  using name##3 = metal::vec<T, 3>;                                                                   \
  using name##4 = metal::vec<T, 4>;                                                                   \
  using packed_##name##2 = metal::vec<T, 2, true>;                                                    \
  using packed_##name##3 = metal::vec<T, 3, true>;                                                    \
  using packed_##name##4 = metal::vec<T, 4, true>;                                                    \
  namespace metal {                                                                                   \
  using ::name##2;                                                                                    \
  using ::name##3;                                                                                    \
  using ::name##4;                                                                                    \
  using ::packed_##name##2;                                                                           \
  using ::packed_##name##3;                                                                           \
  using ::packed_##name##4;                                                                           \
  }
TM_VEC_TYPES(float, float)
TM_VEC_TYPES(half, half)
TM_VEC_TYPES(bfloat, bfloat)
TM_VEC_TYPES(int, int)
TM_VEC_TYPES(unsigned int, uint)
TM_VEC_TYPES(short, short)
TM_VEC_TYPES(unsigned short, ushort)
TM_VEC_TYPES(char, char)
TM_VEC_TYPES(unsigned char, uchar)
TM_VEC_TYPES(bool, bool)
TM_VEC_TYPES(long, long)
TM_VEC_TYPES(unsigned long, ulong)
#undef TM_VEC_TYPES

// metal::half, metal::uint, ... name the same types as the global spellings.
namespace metal {
using ::bfloat;
using ::half;
using ::uchar;
using ::uint;
using ::ulong;
using ::ushort;
}  // namespace metal
