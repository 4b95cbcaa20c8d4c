// metal_stdlib for CUDA, part 3: barriers and SIMD-group / quad-group functions as warp intrinsics (Apple's
// SIMD groups and NVIDIA's warps are both 32 lanes wide). The participating lanes are the warp's active
// lanes (__activemask()), which is Metal's "active threads" rule. Reductions and scans take a shuffle
// butterfly / Hillis-Steele path when the whole warp is active and a lane-ordered gather otherwise, so
// every lane gets the same, exact result. Operands of any trivially copyable type move as 32-bit words.
#pragma once

#include "metal_cuda/math.h"

namespace metal {

enum class mem_flags : unsigned { mem_none = 0, mem_device = 1, mem_threadgroup = 2, mem_texture = 4, mem_threadgroup_imageblock = 8, mem_object_data = 16 };
TM_D constexpr mem_flags operator|(mem_flags a, mem_flags b) { return static_cast<mem_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b)); }

TM_D void threadgroup_barrier(mem_flags = mem_flags::mem_none) { __syncthreads(); }
TM_D void simdgroup_barrier(mem_flags = mem_flags::mem_none) { __syncwarp(__activemask()); }

struct simd_vote {
  typedef ulong vote_t;
  vote_t v;
  TM_D explicit constexpr simd_vote(vote_t x = 0) : v(x) {}
  TM_D explicit constexpr operator vote_t() const { return v; }
  TM_D constexpr bool all() const { return v == 0xffffffffUL; }
  TM_D constexpr bool any() const { return v != 0; }
};

}  // namespace metal

namespace metal_cuda {

using namespace ::metal;

TM_D unsigned lane_id() {
  unsigned l;
  asm volatile("mov.u32 %0, %%laneid;" : "=r"(l));
  return l;
}

// Shuffles of any trivially copyable T, word by word.
template <class T> struct words {
  static constexpr int n = (sizeof(T) + 3) / 4;
  unsigned w[n];
};
template <class T, class F> TM_D T shuffle_words(const T& x, F f) {
  words<T> in{}, out;
  memcpy(in.w, &x, sizeof(T));
  for (int i = 0; i < words<T>::n; ++i) out.w[i] = f(in.w[i]);
  T r;
  memcpy(&r, out.w, sizeof(T));
  return r;
}
template <class T> TM_D T shfl(unsigned mask, const T& x, int src, int width = 32) {
  return shuffle_words(x, [&](unsigned w) { return __shfl_sync(mask, w, src, width); });
}
template <class T> TM_D T shfl_up(unsigned mask, const T& x, unsigned d, int width = 32) {
  return shuffle_words(x, [&](unsigned w) { return __shfl_up_sync(mask, w, d, width); });
}
template <class T> TM_D T shfl_down(unsigned mask, const T& x, unsigned d, int width = 32) {
  return shuffle_words(x, [&](unsigned w) { return __shfl_down_sync(mask, w, d, width); });
}
template <class T> TM_D T shfl_xor(unsigned mask, const T& x, unsigned m, int width = 32) {
  return shuffle_words(x, [&](unsigned w) { return __shfl_xor_sync(mask, w, m, width); });
}

struct op_sum { template <class T> TM_D T operator()(T a, T b) const { return T(a + b); } template <class T> TM_D static T id() { return T(0); } };
struct op_product { template <class T> TM_D T operator()(T a, T b) const { return T(a * b); } template <class T> TM_D static T id() { return T(1); } };
struct op_min { template <class T> TM_D T operator()(T a, T b) const { return ::metal::min(a, b); } };
struct op_max { template <class T> TM_D T operator()(T a, T b) const { return ::metal::max(a, b); } };
struct op_and { template <class T> TM_D T operator()(T a, T b) const { return T(a & b); } };
struct op_or { template <class T> TM_D T operator()(T a, T b) const { return T(a | b); } };
struct op_xor { template <class T> TM_D T operator()(T a, T b) const { return T(a ^ b); } };

// Reduction over the active lanes of each group of `width` lanes (32: the SIMD group, 4: the quad). The
// path taken is warp-uniform (every lane named in a *_sync mask must make the same call).
template <int width, class T, class Op> TM_D T reduce(T x, Op op) {
  unsigned mask = __activemask();
  if (mask == 0xffffffffu) {
    for (int d = width / 2; d > 0; d /= 2) x = op(x, shfl_xor(mask, x, d, width));
    return x;
  }
  unsigned lane = lane_id();
  unsigned group = width == 32 ? 0xffffffffu : (0xfu << (lane & ~3u));
  T acc = x;
  bool have = false;
  for (unsigned l = 0; l < 32; ++l) {
    if (!((mask >> l) & 1u)) continue;
    T v = shfl(mask, x, int(l));
    if ((group >> l) & 1u) {
      acc = have ? op(acc, v) : v;
      have = true;
    }
  }
  return acc;
}

// Inclusive scan over the active lanes of each group; exclusive = inclusive of the previous active lane of
// the group (the identity for the first).
template <int width, class T, class Op> TM_D T scan_inclusive(T x, Op op) {
  unsigned mask = __activemask();
  unsigned lane = lane_id();
  if (mask == 0xffffffffu) {
    unsigned me = lane & (width - 1);
    for (unsigned d = 1; d < unsigned(width); d *= 2) {
      T y = shfl_up(mask, x, d, width);
      if (me >= d) x = op(y, x);
    }
    return x;
  }
  unsigned group = width == 32 ? 0xffffffffu : (0xfu << (lane & ~3u));
  unsigned upto = group & ((2u << lane) - 1u);  // lanes of the group up to and including this one
  T acc = x;
  bool have = false;
  for (unsigned l = 0; l < 32; ++l) {
    if (!((mask >> l) & 1u)) continue;
    T v = shfl(mask, x, int(l));
    if ((upto >> l) & 1u) {
      acc = have ? op(acc, v) : v;
      have = true;
    }
  }
  return acc;
}
template <int width, class T, class Op> TM_D T scan_exclusive(T x, Op op, T identity) {
  T inc = scan_inclusive<width>(x, op);
  unsigned mask = __activemask();
  unsigned lane = lane_id();
  unsigned group = width == 32 ? 0xffffffffu : (0xfu << (lane & ~3u));
  unsigned below = mask & group & ((1u << lane) - 1u);
  int src = below ? 31 - __clz(int(below)) : int(lane);
  T prev = shfl(mask, inc, src);
  return below ? prev : identity;
}

}  // namespace metal_cuda

