// RUN: rm -rf %t.cache
// RUN: env TRITON_METAL_CACHE_DIR=%t.cache %triton-metal emulate %s --entry k --buffer 0=i32:64 --threadgroup 32 \
// RUN:   --dump 0 --dump-count 64 | FileCheck %s
// simd_shuffle_and_fill_down over the simdgroup, and _up within groups of 8 lanes (modulo 8): lanes shifted
// past a group's edge take the filling value from the other end of the group.
// CHECK: buffer 0 (i32 x 64): 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 100 101 105 106 107 0 1 2 3 4 113 114 115 8 9 10 11 12 121 122 123 16 17 18 19 20 129 130 131 24 25 26 27 28
#include <metal_stdlib>
using namespace metal;

kernel void k(device int* out [[buffer(0)]], uint lane [[thread_index_in_simdgroup]]) {
    int d = int(lane), f = 100 + int(lane);
    out[lane] = simd_shuffle_and_fill_down(d, f, 2);
    out[32 + lane] = simd_shuffle_and_fill_up(d, f, 3, 8);
}
