// Copies and transposes with arbitrary strides (the shape of general strided copy kernels).
#include <metal_stdlib>
#include "corpus/ops.h"
using namespace metal;

// 2-D copy from a strided source into a contiguous destination.
template <typename T>
[[kernel]] void copy_g2(device const T* src [[buffer(0)]], device T* dst [[buffer(1)]],
                        constant const int64_t src_strides[2] [[buffer(2)]], uint2 pos [[thread_position_in_grid]],
                        uint2 grid [[threads_per_grid]]) {
  auto src_idx = pos.x * src_strides[1] + pos.y * src_strides[0];
  dst[pos.y * grid.x + pos.x] = src[src_idx];
}
template [[host_name("copy_g2_float32")]] [[kernel]] decltype(copy_g2<float>) copy_g2<float>;
template [[host_name("copy_g2_int32")]] [[kernel]] decltype(copy_g2<int>) copy_g2<int>;

// N-d strided gather into contiguous memory: shape and strides as constant arrays of runtime length.
kernel void copy_nd(device const float* src [[buffer(0)]], device float* dst [[buffer(1)]],
                    constant const int* shape [[buffer(2)]], constant const int64_t* strides [[buffer(3)]],
                    constant const int& ndim [[buffer(4)]], uint gid [[thread_position_in_grid]]) {
  dst[gid] = src[corpus::elem_to_loc(gid, shape, strides, ndim)];
}

// Tiled transpose through threadgroup memory (padding against bank conflicts), partial edge tiles.
constant constexpr int kTile = 16;
kernel void transpose_tiled(device const float* in [[buffer(0)]], device float* out [[buffer(1)]],
                            constant uint2& dims [[buffer(2)]], uint2 tid [[thread_position_in_threadgroup]],
                            uint2 tg [[threadgroup_position_in_grid]]) {
  threadgroup float tile[kTile][kTile + 1];
  uint x = tg.x * kTile + tid.x, y = tg.y * kTile + tid.y;  // dims = (cols, rows) of `in`
  if (x < dims.x && y < dims.y) tile[tid.y][tid.x] = in[y * dims.x + x];
  threadgroup_barrier(mem_flags::mem_threadgroup);
  uint ox = tg.y * kTile + tid.x, oy = tg.x * kTile + tid.y;
  if (ox < dims.y && oy < dims.x) out[oy * dims.y + ox] = tile[tid.x][tid.y];
}

// Row gather: out[r] = table[idx[r]], one threadgroup row per index, vectorized by float4.
kernel void gather_rows(device const float4* table [[buffer(0)]], device const uint* idx [[buffer(1)]],
                        device float4* out [[buffer(2)]], constant uint& row_vecs [[buffer(3)]],
                        uint2 pos [[thread_position_in_grid]]) {
  out[pos.y * row_vecs + pos.x] = table[idx[pos.y] * row_vecs + pos.x];
}
