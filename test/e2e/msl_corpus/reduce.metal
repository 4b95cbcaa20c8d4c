// Row reductions (simdgroup + threadgroup), numeric_limits, a struct with address-space member functions,
// an atomic reduction, and inclusive/exclusive scans.
#include <metal_stdlib>
#include "corpus/ops.h"
using namespace metal;

template <typename T, typename U = typename corpus::AccumType<T>::type>
[[kernel]] void sum_rows(device const T* in [[buffer(0)]], device U* out [[buffer(1)]], constant uint& cols [[buffer(2)]],
                         uint row [[threadgroup_position_in_grid]], uint lid [[thread_position_in_threadgroup]],
                         uint tgs [[threads_per_threadgroup]], uint lane [[thread_index_in_simdgroup]],
                         uint sg [[simdgroup_index_in_threadgroup]]) {
  threadgroup U partial[corpus::kSimdSize];
  U acc = 0;
  for (uint c = lid; c < cols; c += tgs) acc += static_cast<U>(in[row * cols + c]);
  acc = simd_sum(acc);
  if (lane == 0) partial[sg] = acc;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  if (sg == 0) {
    U v = lane < (tgs + 31) / 32 ? partial[lane] : U(0);
    v = simd_sum(v);
    if (lane == 0) out[row] = v;
  }
}
template [[host_name("sum_rows_float32")]] [[kernel]] decltype(sum_rows<float>) sum_rows<float>;
template [[host_name("sum_rows_int32")]] [[kernel]] decltype(sum_rows<int>) sum_rows<int>;

kernel void max_rows(device const half* in [[buffer(0)]], device float* out [[buffer(1)]], constant uint& cols [[buffer(2)]],
                     uint row [[threadgroup_position_in_grid]], uint lid [[thread_position_in_threadgroup]]) {
  float m = metal::numeric_limits<float>::lowest();
  if (cols == 0) m = -metal::numeric_limits<float>::infinity();
  for (uint c = lid; c < cols; c += 32) m = max(m, float(in[row * cols + c]));
  m = simd_max(m);
  if (lid == 0) out[row] = m;
}

// (value, index) pair with loads from either address space, the way reduction helpers are written.
struct ArgMax {
  float val;
  uint idx;
  METAL_FUNC ArgMax combine(ArgMax o) const thread { return o.val > val || (o.val == val && o.idx < idx) ? o : *this; }
  METAL_FUNC float value() const thread { return val; }
  METAL_FUNC float value() const threadgroup { return val; }
  METAL_FUNC float value() const device { return val; }
};

kernel void argmax_rows(device const float* in [[buffer(0)]], device uint* out [[buffer(1)]], constant uint& cols [[buffer(2)]],
                        uint row [[threadgroup_position_in_grid]], uint lid [[thread_position_in_threadgroup]]) {
  threadgroup ArgMax best[32];
  ArgMax a{corpus::lowest<float>(), 0u};
  for (uint c = lid; c < cols; c += 32) a = a.combine(ArgMax{in[row * cols + c], c});
  best[lid] = a;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  if (lid == 0) {
    ArgMax r = best[0];
    for (uint k = 1; k < 32; ++k) r = r.combine(best[k]);
    out[row] = best[0].value() > r.value() ? best[0].idx : r.idx;
  }
}

kernel void sum_all_atomic(device const float* in [[buffer(0)]], device atomic_float* total [[buffer(1)]],
                           uint gid [[thread_position_in_grid]], uint lane [[thread_index_in_simdgroup]]) {
  float s = simd_sum(in[gid]);
  if (lane == 0) atomic_fetch_add_explicit(total, s, memory_order_relaxed);
}

// Inclusive (or exclusive) prefix sum of each row of up to 1024 elements: simd scans plus a scan of the
// simdgroup totals.
template <typename T, bool Inclusive>
[[kernel]] void scan_rows(device const T* in [[buffer(0)]], device T* out [[buffer(1)]],
                          uint row [[threadgroup_position_in_grid]], uint lid [[thread_position_in_threadgroup]],
                          uint n [[threads_per_threadgroup]], uint lane [[thread_index_in_simdgroup]],
                          uint sg [[simdgroup_index_in_threadgroup]]) {
  threadgroup T totals[32];
  T x = in[row * n + lid];
  T incl = simd_prefix_inclusive_sum(x);
  if (lane == 31 || lid == n - 1) totals[sg] = incl;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  if (sg == 0) {
    T t = lane < (n + 31) / 32 ? totals[lane] : T(0);
    totals[lane] = simd_prefix_exclusive_sum(t);
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);
  T r = totals[sg] + (Inclusive ? incl : incl - x);
  out[row * n + lid] = r;
}
template [[host_name("cumsum_inclusive_float32")]] [[kernel]] decltype(scan_rows<float, true>) scan_rows<float, true>;
template [[host_name("cumsum_exclusive_int32")]] [[kernel]] decltype(scan_rows<int, false>) scan_rows<int, false>;
