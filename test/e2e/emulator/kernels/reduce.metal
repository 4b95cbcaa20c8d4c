// Threadgroup tree reduction: each thread sums a grid-strided slice, the threadgroup reduces in
// threadgroup memory with barriers, thread 0 writes the group's partial sum.
#include <metal_stdlib>
using namespace metal;

kernel void reduce_sum(device const float* in      [[buffer(0)]],
                       device float* partial       [[buffer(1)]],
                       constant uint& n            [[buffer(2)]],
                       threadgroup float* scratch  [[threadgroup(0)]],
                       uint tid   [[thread_index_in_threadgroup]],
                       uint tsize [[threads_per_threadgroup]],
                       uint gid   [[thread_position_in_grid]],
                       uint gsize [[threads_per_grid]],
                       uint group [[threadgroup_position_in_grid]])
{
    float acc = 0.0f;
    for (uint i = gid; i < n; i += gsize) {
        acc += in[i];
    }
    scratch[tid] = acc;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (uint stride = tsize / 2; stride > 0; stride >>= 1) {
        if (tid < stride) {
            scratch[tid] += scratch[tid + stride];
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    if (tid == 0) {
        partial[group] = scratch[0];
    }
}
