// simdgroup_matrix<T, 8, 8> (float, half, bfloat) and its functions, distributed over the 32 lanes of a
// simdgroup as on Apple GPUs: each lane holds two horizontally adjacent elements of the 8x8 tile, which
// thread_elements() returns as a `vec<T, 2>&`. The lane map is Apple's (lib/gpu/simdgroup_matrix_layout.h;
// the CUDA proxy uses the same one):
//   quad = lane / 4;  row = (quad & 4) + (lane / 2) % 4;  col = (quad & 2) * 2 + (lane % 2) * 2 (and col + 1).
// simdgroup_load, simdgroup_store and simdgroup_multiply(_accumulate) are simdgroup-wide operations: each
// starts with a rendezvous of every lane of the simdgroup (the emulator's collectives), so every lane's part
// of one operation happens before any lane's part of the next, as on the GPU where the simdgroup performs the
// operation once. Loads and stores move the lane's own two elements through checked pointers (bounds-checked
// and counted per element: 64 elements per simdgroup). A multiply exchanges the lanes' operand elements and
// each lane computes its two results: float accumulators, k in order 0..7, fused multiply-adds, rounded once
// to the result type (bit-identical to the CUDA proxy). The 8x8x8 products are counted per simdgroup.
// These operations need the simdgroup's 32 lanes: a partial simdgroup (threadgroup size not a multiple of 32)
// or a lane that returned is reported.
#pragma once

#include "metal_rt/pointers.h"
#include "metal_rt/simd.h"

namespace metal_rt {

inline unsigned frag_row(unsigned lane) { return ((lane / 4) & 4u) + (lane / 2) % 4; }
inline unsigned frag_col(unsigned lane) { return ((lane / 4) & 2u) * 2 + (lane % 2) * 2; }
// The lane holding (row, col) (col even): the inverse of the map above.
inline unsigned frag_lane(unsigned row, unsigned col) {
  return ((col >> 1) & 1u) | ((row & 1u) << 1) | (((row >> 1) & 1u) << 2) | (((col >> 2) & 1u) << 3) | (((row >> 2) & 1u) << 4);
}

inline unsigned current_lane() {
  ThreadCtx* c = g_hooks->current();
  return c ? c->lane : 0;
}

[[noreturn]] __attribute__((noinline)) inline void partial_simdgroup(const char* what, int line, unsigned lanes) {
  char thread[256], msg[768];
  describe_thread(thread, sizeof thread);
  snprintf(msg, sizeof msg, "kernel '%s': %s at line %d needs the 32 lanes of a simdgroup, but this simdgroup has %u "
           "(the simdgroup_matrix functions are simdgroup-wide; use a threadgroup size that is a multiple of 32), by %s",
           current_kernel(), what, line, lanes, thread);
  fail(msg);
}

// The rendezvous that starts every simdgroup-wide matrix operation (see the top comment); refuses partial
// simdgroups.
inline ThreadCtx* matrix_op_begin(int kind, int line, int col, const char* what) {
  ThreadCtx* c = g_hooks->current();
  if (!c) return nullptr;
  unsigned n = c->pos[3][0] * c->pos[3][1] * c->pos[3][2];
  unsigned lanes = n - c->simd_index * 32 < 32 ? n - c->simd_index * 32 : 32;
  if (lanes != 32) partial_simdgroup(what, line, lanes);
  if (kind == kSimdgroupBarrier) g_hooks->sync(c, kSimdgroupBarrier, line, col, what);
  return c;
}

}  // namespace metal_rt

