// Layer norm over rows of half values with float accumulation, written the way public Metal code often
// is: macros, no `using namespace`, metal:: qualified calls, half4 vector loads with a scalar tail,
// thread-private arrays, a switch, static_cast, simd_sum plus a threadgroup array across simdgroups.
#include <metal_stdlib>

#define SIMD_SIZE 32
#define MAX_SIMDGROUPS 32
#define EPS 1e-5f

struct LayerNormArgs {
    uint rows;
    uint cols;
    int mode;      // 0: normalize only, 1: scale by weight, 2: scale and shift
};

kernel void layer_norm_f16(device const half* x          [[buffer(0)]],
                           device const half* weight     [[buffer(1)]],
                           device const half* bias       [[buffer(2)]],
                           device half* y                [[buffer(3)]],
                           constant LayerNormArgs& args  [[buffer(4)]],
                           uint row                      [[threadgroup_position_in_grid]],
                           uint tid                      [[thread_index_in_threadgroup]],
                           uint tsize                    [[threads_per_threadgroup]],
                           uint simd_lane                [[thread_index_in_simdgroup]],
                           uint simd_group               [[simdgroup_index_in_threadgroup]])
{
    threadgroup float partial[MAX_SIMDGROUPS];
    const uint cols = args.cols;
    device const half* xr = x + static_cast<ulong>(row) * cols;
    device half* yr = y + static_cast<ulong>(row) * cols;

    float sums[2] = {0.0f, 0.0f};   // sum, sum of squares
    const uint vec_cols = cols / 4;
    device const half4* xr4 = reinterpret_cast<device const half4*>(xr);
    for (uint i = tid; i < vec_cols; i += tsize) {
        float4 v = float4(xr4[i]);
        sums[0] += v.x + v.y + v.z + v.w;
        sums[1] += metal::dot(v, v);
    }
    for (uint i = vec_cols * 4 + tid; i < cols; i += tsize) {
        float v = float(xr[i]);
        sums[0] += v;
        sums[1] += v * v;
    }

    float stats[2];
    #pragma unroll
    for (int k = 0; k < 2; ++k) {
        float s = metal::simd_sum(sums[k]);
        if (simd_lane == 0) partial[simd_group] = s;
        metal::threadgroup_barrier(metal::mem_flags::mem_threadgroup);
        uint nsg = (tsize + SIMD_SIZE - 1) / SIMD_SIZE;
        s = simd_lane < nsg ? partial[simd_lane] : 0.0f;
        stats[k] = metal::simd_sum(s);
        metal::threadgroup_barrier(metal::mem_flags::mem_threadgroup);
    }
    const float mean = stats[0] / float(cols);
    const float var = metal::max(stats[1] / float(cols) - mean * mean, 0.0f);
    const float inv_std = metal::precise::rsqrt(var + EPS);

    for (uint i = tid; i < cols; i += tsize) {
        float v = (float(xr[i]) - mean) * inv_std;
        switch (args.mode) {
            case 2:
                v = v * float(weight[i]) + float(bias[i]);
                break;
            case 1:
                v *= float(weight[i]);
                break;
            default:
                break;
        }
        yr[i] = static_cast<half>(v);
    }
}
