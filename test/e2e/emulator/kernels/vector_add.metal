// float4 vector add in the common style: one float4 per thread, a scalar tail handled by the last threads.
#include <metal_stdlib>
using namespace metal;

struct Params {
    uint n;        // number of floats
    float alpha;
};

kernel void vector_add(device const float4* a [[buffer(0)]],
                       device const float4* b [[buffer(1)]],
                       device float4* out     [[buffer(2)]],
                       constant Params& p     [[buffer(3)]],
                       uint gid [[thread_position_in_grid]])
{
    uint n4 = p.n / 4;
    if (gid < n4) {
        out[gid] = a[gid] + p.alpha * b[gid];
    } else if (gid == n4) {
        // scalar tail
        device const float* as = (device const float*)a;
        device const float* bs = reinterpret_cast<device const float*>(b);
        device float* os = (device float*)out;
        for (uint i = n4 * 4; i < p.n; ++i) {
            os[i] = as[i] + p.alpha * bs[i];
        }
    }
}
