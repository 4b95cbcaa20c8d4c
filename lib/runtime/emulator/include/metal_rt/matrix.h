// simdgroup_matrix<T, 8, 8> (float, half, bfloat) and its functions. Every lane holds the whole 8x8 tile
// (Metal spreads it over the lanes; the functions are simdgroup-uniform, so each lane computing the
// full result gives the same values). A product is computed once per simdgroup and reused by the other
// lanes when their inputs are bitwise equal (MatrixMemo). Products accumulate in float and round to the result type.
// Loads and stores are bounds-checked per element; their traffic is counted once per simdgroup.
// simdgroup_load and simdgroup_store are simdgroup-wide operations: every lane finishes a load before any
// lane goes on (a rendezvous), so a tile loaded, updated and stored back in place is read by all lanes before
// one of them overwrites it, as on the GPU where the simdgroup performs the load once.
#pragma once

#include "metal_rt/pointers.h"
#include "metal_rt/simd.h"

namespace metal {

template <class T, int Cols, int Rows>
struct simdgroup_matrix {
  static_assert(Cols == 8 && Rows == 8, "the emulator supports 8x8 simdgroup matrices");
  T e[Rows][Cols];
  simdgroup_matrix() = default;
  // A diagonal matrix with d on the diagonal.
  explicit simdgroup_matrix(T d) {
    for (int r = 0; r < Rows; ++r)
      for (int c = 0; c < Cols; ++c) e[r][c] = r == c ? d : T(0);
  }
};
using simdgroup_float8x8 = simdgroup_matrix<float, 8, 8>;
using simdgroup_half8x8 = simdgroup_matrix<half, 8, 8>;
using simdgroup_bfloat8x8 = simdgroup_matrix<bfloat, 8, 8>;

template <class T, int Cols, int Rows> simdgroup_matrix<T, Cols, Rows> make_filled_simdgroup_matrix(T v) {
  simdgroup_matrix<T, Cols, Rows> m;
  for (int r = 0; r < Rows; ++r)
    for (int c = 0; c < Cols; ++c) m.e[r][c] = v;
  return m;
}

}  // namespace metal

namespace metal_rt {

// Checks that every element of an 8x8 tile at (origin, stride, transpose) lies in the region; counts
// the tile's bytes once per simdgroup (lane 0).
template <class T> T* tile_base(const ptr<T>& p, unsigned long stride, metal::vec<unsigned long, 2> origin, bool transpose) {
  T* base = p.p + origin.y * stride + origin.x;
  unsigned long last = transpose ? 7 * stride + 7 : 7 * stride + 7;
  for (unsigned long r = 0; r < 8; ++r) {
    const char* first = reinterpret_cast<const char*>(base + r * stride);
    const char* end = reinterpret_cast<const char*>(base + r * stride + 8);
    if (!p.r || first < p.r->base || end > p.r->base + p.r->bytes) {
      for (unsigned long c = 0; c < 8; ++c) (void)ptr<T>(base, p.r).at(static_cast<long long>(r * stride + c));
    }
  }
  (void)last;
  if (p.r && p.r->counters) {
    ThreadCtx* c = g_hooks->current();
    if (c && c->lane == 0) {
      if constexpr (std::is_const_v<T>) p.r->counters->read += 64 * sizeof(T);
      else p.r->counters->written += 64 * sizeof(T);
    }
  }
  return base;
}

}  // namespace metal_rt

namespace metal_rt {

// All live lanes of the simdgroup reach this point before any goes on (see the top comment).
inline void simdgroup_rendezvous(int line, int col, const char* what) {
  if (ThreadCtx* c = g_hooks->current()) g_hooks->sync(c, kSimdgroupBarrier, line, col, what);
}

}  // namespace metal_rt

