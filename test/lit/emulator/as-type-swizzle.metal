// RUN: rm -rf %t.cache
// RUN: env TRITON_METAL_CACHE_DIR=%t.cache %triton-metal emulate %s --entry k --buffer 0=u32:8:iota --buffer 1=u32:6 \
// RUN:   --grid 1 --threadgroup 2 --dump 1 --dump-count 6 | FileCheck %s
// as_type of a swizzle, which Apple's compiler accepts (`as_type<half4>(u.zw)`: the swizzle is the vector of
// its components): 16-byte words split into half4 halves, as wide-vector kernels do. Each u32 c of the input
// becomes c | c << 16; thread i writes u.w and u.z back through half4 / half2 and the high half of u.x.
// CHECK: buffer 1 (u32 x 6): 196611 131074 0 458759 393222 4
#include <metal_stdlib>
using namespace metal;

kernel void k(device const uint4* in [[buffer(0)]], device uint* out [[buffer(1)]], uint i [[thread_position_in_grid]]) {
    uint4 u = in[i] * 65537u;
    half4 h = as_type<half4>(u.zw);
    ushort2 s = as_type<ushort2>(u.x);
    out[3 * i + 0] = as_type<uint2>(h).y;
    out[3 * i + 1] = as_type<uint>(h.xy);
    out[3 * i + 2] = uint(s.y);
}
