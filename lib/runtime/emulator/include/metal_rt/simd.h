// Barriers and SIMD-group functions. Each is a scheduling point: the thread stores its operand in its
// simdgroup's exchange slot and yields to the host scheduler, which resumes the lanes when every active
// lane (every lane of the simdgroup that has not returned) has reached the same call site, or reports
// the misuse. threadgroup_barrier completes when every thread of the threadgroup reached it.
#pragma once

#include "metal_rt/pointers.h"

// Call-site column of a barrier or collective, where the compiler provides it (clang; GCC 12 does not).
#if __has_builtin(__builtin_COLUMN)
#define TM_COLUMN() __builtin_COLUMN()
#else
#define TM_COLUMN() 0
#endif

namespace metal {

enum class mem_flags : unsigned { mem_none = 0, mem_device = 1, mem_threadgroup = 2, mem_texture = 4, mem_threadgroup_imageblock = 8, mem_object_data = 16 };
constexpr mem_flags operator|(mem_flags a, mem_flags b) { return static_cast<mem_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b)); }

inline void threadgroup_barrier(mem_flags = mem_flags::mem_none, int line = __builtin_LINE(), int col = TM_COLUMN()) {
  metal_rt::g_hooks->sync(metal_rt::g_hooks->current(), metal_rt::kThreadgroupBarrier, line, col, "threadgroup_barrier");
}
inline void simdgroup_barrier(mem_flags = mem_flags::mem_none, int line = __builtin_LINE(), int col = TM_COLUMN()) {
  metal_rt::g_hooks->sync(metal_rt::g_hooks->current(), metal_rt::kSimdgroupBarrier, line, col, "simdgroup_barrier");
}

// Result of simd_ballot / simd_active_threads_mask.
struct simd_vote {
  using vote_t = unsigned long;
  vote_t v;
  explicit constexpr simd_vote(vote_t x = 0) : v(x) {}
  explicit constexpr operator vote_t() const { return v; }
  constexpr bool all() const { return v == 0xffffffffUL; }
  constexpr bool any() const { return v != 0; }
};

}  // namespace metal

namespace metal_rt {

template <class T> struct gathered {
  const unsigned char (*slots)[kSlotBytes];
  unsigned mask;
  unsigned lane;
  T at(unsigned l) const { T v; __builtin_memcpy(&v, slots[l], sizeof(T)); return v; }
  bool active(unsigned l) const { return l < 32 && ((mask >> l) & 1u); }
  unsigned first() const { return mask ? __builtin_ctz(mask) : 0; }
};

template <class T> gathered<T> exchange(const T& v, int line, int col, const char* what) {
  static_assert(sizeof(T) <= kSlotBytes, "simd collective operand too large");
  ThreadCtx* c = g_hooks->current();
  unsigned par = c->gen & 1u;
  c->gen++;
  __builtin_memcpy(c->simd->slot[par][c->lane], &v, sizeof(T));
  g_hooks->sync(c, kSimdCollective, line, col, what);
  return {c->simd->slot[par], c->simd->mask[par], c->lane};
}

template <class T> T read_lane(const gathered<T>& g, unsigned l, const char* what) {
  if (!g.active(l)) {
    char thread[256], msg[512];
    describe_thread(thread, sizeof thread);
    snprintf(msg, sizeof msg, "kernel '%s': %s reads lane %u, which is not an active lane of the simdgroup (active mask 0x%08x), by %s",
             current_kernel(), what, l, g.mask, thread);
    fail(msg);
  }
  return g.at(l);
}

// Reduction of the active lanes in [lo, hi) that are below `upto` (exclusive prefix) or up to it.
template <class T, class F> T fold(const gathered<T>& g, unsigned lo, unsigned hi, T init, F f) {
  T acc = init;
  for (unsigned l = lo; l < hi; ++l)
    if (g.active(l)) acc = static_cast<T>(f(acc, g.at(l)));
  return acc;
}

template <class T> T ident_min() {
  if constexpr (metal::is_vec_v<T>) return T(ident_min<metal::elem_t<T>>());
  else if constexpr (is_fp_v<T>) return T(__builtin_inff());
  else return static_cast<T>(~static_cast<std::make_unsigned_t<T>>(0) >> (std::is_signed_v<T> ? 1 : 0));
}
template <class T> T ident_max() {
  if constexpr (metal::is_vec_v<T>) return T(ident_max<metal::elem_t<T>>());
  else if constexpr (is_fp_v<T>) return T(-__builtin_inff());
  else if constexpr (std::is_signed_v<T>) return static_cast<T>(-ident_min<T>() - 1);
  else return T(0);
}

}  // namespace metal_rt

