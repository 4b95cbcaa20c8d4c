// Tiled matrix multiply C = A * B (row-major, M x K times K x N) with TILE x TILE threadgroup tiles and
// barriers; edges are zero-padded so any M, N, K work.
#include <metal_stdlib>
using namespace metal;

constant constexpr uint TILE = 16;

struct Dims {
    uint M, N, K;
};

kernel void matmul_tiled(device const float* A [[buffer(0)]],
                         device const float* B [[buffer(1)]],
                         device float* C       [[buffer(2)]],
                         constant Dims& d      [[buffer(3)]],
                         uint2 gid [[thread_position_in_grid]],
                         uint2 tid [[thread_position_in_threadgroup]])
{
    threadgroup float As[TILE][TILE];
    threadgroup float Bs[TILE][TILE];
    const uint row = gid.y, col = gid.x;
    float acc = 0.0f;
    for (uint k0 = 0; k0 < d.K; k0 += TILE) {
        uint ak = k0 + tid.x, bk = k0 + tid.y;
        As[tid.y][tid.x] = (row < d.M && ak < d.K) ? A[row * d.K + ak] : 0.0f;
        Bs[tid.y][tid.x] = (bk < d.K && col < d.N) ? B[bk * d.N + col] : 0.0f;
        threadgroup_barrier(mem_flags::mem_threadgroup);
        for (uint k = 0; k < TILE; ++k) {
            acc = fma(As[tid.y][k], Bs[k][tid.x], acc);
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    if (row < d.M && col < d.N) {
        C[row * d.N + col] = acc;
    }
}
