// metal_stdlib for CUDA, part 5: simdgroup_matrix<T, 8, 8> as a warp-level fragment with Apple's lane map
// (lib/gpu/simdgroup_matrix_layout.h): lane l holds row (quad & 4) + (l / 2) % 4, columns
// (quad & 2) * 2 + (l % 2) * 2 and the next one, quad = l / 4; thread_elements() is that pair.
//
// Operand views. A product d = a * b + c needs, in lane l, row frag_row(l) of a (8 values) and columns
// frag_col(l), frag_col(l) + 1 of b (8 pairs). simdgroup_load reads both views straight from memory (16-byte
// vector loads where the row is aligned, pairs otherwise), so a multiply of loaded fragments needs no warp
// shuffles. A fragment produced in registers (a product, make_filled, the diagonal constructor, values written
// through thread_elements()) gets its views by shuffles the first time it is an
// operand (4 for a row, 8 for the columns), and keeps them (mutable) for its next uses. Views live in
// registers: where a fragment is never an operand, NVRTC drops them.
//
// Arithmetic: each element is c + sum over k = 0..7 of a[i][k] * b[k][j], accumulated in float in k order with
// one fused multiply-add per step, exactly as the emulator (lib/runtime/emulator/include/metal_rt/matrix.h)
// does, so results are bit-identical; one FFMA per multiply-add, the cost of Apple's FP32 FMA.
#pragma once

#include "metal_cuda/simd.h"

namespace metal {

template <class T, int Cols, int Rows>
struct simdgroup_matrix {
  static_assert(Cols == 8 && Rows == 8, "the CUDA proxy supports 8x8 simdgroup matrices");
  vec<T, 2> e;
  // The lane's operand views (see the top comment); valid when has_row / has_cols (warp-uniform flags).
  mutable T row[8];
  mutable vec<T, 2> cols[8];
  mutable bool has_row = false, has_cols = false;
  simdgroup_matrix() = default;
  TM_D explicit simdgroup_matrix(T d);  // d on the diagonal, zero elsewhere
  // Writing through the reference may change the elements: the views are dropped (rebuilt by shuffles).
  TM_D vec<T, 2>& thread_elements() {
    has_row = has_cols = false;
    return e;
  }
  TM_D const vec<T, 2>& thread_elements() const { return e; }
};
typedef simdgroup_matrix<float, 8, 8> simdgroup_float8x8;
typedef simdgroup_matrix<half, 8, 8> simdgroup_half8x8;
typedef simdgroup_matrix<bfloat, 8, 8> simdgroup_bfloat8x8;

}  // namespace metal

namespace metal_cuda {

TM_D unsigned frag_row(unsigned lane) { return ((lane / 4) & 4u) + (lane / 2) % 4; }
TM_D unsigned frag_col(unsigned lane) { return ((lane / 4) & 2u) * 2 + (lane % 2) * 2; }
// The lane holding (row, col) (col even) of a fragment: the inverse of the map above.
TM_D unsigned frag_lane(unsigned row, unsigned col) {
  return ((col >> 1) & 1u) | ((row & 1u) << 1) | (((row >> 1) & 1u) << 2) | (((col >> 2) & 1u) << 3) | (((row >> 2) & 1u) << 4);
}

template <class T> TM_D bool aligned_to(const T* p, unsigned long bytes) {
  return (reinterpret_cast<unsigned long>(p) & (bytes - 1)) == 0;
}

// n consecutive elements p[0..n) into out (same type): 16-byte vector loads when p is 16-byte aligned.
template <int N, class T> TM_D void load_run(T* out, const T* p) {
  constexpr int bytes = N * int(sizeof(T));
  if constexpr (bytes % 16 == 0) {
    if (aligned_to(p, 16)) {
      for (int i = 0; i < bytes / 16; ++i) {
        ::uint4 v = reinterpret_cast<const ::uint4*>(p)[i];
        memcpy(out + i * (16 / int(sizeof(T))), &v, 16);
      }
      return;
    }
  }
  for (int i = 0; i < N; ++i) out[i] = p[i];
}

// p[0], p[1] as a pair: one vector load when aligned to the pair's size.
template <class T> TM_D ::metal::vec<T, 2> load_pair(const T* p) {
  ::metal::vec<T, 2> v;
  if constexpr (sizeof(T) == 4) {
    if (aligned_to(p, 8)) {
      ::uint2 w = *reinterpret_cast<const ::uint2*>(p);
      memcpy(&v, &w, 8);
      return v;
    }
  } else if constexpr (sizeof(T) == 2) {
    if (aligned_to(p, 4)) {
      unsigned w = *reinterpret_cast<const unsigned*>(p);
      memcpy(&v, &w, 4);
      return v;
    }
  }
  v[0] = p[0];
  v[1] = p[1];
  return v;
}

// Row frag_row(lane) of a register-produced fragment: 4 shuffles.
template <class T> TM_D void need_row(const ::metal::simdgroup_matrix<T, 8, 8>& m) {
  if (m.has_row) return;
  unsigned mask = __activemask();
  unsigned r = frag_row(lane_id());
  for (unsigned k = 0; k < 8; k += 2) {
    ::metal::vec<T, 2> v = shfl(mask, m.e, int(frag_lane(r, k)));
    m.row[k] = v[0];
    m.row[k + 1] = v[1];
  }
  m.has_row = true;
}

// Columns frag_col(lane), +1 of a register-produced fragment: 8 shuffles.
template <class T> TM_D void need_cols(const ::metal::simdgroup_matrix<T, 8, 8>& m) {
  if (m.has_cols) return;
  unsigned mask = __activemask();
  unsigned c = frag_col(lane_id());
  for (unsigned k = 0; k < 8; ++k) m.cols[k] = shfl(mask, m.e, int(frag_lane(k, c)));
  m.has_cols = true;
}

}  // namespace metal_cuda

