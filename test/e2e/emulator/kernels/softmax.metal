// Row softmax: one threadgroup per row; each thread strides over the row, simd_max / simd_sum reduce
// within simdgroups and a small threadgroup array combines the simdgroups.
#include <metal_stdlib>
using namespace metal;

kernel void softmax_rows(device const float* x [[buffer(0)]],
                         device float* y       [[buffer(1)]],
                         constant uint2& shape [[buffer(2)]],   // (rows, cols)
                         uint row   [[threadgroup_position_in_grid]],
                         uint tid   [[thread_position_in_threadgroup]],
                         uint tsize [[threads_per_threadgroup]],
                         ushort lane [[thread_index_in_simdgroup]],
                         ushort sg   [[simdgroup_index_in_threadgroup]],
                         ushort nsg  [[simdgroups_per_threadgroup]])
{
    threadgroup float shared_max[32];
    threadgroup float shared_sum[32];
    const uint cols = shape.y;
    device const float* xr = x + row * cols;
    device float* yr = y + row * cols;

    float m = -INFINITY;
    for (uint c = tid; c < cols; c += tsize) {
        m = max(m, xr[c]);
    }
    m = simd_max(m);
    if (lane == 0) shared_max[sg] = m;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    m = lane < nsg ? shared_max[lane] : -INFINITY;
    m = simd_max(m);

    float s = 0.0f;
    for (uint c = tid; c < cols; c += tsize) {
        s += exp(xr[c] - m);
    }
    s = simd_sum(s);
    if (lane == 0) shared_sum[sg] = s;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    s = lane < nsg ? shared_sum[lane] : 0.0f;
    s = simd_sum(s);

    const float inv = 1.0f / s;
    for (uint c = tid; c < cols; c += tsize) {
        yr[c] = exp(xr[c] - m) * inv;
    }
}
