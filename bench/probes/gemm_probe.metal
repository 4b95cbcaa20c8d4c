// Ceiling probe: a hand-written, register-blocked simdgroup GEMM with the structure of the best Apple kernels.
// C[M, N] (float) = A[M, K] * B[K, N], all row-major; T = float or half inputs, float accumulation.
//   * threadgroup of 4 simdgroups as 2 x 2, a 64 x 64 tile of C; each simdgroup owns 32 x 32 = 4 x 4
//     simdgroup_float8x8 accumulators, held in registers for the whole K loop;
//   * operands staged in threadgroup memory, BK = 16 (float) / 32 (half) per step, double-buffered: the next
//     step's device loads (float4 / half4 vectors, coalesced) are issued before the current step's multiplies and
//     stored to the other buffer after them, one barrier per step;
//   * rows padded by 16 bytes against bank conflicts; with BT the B tile is stored transposed (N x BK), so a
//     B fragment is loaded with transpose (its columns are contiguous in threadgroup memory).
// Fragment loops are fully unrolled (#pragma unroll, as the best Apple kernels do), so the fragments stay in
// registers on the GPU and on the CUDA proxy.
// Needs M % 64 == 0, N % 64 == 0, K % BK == 0 (the probe measures a ceiling; edges are the compiler's job).
// Grid: (N / 64, M / 64) threadgroups of 128 threads.
#include <metal_stdlib>
using namespace metal;

