// GEMM with simdgroup matrices: a threadgroup of 4 simdgroups computes a 16x16 tile of C = A * B, each
// simdgroup one 8x8 block. K-slices of A (16x8) and B (8x16) are staged in threadgroup memory with
// zero padding, loaded with simdgroup_load (B transposed from a K-major copy to exercise transpose),
// multiplied with float accumulation, and the result goes back through threadgroup memory so edges of
// any M, N, K are handled. Instantiated for float, half and bfloat inputs.
#include <metal_stdlib>
using namespace metal;

struct GemmDims {
    uint M, N, K;
};

template <typename T>
kernel void gemm(device const T* A     [[buffer(0)]],
                 device const T* B     [[buffer(1)]],
                 device float* C       [[buffer(2)]],
                 constant GemmDims& d  [[buffer(3)]],
                 uint2 group [[threadgroup_position_in_grid]],
                 uint tid    [[thread_index_in_threadgroup]],
                 uint sg     [[simdgroup_index_in_threadgroup]])
{
    threadgroup T As[16 * 8];    // 16 rows x 8 k
    threadgroup T BsT[16 * 8];   // B slice stored transposed: 16 columns x 8 k
    threadgroup float Cs[16][16];
    const uint row0 = group.y * 16, col0 = group.x * 16;
    const uint sr = (sg / 2) * 8, sc = (sg % 2) * 8;   // this simdgroup's block in the tile

    simdgroup_matrix<float, 8, 8> acc = make_filled_simdgroup_matrix<float, 8, 8>(0.0f);
    for (uint k0 = 0; k0 < d.K; k0 += 8) {
        // 128 threads stage 128 elements of each slice.
        uint r = tid / 8, k = tid % 8;
        As[r * 8 + k] = (row0 + r < d.M && k0 + k < d.K) ? A[(row0 + r) * d.K + k0 + k] : T(0);
        uint c = tid / 8;
        BsT[c * 8 + k] = (k0 + k < d.K && col0 + c < d.N) ? B[(k0 + k) * d.N + col0 + c] : T(0);
        threadgroup_barrier(mem_flags::mem_threadgroup);

        simdgroup_matrix<T, 8, 8> a;
        simdgroup_matrix<T, 8, 8> b;
        simdgroup_load(a, As, 8, ulong2(0, sr));
        simdgroup_load(b, BsT, 8, ulong2(0, sc), true);
        simdgroup_multiply_accumulate(acc, a, b, acc);
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    simdgroup_store(acc, &Cs[0][0], 16, ulong2(sc, sr));
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (uint i = tid; i < 256; i += 128) {
        uint r = i / 16, c = i % 16;
        if (row0 + r < d.M && col0 + c < d.N) {
            C[(row0 + r) * d.N + col0 + c] = Cs[r][c];
        }
    }
}

template [[host_name("gemm_f32")]] kernel void gemm<float>(device const float*, device const float*, device float*, constant GemmDims&, uint2, uint, uint);
template [[host_name("gemm_f16")]] kernel void gemm<half>(device const half*, device const half*, device float*, constant GemmDims&, uint2, uint, uint);
template [[host_name("gemm_bf16")]] kernel void gemm<bfloat>(device const bfloat*, device const bfloat*, device float*, constant GemmDims&, uint2, uint, uint);
