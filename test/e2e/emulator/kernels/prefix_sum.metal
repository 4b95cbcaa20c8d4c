// Block-wise exclusive prefix sum: each threadgroup scans its block of threads_per_threadgroup elements
// with simd_prefix_exclusive_sum, then adds the exclusive scan of the simdgroup totals; the last thread
// writes the block total.
#include <metal_stdlib>
using namespace metal;

kernel void block_scan(device const int* in    [[buffer(0)]],
                       device int* out         [[buffer(1)]],
                       device int* block_sums  [[buffer(2)]],
                       constant uint& n        [[buffer(3)]],
                       uint gid  [[thread_position_in_grid]],
                       uint tid  [[thread_index_in_threadgroup]],
                       uint tsize [[threads_per_threadgroup]],
                       uint group [[threadgroup_position_in_grid]],
                       uint lane [[thread_index_in_simdgroup]],
                       uint sg   [[simdgroup_index_in_threadgroup]])
{
    threadgroup int totals[32];
    int v = gid < n ? in[gid] : 0;
    int x = simd_prefix_exclusive_sum(v);
    // The last active lane holds the simdgroup's total.
    int total = simd_broadcast(x + v, ushort(min(31u, tsize - 1 - sg * 32)));
    if (lane == 0) totals[sg] = total;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (sg == 0) {
        uint nsg = (tsize + 31) / 32;
        int t = lane < nsg ? totals[lane] : 0;
        totals[lane] = simd_prefix_exclusive_sum(t);
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    int result = x + totals[sg];
    if (gid < n) out[gid] = result;
    if (tid == tsize - 1) block_sums[group] = result + v;
}