namespace metal {

template <class T, int Cols, int Rows>
struct simdgroup_matrix {
  static_assert(Cols == 8 && Rows == 8, "the emulator supports 8x8 simdgroup matrices");
  vec<T, 2> e;  // this lane's elements: (frag_row, frag_col) and (frag_row, frag_col + 1)
  simdgroup_matrix() = default;
  // A diagonal matrix with d on the diagonal.
  explicit simdgroup_matrix(T d) {
    unsigned lane = metal_rt::current_lane();
    unsigned r = metal_rt::frag_row(lane), c = metal_rt::frag_col(lane);
    e[0] = r == c ? d : T(0);
    e[1] = r == c + 1 ? d : T(0);
  }
  vec<T, 2>& thread_elements() { return e; }
  const vec<T, 2>& thread_elements() const { return e; }
};
using simdgroup_float8x8 = simdgroup_matrix<float, 8, 8>;
using simdgroup_half8x8 = simdgroup_matrix<half, 8, 8>;
using simdgroup_bfloat8x8 = simdgroup_matrix<bfloat, 8, 8>;

template <class T, int Cols, int Rows> simdgroup_matrix<T, Cols, Rows> make_filled_simdgroup_matrix(T v) {
  simdgroup_matrix<T, Cols, Rows> m;
  m.e = vec<T, 2>(v);
  return m;
}

// Element (r, c) of the tile is src[(origin.y + r) * elements_per_row + origin.x + c]; with transpose_matrix
// it is src[(origin.y + c) * elements_per_row + origin.x + r].
template <class T, class P>
void simdgroup_load(simdgroup_matrix<T, 8, 8>& d, P&& src, ulong elements_per_row = 8, vec<ulong, 2> matrix_origin = vec<ulong, 2>(0),
                    bool transpose_matrix = false, int line = __builtin_LINE(), int col = TM_COLUMN()) {
  metal_rt::ptr<const T> s(src);  // first: converting `&a[i]` to a pointer is not an access
  metal_rt::ThreadCtx* t = metal_rt::matrix_op_begin(metal_rt::kSimdgroupBarrier, line, col, "simdgroup_load");
  const unsigned lane = t ? t->lane : 0;
  const long long r = metal_rt::frag_row(lane), c = metal_rt::frag_col(lane), n = static_cast<long long>(elements_per_row);
  const long long base = static_cast<long long>(matrix_origin.y) * n + static_cast<long long>(matrix_origin.x);
  for (int k = 0; k < 2; ++k)
    d.e[k] = s.at(base + (transpose_matrix ? (c + k) * n + r : r * n + c + k), static_cast<unsigned>(line));
}

template <class T, class P>
void simdgroup_store(const simdgroup_matrix<T, 8, 8>& m, P&& dst, ulong elements_per_row = 8, vec<ulong, 2> matrix_origin = vec<ulong, 2>(0),
                     bool transpose_matrix = false, int line = __builtin_LINE(), int col = TM_COLUMN()) {
  metal_rt::ptr<T> s(dst);  // first: converting `&a[i]` to a pointer is not an access
  metal_rt::ThreadCtx* t = metal_rt::matrix_op_begin(metal_rt::kSimdgroupBarrier, line, col, "simdgroup_store");
  const unsigned lane = t ? t->lane : 0;
  const long long r = metal_rt::frag_row(lane), c = metal_rt::frag_col(lane), n = static_cast<long long>(elements_per_row);
  const long long base = static_cast<long long>(matrix_origin.y) * n + static_cast<long long>(matrix_origin.x);
  for (int k = 0; k < 2; ++k)
    s.at(base + (transpose_matrix ? (c + k) * n + r : r * n + c + k), static_cast<unsigned>(line)) = m.e[k];
}

template <class D, class A, class B, class C>
void simdgroup_multiply_accumulate(simdgroup_matrix<D, 8, 8>& d, const simdgroup_matrix<A, 8, 8>& a, const simdgroup_matrix<B, 8, 8>& b,
                                   const simdgroup_matrix<C, 8, 8>& c, int line = __builtin_LINE(), int col = TM_COLUMN()) {
  const char* what = "simdgroup_multiply_accumulate";
  metal_rt::ThreadCtx* t = metal_rt::matrix_op_begin(metal_rt::kSimdMatrix, line, col, what);
  struct operands { A a[2]; B b[2]; };
  operands mine{{a.e[0], a.e[1]}, {b.e[0], b.e[1]}};
  float acc0 = static_cast<float>(c.e[0]), acc1 = static_cast<float>(c.e[1]);
  if (!t) {  // outside a launch (no simdgroup): nothing to gather from
    d.e[0] = static_cast<D>(acc0);
    d.e[1] = static_cast<D>(acc1);
    return;
  }
  unsigned par = t->gen & 1u;
  t->gen++;
  __builtin_memcpy(t->simd->slot[par][t->lane], &mine, sizeof mine);
  metal_rt::g_hooks->sync(t, metal_rt::kSimdMatrix, line, col, what);
  if (t->simd->mask[par] != 0xffffffffu) {
    char thread[256], msg[768];
    metal_rt::describe_thread(thread, sizeof thread);
    snprintf(msg, sizeof msg, "kernel '%s': %s at line %d needs the 32 lanes of the simdgroup, but only the lanes of mask 0x%08x "
             "reached it (the others returned), by %s", t->kernel, what, line, t->simd->mask[par], thread);
    metal_rt::fail(msg);
  }
  const unsigned char (*slots)[metal_rt::kSlotBytes] = t->simd->slot[par];
  auto lane_ops = [&](unsigned l) {
    operands o;
    __builtin_memcpy(&o, slots[l], sizeof o);
    return o;
  };
  const unsigned r = metal_rt::frag_row(t->lane), cc = metal_rt::frag_col(t->lane);
  for (unsigned k2 = 0; k2 < 8; k2 += 2) {
    operands av = lane_ops(metal_rt::frag_lane(r, k2));
    operands b0 = lane_ops(metal_rt::frag_lane(k2, cc)), b1 = lane_ops(metal_rt::frag_lane(k2 + 1, cc));
    acc0 = __builtin_fmaf(static_cast<float>(av.a[0]), static_cast<float>(b0.b[0]), acc0);
    acc1 = __builtin_fmaf(static_cast<float>(av.a[0]), static_cast<float>(b0.b[1]), acc1);
    acc0 = __builtin_fmaf(static_cast<float>(av.a[1]), static_cast<float>(b1.b[0]), acc0);
    acc1 = __builtin_fmaf(static_cast<float>(av.a[1]), static_cast<float>(b1.b[1]), acc1);
  }
  d.e[0] = static_cast<D>(acc0);
  d.e[1] = static_cast<D>(acc1);
}

template <class D, class A, class B>
void simdgroup_multiply(simdgroup_matrix<D, 8, 8>& d, const simdgroup_matrix<A, 8, 8>& a, const simdgroup_matrix<B, 8, 8>& b,
                        int line = __builtin_LINE(), int col = TM_COLUMN()) {
  simdgroup_multiply_accumulate(d, a, b, make_filled_simdgroup_matrix<D, 8, 8>(D(0)), line, col);
  (void)col;
}

}  // namespace metal