namespace metal {

#define TM_RED(prefix, width, name, op)                                                                    \
  template <class T> TM_D T prefix##name(T x) { return ::metal_cuda::reduce<width>(x, ::metal_cuda::op()); }
#define TM_REDS(prefix, width)                                                                             \
  TM_RED(prefix, width, sum, op_sum) TM_RED(prefix, width, product, op_product) TM_RED(prefix, width, min, op_min) \
  TM_RED(prefix, width, max, op_max) TM_RED(prefix, width, and, op_and) TM_RED(prefix, width, or, op_or)   \
  TM_RED(prefix, width, xor, op_xor)
TM_REDS(simd_, 32)
TM_REDS(quad_, 4)
#undef TM_REDS
#undef TM_RED
#define TM_SCAN(prefix, width, name, op, ident)                                                           \
  template <class T> TM_D T prefix##inclusive_##name(T x) { return ::metal_cuda::scan_inclusive<width>(x, ::metal_cuda::op()); } \
  template <class T> TM_D T prefix##exclusive_##name(T x) { return ::metal_cuda::scan_exclusive<width>(x, ::metal_cuda::op(), T(ident)); }
TM_SCAN(simd_prefix_, 32, sum, op_sum, 0) TM_SCAN(simd_prefix_, 32, product, op_product, 1)
TM_SCAN(quad_prefix_, 4, sum, op_sum, 0) TM_SCAN(quad_prefix_, 4, product, op_product, 1)
#undef TM_SCAN

// Lane permutations. A source lane outside the group (shuffle_up below delta, shuffle_down past the end)
// yields the caller's own value, as in Metal.
template <class T> TM_D T simd_shuffle(T x, ushort l) { return ::metal_cuda::shfl(__activemask(), x, l); }
template <class T> TM_D T simd_broadcast(T x, ushort l) { return ::metal_cuda::shfl(__activemask(), x, l); }
template <class T> TM_D T simd_shuffle_up(T x, ushort d) { return ::metal_cuda::shfl_up(__activemask(), x, d); }
template <class T> TM_D T simd_shuffle_down(T x, ushort d) { return ::metal_cuda::shfl_down(__activemask(), x, d); }
template <class T> TM_D T simd_shuffle_xor(T x, ushort m) { return ::metal_cuda::shfl_xor(__activemask(), x, m); }
template <class T> TM_D T simd_shuffle_rotate_down(T x, ushort d) {
  return ::metal_cuda::shfl(__activemask(), x, int((::metal_cuda::lane_id() + d) % 32u));
}
template <class T> TM_D T simd_shuffle_rotate_up(T x, ushort d) {
  return ::metal_cuda::shfl(__activemask(), x, int((::metal_cuda::lane_id() + 32u - d % 32u) % 32u));
}
template <class T> TM_D T simd_broadcast_first(T x) {
  unsigned m = __activemask();
  return ::metal_cuda::shfl(m, x, __ffs(int(m)) - 1);
}
template <class T> TM_D T quad_shuffle(T x, ushort l) { return ::metal_cuda::shfl(__activemask(), x, l, 4); }
template <class T> TM_D T quad_broadcast(T x, ushort l) { return ::metal_cuda::shfl(__activemask(), x, l, 4); }
template <class T> TM_D T quad_shuffle_up(T x, ushort d) { return ::metal_cuda::shfl_up(__activemask(), x, d, 4); }
template <class T> TM_D T quad_shuffle_down(T x, ushort d) { return ::metal_cuda::shfl_down(__activemask(), x, d, 4); }
template <class T> TM_D T quad_shuffle_xor(T x, ushort m) { return ::metal_cuda::shfl_xor(__activemask(), x, m, 4); }
template <class T> TM_D T quad_shuffle_rotate_down(T x, ushort d) {
  unsigned l = ::metal_cuda::lane_id();
  return ::metal_cuda::shfl(__activemask(), x, int((l & ~3u) + ((l + d) & 3u)));
}
template <class T> TM_D T quad_shuffle_rotate_up(T x, ushort d) {
  unsigned l = ::metal_cuda::lane_id();
  return ::metal_cuda::shfl(__activemask(), x, int((l & ~3u) + ((l + 4u - d % 4u) & 3u)));
}
template <class T> TM_D T quad_broadcast_first(T x) {
  unsigned m = __activemask();
  unsigned q = (m >> (::metal_cuda::lane_id() & ~3u)) & 0xfu;
  return ::metal_cuda::shfl(m, x, int((::metal_cuda::lane_id() & ~3u) + __ffs(int(q)) - 1));
}

// simd/quad_shuffle_and_fill_up/down(data, filling, delta[, modulo]): within groups of `modulo` lanes (the
// SIMD group by default), lanes shifted past the group's edge take `filling` from the other end.
template <class T> TM_D T shuffle_and_fill(T data, T filling, unsigned delta, unsigned width, bool up) {
  if (width == 0 || width > 32) width = 32;
  unsigned lane = ::metal_cuda::lane_id(), base = lane - lane % width, me = lane % width;
  delta %= width;
  bool from_data = up ? me >= delta : me + delta < width;
  unsigned src = up ? (from_data ? me - delta : me + width - delta) : (from_data ? me + delta : me + delta - width);
  unsigned mask = __activemask();
  T d = ::metal_cuda::shfl(mask, data, int(base + src));
  T f = ::metal_cuda::shfl(mask, filling, int(base + src));
  return from_data ? d : f;
}
template <class T> TM_D T simd_shuffle_and_fill_up(T data, T filling, ushort delta, ushort modulo = 32) {
  return shuffle_and_fill(data, filling, delta, modulo, true);
}
template <class T> TM_D T simd_shuffle_and_fill_down(T data, T filling, ushort delta, ushort modulo = 32) {
  return shuffle_and_fill(data, filling, delta, modulo, false);
}
template <class T> TM_D T quad_shuffle_and_fill_up(T data, T filling, ushort delta) { return shuffle_and_fill(data, filling, delta, 4, true); }
template <class T> TM_D T quad_shuffle_and_fill_down(T data, T filling, ushort delta) { return shuffle_and_fill(data, filling, delta, 4, false); }

TM_D simd_vote simd_ballot(bool b) { return simd_vote(__ballot_sync(__activemask(), b)); }
TM_D simd_vote simd_active_threads_mask() { return simd_vote(__activemask()); }
TM_D bool simd_all(bool b) { return __all_sync(__activemask(), b); }
TM_D bool simd_any(bool b) { return __any_sync(__activemask(), b); }
TM_D bool simd_is_first() { return ::metal_cuda::lane_id() == unsigned(__ffs(int(__activemask())) - 1); }
TM_D bool simd_is_helper_thread() { return false; }
TM_D ushort quad_ballot(bool b) {
  return ushort((__ballot_sync(__activemask(), b) >> (::metal_cuda::lane_id() & ~3u)) & 0xfu);
}
TM_D bool quad_all(bool b) { return quad_ballot(b) == ushort((__activemask() >> (::metal_cuda::lane_id() & ~3u)) & 0xfu); }
TM_D bool quad_any(bool b) { return quad_ballot(b) != 0; }

}  // namespace metal
