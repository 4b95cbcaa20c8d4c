// metal_stdlib for CUDA, part 5: simdgroup_matrix<T, 8, 8> as a warp-level fragment with Apple's lane map
// (lib/gpu/simdgroup_matrix_layout.h): lane l holds row (quad & 4) + (l / 2) % 4, columns
// (quad & 2) * 2 + (l % 2) * 2 and the next one, quad = l / 4. Multiply-accumulate gathers the lane's
// row of A and two columns of B with shuffles and accumulates in float in k order, so results are exact
// f32 sums (the emulator computes the same sums).
#pragma once

#include "metal_cuda/simd.h"

namespace metal {

template <class T, int Cols, int Rows>
struct simdgroup_matrix {
  static_assert(Cols == 8 && Rows == 8, "the CUDA proxy supports 8x8 simdgroup matrices");
  vec<T, 2> e;
  simdgroup_matrix() = default;
  TM_D explicit simdgroup_matrix(T d);  // d on the diagonal, zero elsewhere
  TM_D vec<T, 2>& thread_elements() { return e; }
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

}  // namespace metal_cuda

namespace metal {

template <class T, int C, int R> TM_D simdgroup_matrix<T, C, R>::simdgroup_matrix(T d) {
  unsigned lane = ::metal_cuda::lane_id();
  unsigned r = ::metal_cuda::frag_row(lane), c = ::metal_cuda::frag_col(lane);
  e[0] = r == c ? d : T(0);
  e[1] = r == c + 1 ? d : T(0);
}

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
  const S* base = src + origin.y * elements_per_row + origin.x;
  for (int k = 0; k < 2; ++k)
    d.e[k] = T(transpose ? base[(c + k) * elements_per_row + r] : base[r * elements_per_row + c + k]);
}

template <class T, class S>
TM_D void simdgroup_store(const simdgroup_matrix<T, 8, 8>& m, S* dst, ulong elements_per_row = 8,
                          vec<ulong, 2> origin = vec<ulong, 2>(0), bool transpose = false) {
  unsigned lane = ::metal_cuda::lane_id();
  ulong r = ::metal_cuda::frag_row(lane), c = ::metal_cuda::frag_col(lane);
  S* base = dst + origin.y * elements_per_row + origin.x;
  for (int k = 0; k < 2; ++k) {
    if (transpose) base[(c + k) * elements_per_row + r] = S(m.e[k]);
    else base[r * elements_per_row + c + k] = S(m.e[k]);
  }
}

template <class D, class A, class B, class C>
TM_D void simdgroup_multiply_accumulate(simdgroup_matrix<D, 8, 8>& d, const simdgroup_matrix<A, 8, 8>& a,
                                        const simdgroup_matrix<B, 8, 8>& b, const simdgroup_matrix<C, 8, 8>& c) {
  unsigned mask = __activemask();
  unsigned lane = ::metal_cuda::lane_id();
  unsigned r = ::metal_cuda::frag_row(lane), col = ::metal_cuda::frag_col(lane);
  float acc0 = float(c.e[0]), acc1 = float(c.e[1]);
  for (unsigned k2 = 0; k2 < 8; k2 += 2) {
    vec<A, 2> av = ::metal_cuda::shfl(mask, a.e, int(::metal_cuda::frag_lane(r, k2)));
    vec<B, 2> b0 = ::metal_cuda::shfl(mask, b.e, int(::metal_cuda::frag_lane(k2, col)));
    vec<B, 2> b1 = ::metal_cuda::shfl(mask, b.e, int(::metal_cuda::frag_lane(k2 + 1, col)));
    acc0 = fmaf(float(av[0]), float(b0[0]), acc0);
    acc1 = fmaf(float(av[0]), float(b0[1]), acc1);
    acc0 = fmaf(float(av[1]), float(b1[0]), acc0);
    acc1 = fmaf(float(av[1]), float(b1[1]), acc1);
  }
  d.e[0] = D(acc0);
  d.e[1] = D(acc1);
}

template <class D, class A, class B>
TM_D void simdgroup_multiply(simdgroup_matrix<D, 8, 8>& d, const simdgroup_matrix<A, 8, 8>& a, const simdgroup_matrix<B, 8, 8>& b) {
  simdgroup_multiply_accumulate(d, a, b, make_filled_simdgroup_matrix<D, 8, 8>(D(0)));
}

}  // namespace metal