namespace metal {

#define TM_LOC int line = __builtin_LINE(), int col = TM_COLUMN()
#define TM_REDUCE(prefix, lo, hi, name, init, op)                                                     \
  template <class T> T prefix##name(T x, TM_LOC) {                                                    \
    auto g = metal_rt::exchange(x, line, col, #prefix #name);                                         \
    return metal_rt::fold(g, lo, hi, T(init), [](T a, T b) { return op; });                          \
  }
#define TM_REDUCTIONS(prefix, lo, hi)                                                                 \
  TM_REDUCE(prefix, lo, hi, sum, 0, a + b)                                                            \
  TM_REDUCE(prefix, lo, hi, product, 1, a * b)                                                        \
  TM_REDUCE(prefix, lo, hi, min, metal_rt::ident_min<T>(), min(a, b))                                  \
  TM_REDUCE(prefix, lo, hi, max, metal_rt::ident_max<T>(), max(a, b))                                  \
  TM_REDUCE(prefix, lo, hi, and, ~T(0), a & b)                                                         \
  TM_REDUCE(prefix, lo, hi, or, 0, a | b)                                                              \
  TM_REDUCE(prefix, lo, hi, xor, 0, a ^ b)
TM_REDUCTIONS(simd_, 0u, 32u)
TM_REDUCTIONS(quad_, (g.lane & ~3u), (g.lane & ~3u) + 4u)
TM_REDUCE(simd_prefix_inclusive_, 0u, g.lane + 1, sum, 0, a + b)
TM_REDUCE(simd_prefix_exclusive_, 0u, g.lane, sum, 0, a + b)
TM_REDUCE(simd_prefix_inclusive_, 0u, g.lane + 1, product, 1, a * b)
TM_REDUCE(simd_prefix_exclusive_, 0u, g.lane, product, 1, a * b)
TM_REDUCE(quad_prefix_inclusive_, (g.lane & ~3u), g.lane + 1, sum, 0, a + b)
TM_REDUCE(quad_prefix_exclusive_, (g.lane & ~3u), g.lane, sum, 0, a + b)
TM_REDUCE(quad_prefix_inclusive_, (g.lane & ~3u), g.lane + 1, product, 1, a * b)
TM_REDUCE(quad_prefix_exclusive_, (g.lane & ~3u), g.lane, product, 1, a * b)
#undef TM_REDUCTIONS
#undef TM_REDUCE

// Lane permutations. For quad_ forms, lane numbers are within the quad (0..3).
#define TM_PERMUTE(prefix, W, name, Arg, src)                                                         \
  template <class T> T prefix##name(T x, Arg k, TM_LOC) {                                             \
    auto g = metal_rt::exchange(x, line, col, #prefix #name);                                         \
    unsigned base = g.lane & ~(W - 1u), me = g.lane - base;                                           \
    (void)me;                                                                                         \
    unsigned s = (src);                                                                               \
    if (s >= W) return x;                                                                             \
    return metal_rt::read_lane(g, base + s, #prefix #name);                                           \
  }
#define TM_PERMUTES(prefix, W)                                                                        \
  TM_PERMUTE(prefix, W, shuffle, ushort, unsigned(k))                                                 \
  TM_PERMUTE(prefix, W, broadcast, ushort, unsigned(k))                                               \
  TM_PERMUTE(prefix, W, shuffle_up, ushort, me >= unsigned(k) ? me - unsigned(k) : W)                 \
  TM_PERMUTE(prefix, W, shuffle_down, ushort, me + unsigned(k))                                       \
  TM_PERMUTE(prefix, W, shuffle_xor, ushort, me ^ unsigned(k))                                        \
  TM_PERMUTE(prefix, W, shuffle_rotate_up, ushort, (me + W - unsigned(k) % W) % W)                    \
  TM_PERMUTE(prefix, W, shuffle_rotate_down, ushort, (me + unsigned(k)) % W)
TM_PERMUTES(simd_, 32u)
TM_PERMUTES(quad_, 4u)
#undef TM_PERMUTES
#undef TM_PERMUTE

// simd_shuffle_and_fill_up/down(data, filling, delta[, modulo]): within groups of `modulo` lanes (the
// simdgroup by default), lanes shifted past the group's edge take `filling` from the other end.
template <class T> struct fill_pair { T data, filling; };
template <class T> T shuffle_and_fill(T data, T filling, unsigned delta, unsigned width, bool up, int line, int col, const char* what) {
  auto g = metal_rt::exchange(fill_pair<T>{data, filling}, line, col, what);
  if (width == 0 || width > 32) width = 32;
  unsigned base = g.lane - g.lane % width, me = g.lane % width;
  delta %= width;
  bool from_data = up ? me >= delta : me + delta < width;
  unsigned src = up ? (from_data ? me - delta : me + width - delta) : (from_data ? me + delta : me + delta - width);
  fill_pair<T> v = metal_rt::read_lane(g, base + src, what);
  return from_data ? v.data : v.filling;
}
template <class T> T simd_shuffle_and_fill_up(T data, T filling, ushort delta, ushort modulo = 32, TM_LOC) {
  return shuffle_and_fill(data, filling, delta, modulo, true, line, col, "simd_shuffle_and_fill_up");
}
template <class T> T simd_shuffle_and_fill_down(T data, T filling, ushort delta, ushort modulo = 32, TM_LOC) {
  return shuffle_and_fill(data, filling, delta, modulo, false, line, col, "simd_shuffle_and_fill_down");
}
template <class T> T quad_shuffle_and_fill_up(T data, T filling, ushort delta, TM_LOC) {
  return shuffle_and_fill(data, filling, delta, 4, true, line, col, "quad_shuffle_and_fill_up");
}
template <class T> T quad_shuffle_and_fill_down(T data, T filling, ushort delta, TM_LOC) {
  return shuffle_and_fill(data, filling, delta, 4, false, line, col, "quad_shuffle_and_fill_down");
}

template <class T> T simd_broadcast_first(T x, TM_LOC) {
  auto g = metal_rt::exchange(x, line, col, "simd_broadcast_first");
  return g.at(g.first());
}
template <class T> T quad_broadcast_first(T x, TM_LOC) {
  auto g = metal_rt::exchange(x, line, col, "quad_broadcast_first");
  unsigned base = g.lane & ~3u;
  for (unsigned l = base; l < base + 4; ++l)
    if (g.active(l)) return g.at(l);
  return x;
}
inline simd_vote simd_ballot(bool b, TM_LOC) {
  auto g = metal_rt::exchange(b, line, col, "simd_ballot");
  unsigned long v = 0;
  for (unsigned l = 0; l < 32; ++l)
    if (g.active(l) && g.at(l)) v |= 1ul << l;
  return simd_vote(v);
}
inline simd_vote simd_active_threads_mask(TM_LOC) {
  auto g = metal_rt::exchange(true, line, col, "simd_active_threads_mask");
  return simd_vote(g.mask);
}
inline bool simd_all(bool b, TM_LOC) {
  auto g = metal_rt::exchange(b, line, col, "simd_all");
  for (unsigned l = 0; l < 32; ++l)
    if (g.active(l) && !g.at(l)) return false;
  return true;
}
inline bool simd_any(bool b, TM_LOC) {
  auto g = metal_rt::exchange(b, line, col, "simd_any");
  for (unsigned l = 0; l < 32; ++l)
    if (g.active(l) && g.at(l)) return true;
  return false;
}
inline bool simd_is_first(TM_LOC) {
  auto g = metal_rt::exchange(true, line, col, "simd_is_first");
  return g.lane == g.first();
}
inline bool quad_all(bool b, TM_LOC) { return quad_and(static_cast<unsigned>(b), line, col) != 0; }
inline bool quad_any(bool b, TM_LOC) { return quad_or(static_cast<unsigned>(b), line, col) != 0; }
inline bool quad_is_first(TM_LOC) {
  auto g = metal_rt::exchange(true, line, col, "quad_is_first");
  unsigned base = g.lane & ~3u;
  for (unsigned l = base; l < base + 4; ++l)
    if (g.active(l)) return l == g.lane;
  return false;
}
#undef TM_LOC

}  // namespace metal