namespace metal {

template <class T, int C, int R> TM_D simdgroup_matrix<T, C, R>::simdgroup_matrix(T d) {
  unsigned lane = ::metal_cuda::lane_id();
  unsigned r = ::metal_cuda::frag_row(lane), c = ::metal_cuda::frag_col(lane);
  e[0] = r == c ? d : T(0);
  e[1] = r == c + 1 ? d : T(0);
}

// Filled and diagonal matrices are register-produced: no views (an accumulator initialised here and carried
// through a loop would otherwise keep its views alive across the loop for a conditional later use).
template <class T, int Cols, int Rows> TM_D simdgroup_matrix<T, Cols, Rows> make_filled_simdgroup_matrix(T v) {
  simdgroup_matrix<T, Cols, Rows> m;
  m.e = vec<T, 2>(v);
  return m;
}

// Element (r, c) of the tile is src[(origin.y + r) * stride + origin.x + c], or with transpose
// src[(origin.y + c) * stride + origin.x + r].
template <class T, class S>
TM_D void simdgroup_load(simdgroup_matrix<T, 8, 8>& d, const S* src, ulong elements_per_row = 8,
                         vec<ulong, 2> origin = vec<ulong, 2>(0), bool transpose = false) {
  unsigned lane = ::metal_cuda::lane_id();
  ulong r = ::metal_cuda::frag_row(lane), c = ::metal_cuda::frag_col(lane);
  const ulong n = elements_per_row;
  const S* base = src + origin.y * n + origin.x;
  if constexpr (is_same<T, typename remove_cv<S>::type>::value) {
    if (!transpose) {
      d.e = ::metal_cuda::load_pair(base + r * n + c);
      ::metal_cuda::load_run<8>(d.row, base + r * n);
      for (ulong k = 0; k < 8; ++k) d.cols[k] = ::metal_cuda::load_pair(base + k * n + c);
    } else {
      d.e[0] = base[c * n + r];
      d.e[1] = base[(c + 1) * n + r];
      for (ulong k = 0; k < 8; ++k) d.row[k] = base[k * n + r];
      T c0[8], c1[8];
      ::metal_cuda::load_run<8>(c0, base + c * n);
      ::metal_cuda::load_run<8>(c1, base + (c + 1) * n);
      for (int k = 0; k < 8; ++k) d.cols[k] = vec<T, 2>(c0[k], c1[k]);
    }
  } else {
    auto at = [&](ulong i, ulong j) { return T(transpose ? base[j * n + i] : base[i * n + j]); };
    d.e = vec<T, 2>(at(r, c), at(r, c + 1));
    for (ulong k = 0; k < 8; ++k) {
      d.row[k] = at(r, k);
      d.cols[k] = vec<T, 2>(at(k, c), at(k, c + 1));
    }
  }
  d.has_row = d.has_cols = true;
}

template <class T, class S>
TM_D void simdgroup_store(const simdgroup_matrix<T, 8, 8>& m, S* dst, ulong elements_per_row = 8,
                          vec<ulong, 2> origin = vec<ulong, 2>(0), bool transpose = false) {
  unsigned lane = ::metal_cuda::lane_id();
  ulong r = ::metal_cuda::frag_row(lane), c = ::metal_cuda::frag_col(lane);
  S* base = dst + origin.y * elements_per_row + origin.x;
  if constexpr (is_same<T, S>::value && sizeof(T) == 4) {
    if (!transpose && ::metal_cuda::aligned_to(base + r * elements_per_row + c, 8)) {
      ::uint2 w;
      memcpy(&w, &m.e, 8);
      *reinterpret_cast<::uint2*>(base + r * elements_per_row + c) = w;
      return;
    }
  }
  for (int k = 0; k < 2; ++k) {
    if (transpose) base[(c + k) * elements_per_row + r] = S(m.e[k]);
    else base[r * elements_per_row + c + k] = S(m.e[k]);
  }
}

template <class D, class A, class B, class C>
TM_D void simdgroup_multiply_accumulate(simdgroup_matrix<D, 8, 8>& d, const simdgroup_matrix<A, 8, 8>& a,
                                        const simdgroup_matrix<B, 8, 8>& b, const simdgroup_matrix<C, 8, 8>& c) {
  ::metal_cuda::need_row(a);
  ::metal_cuda::need_cols(b);
  float acc0 = float(c.e[0]), acc1 = float(c.e[1]);
  for (int k = 0; k < 8; ++k) {
    acc0 = fmaf(float(a.row[k]), float(b.cols[k][0]), acc0);
    acc1 = fmaf(float(a.row[k]), float(b.cols[k][1]), acc1);
  }
  d.e[0] = D(acc0);
  d.e[1] = D(acc1);
  d.has_row = d.has_cols = false;
}

template <class D, class A, class B>
TM_D void simdgroup_multiply(simdgroup_matrix<D, 8, 8>& d, const simdgroup_matrix<A, 8, 8>& a, const simdgroup_matrix<B, 8, 8>& b) {
  simdgroup_multiply_accumulate(d, a, b, make_filled_simdgroup_matrix<D, 8, 8>(D(0)));
}

}  // namespace metal
