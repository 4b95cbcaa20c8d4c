// Softmax, layer norm and RMS norm over rows, one threadgroup of 32 x k threads per row, in float, half
// and bfloat (bfloat math through the fast:: overloads of corpus/bf16_math.h).
#include <metal_stdlib>
#include "corpus/ops.h"
using namespace metal;

template <typename T>
METAL_FUNC float threadgroup_sum(float v, threadgroup float* scratch, uint lane, uint sg, uint nsg) {
  v = simd_sum(v);
  if (lane == 0) scratch[sg] = v;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  float t = lane < nsg ? scratch[lane] : 0.0;
  t = simd_sum(t);
  threadgroup_barrier(mem_flags::mem_threadgroup);
  return t;
}

METAL_FUNC float threadgroup_max(float v, threadgroup float* scratch, uint lane, uint sg, uint nsg) {
  v = simd_max(v);
  if (lane == 0) scratch[sg] = v;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  float t = lane < nsg ? scratch[lane] : -INFINITY;
  t = simd_max(t);
  threadgroup_barrier(mem_flags::mem_threadgroup);
  return t;
}

#define ROW_ARGS                                                                                      \
  uint row [[threadgroup_position_in_grid]], uint lid [[thread_position_in_threadgroup]],             \
      uint tgs [[threads_per_threadgroup]], uint lane [[thread_index_in_simdgroup]],                  \
      uint sg [[simdgroup_index_in_threadgroup]], uint nsg [[simdgroups_per_threadgroup]]

template <typename T>
[[kernel]] void softmax(device const T* in, device T* out, constant int& axis_size, ROW_ARGS) {
  threadgroup float scratch[32];
  device const T* x = in + row * axis_size;
  float m = -INFINITY;
  for (int c = lid; c < axis_size; c += tgs) m = max(m, float(x[c]));
  m = threadgroup_max(m, scratch, lane, sg, nsg);
  float s = 0;
  for (int c = lid; c < axis_size; c += tgs) s += fast::exp(float(x[c]) - m);
  s = threadgroup_sum<T>(s, scratch, lane, sg, nsg);
  for (int c = lid; c < axis_size; c += tgs) out[row * axis_size + c] = static_cast<T>(fast::exp(float(x[c]) - m) / s);
}
template [[host_name("softmax_float32")]] [[kernel]] decltype(softmax<float>) softmax<float>;
template [[host_name("softmax_float16")]] [[kernel]] decltype(softmax<half>) softmax<half>;

template <typename T>
[[kernel]] void layer_norm(device const T* in [[buffer(0)]], device const T* w [[buffer(1)]], device const T* b [[buffer(2)]],
                           device T* out [[buffer(3)]], constant float& eps [[buffer(4)]], constant uint& n [[buffer(5)]], ROW_ARGS) {
  threadgroup float scratch[32];
  float s = 0;
  for (uint c = lid; c < n; c += tgs) s += float(in[row * n + c]);
  float mean = threadgroup_sum<T>(s, scratch, lane, sg, nsg) / n;
  float v = 0;
  for (uint c = lid; c < n; c += tgs) {
    float d = float(in[row * n + c]) - mean;
    v += d * d;
  }
  float inv = metal::precise::rsqrt(threadgroup_sum<T>(v, scratch, lane, sg, nsg) / n + eps);
  for (uint c = lid; c < n; c += tgs)
    out[row * n + c] = static_cast<T>((float(in[row * n + c]) - mean) * inv * float(w[c]) + float(b[c]));
}
template [[host_name("layer_norm_float32")]] [[kernel]] decltype(layer_norm<float>) layer_norm<float>;

template <typename T>
[[kernel]] void rms_norm(device const T* in [[buffer(0)]], device const T* w [[buffer(1)]], device T* out [[buffer(2)]],
                         constant float& eps [[buffer(3)]], constant uint& n [[buffer(4)]], ROW_ARGS) {
  threadgroup float scratch[32];
  float ss = 0;
  for (uint c = lid; c < n; c += tgs) ss += float(in[row * n + c]) * float(in[row * n + c]);
  T inv = static_cast<T>(fast::rsqrt(threadgroup_sum<T>(ss, scratch, lane, sg, nsg) / n + eps));
  for (uint c = lid; c < n; c += tgs) out[row * n + c] = static_cast<T>(float(in[row * n + c]) * float(inv) * float(w[c]));
}
template [[host_name("rms_norm_float32")]] [[kernel]] decltype(rms_norm<float>) rms_norm<float>;
template [[host_name("rms_norm_bfloat16")]] [[kernel]] decltype(rms_norm<bfloat>) rms_norm<bfloat>;

// Rotary position embedding: traditional (adjacent pairs) or split-halves, over (token, head_dim) rows.
template <typename T, bool Traditional>
[[kernel]] void rope(device const T* in [[buffer(0)]], device T* out [[buffer(1)]], constant int& offset [[buffer(2)]],
                     constant float& base [[buffer(3)]], constant int& dims [[buffer(4)]],
                     uint2 pos [[thread_position_in_grid]]) {
  // pos.x: pair index in [0, dims/2), pos.y: token.
  int half_dims = dims / 2;
  float theta = float(int(pos.y) + offset) * metal::exp2(-float(pos.x) / half_dims * metal::log2(base));
  float c = metal::precise::cos(theta), s = metal::precise::sin(theta);
  uint i0 = Traditional ? 2 * pos.x : pos.x, i1 = Traditional ? 2 * pos.x + 1 : pos.x + half_dims;
  float x0 = float(in[pos.y * dims + i0]), x1 = float(in[pos.y * dims + i1]);
  out[pos.y * dims + i0] = static_cast<T>(x0 * c - x1 * s);
  out[pos.y * dims + i1] = static_cast<T>(x0 * s + x1 * c);
}
template [[host_name("rope_traditional_float32")]] [[kernel]] decltype(rope<float, true>) rope<float, true>;
template [[host_name("rope_neox_float32")]] [[kernel]] decltype(rope<float, false>) rope<float, false>;
