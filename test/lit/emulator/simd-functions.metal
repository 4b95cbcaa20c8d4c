// RUN: rm -rf %t.cache
// RUN: env TRITON_METAL_CACHE_DIR=%t.cache %triton-metal emulate %s --entry simd_functions \
// RUN:   --buffer 0=i32:64 --grid 1 --threadgroup 40 --dump 0 --dump-count 64 | FileCheck %s
// A 40-thread threadgroup is a full simdgroup and a partial one of 8 lanes (lanes 8..31 do not exist).
// CHECK: barriers 0, simd collectives 18
// CHECK: buffer 0 (i32 x 64): 496 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 30 28 28 6 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
#include <metal_stdlib>
using namespace metal;

kernel void simd_functions(device int* out [[buffer(0)]],
                           uint lane [[thread_index_in_simdgroup]],
                           uint sg [[simdgroup_index_in_threadgroup]])
{
    int v = int(lane);
    int sum = simd_sum(v);                        // 496 in simdgroup 0, 28 in simdgroup 1 (lanes 0..7)
    int prefix = simd_prefix_exclusive_sum(1);    // = lane
    int x1 = simd_shuffle_xor(v, 1);              // lane ^ 1 (simd_shuffle_down would read lane 8 of
                                                  // the partial simdgroup, which the emulator reports)
    int mx = simd_max(v);                         // 31 / 7
    int first = simd_broadcast_first(v * 3 + 1);  // 1
    bool all_small = simd_all(v < 16);            // false / true
    ulong ballot = ulong(simd_ballot(v % 2 == 0));
    int q = quad_sum(v);                          // lanes 0..3: 6
    int b = simd_broadcast(sum, 3);
    if (sg == 0) {
        out[lane + 1] = prefix;
        if (lane == 0) out[0] = sum;
        if (lane == 31) out[33] = x1;
    } else if (lane == 0) {
        out[34] = b;                                                            // 28
        out[35] = sum;                                                          // 28
        out[36] = q + mx + (all_small ? 1 : 0) + int(popcount(uint(ballot))) - 12;  // 6 + 7 + 1 + 4 - 12
        out[37] = first;                                                        // 1
    }
}