namespace metal {

template <class T, class P>
void simdgroup_load(simdgroup_matrix<T, 8, 8>& d, P&& src, ulong elements_per_row = 8, vec<ulong, 2> matrix_origin = vec<ulong, 2>(0), bool transpose_matrix = false,
                    int line = __builtin_LINE(), int col = TM_COLUMN()) {
  metal_rt::ptr<const T> s(src);
  const T* __restrict b = metal_rt::tile_base(s, elements_per_row, matrix_origin, false);
  const unsigned long n = elements_per_row;
  if (transpose_matrix) {
    for (unsigned long r = 0; r < 8; ++r)
      for (unsigned long c = 0; c < 8; ++c) d.e[r][c] = b[c * n + r];
  } else {
    for (unsigned long r = 0; r < 8; ++r) __builtin_memcpy(d.e[r], b + r * n, sizeof d.e[r]);
  }
  metal_rt::simdgroup_rendezvous(line, col, "simdgroup_load");
}

template <class T, class P>
void simdgroup_store(const simdgroup_matrix<T, 8, 8>& m, P&& dst, ulong elements_per_row = 8, vec<ulong, 2> matrix_origin = vec<ulong, 2>(0), bool transpose_matrix = false) {
  metal_rt::ptr<T> s(dst);
  T* __restrict b = metal_rt::tile_base(s, elements_per_row, matrix_origin, false);
  const unsigned long n = elements_per_row;
  if (transpose_matrix) {
    for (unsigned long r = 0; r < 8; ++r)
      for (unsigned long c = 0; c < 8; ++c) b[c * n + r] = m.e[r][c];
  } else {
    for (unsigned long r = 0; r < 8; ++r) __builtin_memcpy(b + r * n, m.e[r], sizeof m.e[r]);
  }
}

template <class D, class A, class B, class C>
void simdgroup_multiply_accumulate(simdgroup_matrix<D, 8, 8>& d, const simdgroup_matrix<A, 8, 8>& a,
                                   const simdgroup_matrix<B, 8, 8>& b, const simdgroup_matrix<C, 8, 8>& c) {
  // Reuse the product another lane of this simdgroup computed from the same inputs.
  static const char tag = 0;
  metal_rt::ThreadCtx* t = metal_rt::g_hooks->current();
  metal_rt::MatrixMemo* memo = nullptr;
  unsigned gen = 0;
  if (t && t->simd) {
    gen = ++t->mm_gen;
    memo = &t->simd->memo[gen % metal_rt::kMatrixMemo];
    if (memo->gen == gen && memo->tag == &tag && __builtin_memcmp(memo->key, a.e, sizeof a.e) == 0 &&
        __builtin_memcmp(memo->key + sizeof a.e, b.e, sizeof b.e) == 0 &&
        __builtin_memcmp(memo->key + sizeof a.e + sizeof b.e, c.e, sizeof c.e) == 0) {
      __builtin_memcpy(d.e, memo->result, sizeof d.e);
      return;
    }
  }
  float bf[8][8];
  for (int k = 0; k < 8; ++k)
    for (int j = 0; j < 8; ++j) bf[k][j] = static_cast<float>(b.e[k][j]);
  D out[8][8];
  for (int i = 0; i < 8; ++i) {
    float acc[8];
    for (int j = 0; j < 8; ++j) acc[j] = static_cast<float>(c.e[i][j]);
    for (int k = 0; k < 8; ++k) {
      float aik = static_cast<float>(a.e[i][k]);
      for (int j = 0; j < 8; ++j) acc[j] += aik * bf[k][j];
    }
    for (int j = 0; j < 8; ++j) out[i][j] = static_cast<D>(acc[j]);
  }
  if (memo) {
    memo->tag = &tag;
    memo->gen = gen;
    __builtin_memcpy(memo->key, a.e, sizeof a.e);
    __builtin_memcpy(memo->key + sizeof a.e, b.e, sizeof b.e);
    __builtin_memcpy(memo->key + sizeof a.e + sizeof b.e, c.e, sizeof c.e);
    __builtin_memcpy(memo->result, out, sizeof out);
  }
  __builtin_memcpy(d.e, out, sizeof out);
}

template <class D, class A, class B>
void simdgroup_multiply(simdgroup_matrix<D, 8, 8>& d, const simdgroup_matrix<A, 8, 8>& a, const simdgroup_matrix<B, 8, 8>& b) {
  simdgroup_multiply_accumulate(d, a, b, make_filled_simdgroup_matrix<D, 8, 8>(D(0)));
}

}  // namespace metal