template <typename T, typename V, int BK, bool BT>
kernel void gemm_probe(device const T* A [[buffer(0)]], device const T* B [[buffer(1)]], device float* C [[buffer(2)]],
                       constant int& M [[buffer(3)]], constant int& N [[buffer(4)]], constant int& K [[buffer(5)]],
                       uint2 tg [[threadgroup_position_in_grid]], uint tid [[thread_index_in_threadgroup]],
                       uint sg [[simdgroup_index_in_threadgroup]]) {
    constexpr int VE = sizeof(V) / sizeof(T);     // elements per staging vector (16 bytes for float, 8 for half)
    constexpr int PAD = 16 / sizeof(T);           // 16 bytes of padding per row
    constexpr int LDA = BK + PAD;                 // A tile: 64 rows x BK
    constexpr int LDB = BT ? BK + PAD : 64 + PAD; // B tile: 64 x BK (transposed) or BK x 64
    constexpr int A_ELEMS = 64 * LDA, B_ELEMS = BT ? 64 * LDB : BK * LDB;
    // 16-byte aligned storage (vector loads of fragment rows), two buffers each.
    threadgroup float4 a_store[2 * A_ELEMS * sizeof(T) / 16];
    threadgroup float4 b_store[2 * B_ELEMS * sizeof(T) / 16];
    threadgroup T* As = reinterpret_cast<threadgroup T*>(&a_store[0]);
    threadgroup T* Bs = reinterpret_cast<threadgroup T*>(&b_store[0]);

    const int row0 = int(tg.y) * 64, col0 = int(tg.x) * 64;
    const int sm = int(sg) / 2, sn = int(sg) % 2;
    // Staging: A tile 64 x BK and B tile BK x 64 as 16-byte vectors, 128 threads.
    constexpr int A_VECS = 64 * BK / VE, B_VECS = BK * 64 / VE;
    constexpr int A_PER = A_VECS / 128, B_PER = B_VECS / 128;
    V ra[A_PER], rb[B_PER];
    device const V* Av = reinterpret_cast<device const V*>(A);
    device const V* Bv = reinterpret_cast<device const V*>(B);
    const int lda_v = K / VE, ldb_v = N / VE;

    simdgroup_float8x8 acc[4][4];
    #pragma unroll
    for (int i = 0; i < 4; ++i)
        #pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = make_filled_simdgroup_matrix<float, 8, 8>(0.0f);

    const int steps = K / BK;
    // Load step 0 into registers, then into buffer 0.
    #pragma unroll
    for (int v = 0; v < A_PER; ++v) {
        int idx = int(tid) + v * 128, r = idx / (BK / VE), cv = idx % (BK / VE);
        ra[v] = Av[(row0 + r) * lda_v + cv];
    }
    #pragma unroll
    for (int v = 0; v < B_PER; ++v) {
        int idx = int(tid) + v * 128, r = idx / (64 / VE), cv = idx % (64 / VE);
        rb[v] = Bv[r * ldb_v + col0 / VE + cv];
    }
    for (int s = 0; s < steps; ++s) {
        const int buf = s & 1;
        threadgroup T* as = As + buf * A_ELEMS;
        threadgroup T* bs = Bs + buf * B_ELEMS;
        #pragma unroll
        for (int v = 0; v < A_PER; ++v) {
            int idx = int(tid) + v * 128, r = idx / (BK / VE), cv = idx % (BK / VE);
            *reinterpret_cast<threadgroup V*>(as + r * LDA + cv * VE) = ra[v];
        }
        #pragma unroll
        for (int v = 0; v < B_PER; ++v) {
            int idx = int(tid) + v * 128, r = idx / (64 / VE), cv = idx % (64 / VE);
            if (BT) {
                #pragma unroll
                for (int e = 0; e < VE; ++e) bs[(cv * VE + e) * LDB + r] = rb[v][e];
            } else {
                *reinterpret_cast<threadgroup V*>(bs + r * LDB + cv * VE) = rb[v];
            }
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
        // Issue the next step's device loads before this step's multiplies.
        if (s + 1 < steps) {
            const int k0 = (s + 1) * BK;
            #pragma unroll
            for (int v = 0; v < A_PER; ++v) {
                int idx = int(tid) + v * 128, r = idx / (BK / VE), cv = idx % (BK / VE);
                ra[v] = Av[(row0 + r) * lda_v + k0 / VE + cv];
            }
            #pragma unroll
            for (int v = 0; v < B_PER; ++v) {
                int idx = int(tid) + v * 128, r = idx / (64 / VE), cv = idx % (64 / VE);
                rb[v] = Bv[(k0 + r) * ldb_v + col0 / VE + cv];
            }
        }
        #pragma unroll
        for (int kk = 0; kk < BK; kk += 8) {
            simdgroup_matrix<T, 8, 8> a[4], b[4];
            #pragma unroll
            for (int i = 0; i < 4; ++i) simdgroup_load(a[i], as, LDA, ulong2(kk, sm * 32 + i * 8));
            #pragma unroll
            for (int j = 0; j < 4; ++j) {
                if (BT) simdgroup_load(b[j], bs, LDB, ulong2(kk, sn * 32 + j * 8), true);
                else simdgroup_load(b[j], bs, LDB, ulong2(sn * 32 + j * 8, kk));
            }
            #pragma unroll
            for (int i = 0; i < 4; ++i)
                #pragma unroll
                for (int j = 0; j < 4; ++j) simdgroup_multiply_accumulate(acc[i][j], a[i], b[j], acc[i][j]);
        }
        // The other buffer is written next step: its readers (step s - 1) finished before this step's barrier.
    }
    #pragma unroll
    for (int i = 0; i < 4; ++i)
        #pragma unroll
        for (int j = 0; j < 4; ++j)
            simdgroup_store(acc[i][j], C, N, ulong2(col0 + sn * 32 + j * 8, row0 + sm * 32 + i * 8));
}

template [[host_name("gemm_probe_f32")]] kernel void gemm_probe<float, float4, 16, false>(
    device const float*, device const float*, device float*, constant int&, constant int&, constant int&, uint2, uint, uint);
template [[host_name("gemm_probe_f32_bt")]] kernel void gemm_probe<float, float4, 16, true>(
    device const float*, device const float*, device float*, constant int&, constant int&, constant int&, uint2, uint, uint);
template [[host_name("gemm_probe_f16")]] kernel void gemm_probe<half, half4, 32, false>(
    device const half*, device const half*, device float*, constant int&, constant int&, constant int&, uint2, uint, uint);
template [[host_name("gemm_probe_f16_bt")]] kernel void gemm_probe<half, half4, 32, true>(
    device const half*, device const half*, device float*, constant int&, constant int&, constant int&, uint2, uint, uint);
