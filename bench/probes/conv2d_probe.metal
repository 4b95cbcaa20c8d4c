// Ceiling probe: a hand-written implicit-GEMM 3x3 convolution (stride 1, padding 1) with fused bias and ReLU, the
// structure of bench/probes/gemm_probe.metal applied to the im2col matrix gathered on the fly.
// Out[n, k, oh, ow] (half) = relu(bias[k] + sum over c, r, s of X[n, c, oh + r - 1, ow + s - 1] * W[k, c, r, s]),
// X, W and Out NCHW / KCRS contiguous: the GEMM [N*H*W pixels, C*9] x [C*9, K], reduction index c * 9 + r * 3 + s.
//   * threadgroup of 4 simdgroups as 2 x 2, a 64 x 64 tile of (pixels, output channels): the 64 pixels of a tile
//     are one output row (W == 64), so the A tile of reduction step k is one input row shifted by s - 1; each
//     simdgroup owns 32 x 32 = 4 x 4 simdgroup_float8x8 accumulators in registers for the whole reduction;
//   * A staged transposed ([BK][64 pixels], pixels contiguous: coalesced 2-byte gathers, zero outside the image),
//     loaded with transpose; W staged as [64 channels][BK] with half4 vectors, loaded with transpose;
//     BK = 32, double-buffered: the next step's device loads are issued before the current multiplies, one
//     barrier per step; rows padded by 16 bytes;
//   * epilogue on the fragments: bias and ReLU through thread_elements() with Apple's lane map, stored with a
//     transposed simdgroup_store (Out's pixels are contiguous).
// Geometry is compile-time (as kernels/conv2d_igemm.py's constexprs); needs W == 64, K % 64 == 0, C * 9 % 32 == 0.
// Grid: (N * H * 64 / 64, K / 64) threadgroups of 128 threads.
#include <metal_stdlib>
using namespace metal;

// The device loads of reduction step K0 into registers (ra: this thread's A gathers, rb: its W vectors).
#define CONV_LOAD_STEP(K0)                                                                  \
    _Pragma("unroll") for (int i = 0; i < 16; ++i) {                                        \
        const int k = (K0) + kr0 + 2 * i;                                                   \
        const int c = k / 9, r = (k / 3) % 3, s = k % 3;                                    \
        const int ih = oh + r - 1, iw = ow + s - 1;                                         \
        ra[i] = (ih >= 0 && ih < H && iw >= 0 && iw < W) ? Xi[(c * H + ih) * W + iw] : half(0.0f); \
    }                                                                                       \
    _Pragma("unroll") for (int v = 0; v < 4; ++v) {                                         \
        const int idx = int(tid) + v * 128, row = idx / (BK / 4), cv = idx % (BK / 4);      \
        rb[v] = W4[((ch0 + row) * GK + (K0)) / 4 + cv];                                     \
    }

template <int NB, int C, int H, int K>
kernel void conv2d_probe(device const half* X [[buffer(0)]], device const half* Wt [[buffer(1)]], device const float* bias [[buffer(2)]],
                         device half* Out [[buffer(3)]], uint2 tg [[threadgroup_position_in_grid]],
                         uint tid [[thread_index_in_threadgroup]], uint sg [[simdgroup_index_in_threadgroup]],
                         uint lane [[thread_index_in_simdgroup]]) {
    constexpr int W = 64, BK = 32, GK = C * 9, PAD = 8;
    constexpr int LDA = 64 + PAD;             // A tile: BK rows (reduction) x 64 pixels
    constexpr int LDB = BK + PAD;             // W tile: 64 rows (channels) x BK
    constexpr int A_ELEMS = BK * LDA, B_ELEMS = 64 * LDB;
    threadgroup float4 a_store[2 * A_ELEMS * 2 / 16];
    threadgroup float4 b_store[2 * B_ELEMS * 2 / 16];
    threadgroup half* As = reinterpret_cast<threadgroup half*>(&a_store[0]);
    threadgroup half* Bs = reinterpret_cast<threadgroup half*>(&b_store[0]);

    const int pix0 = int(tg.x) * 64, ch0 = int(tg.y) * 64;
    const int img = pix0 / (H * W), oh = (pix0 / W) % H;
    const int sm = int(sg) / 2, sn = int(sg) % 2;
    // A gathers: thread t takes pixel t % 64 of reduction rows t / 64 + 2 i (i < 16): each simdgroup instruction
    // reads 32 consecutive pixels of one input row.
    const int ow = int(tid) % 64, kr0 = int(tid) / 64;
    device const half* Xi = X + img * C * H * W;
    half ra[16];
    half4 rb[4];
    device const half4* W4 = reinterpret_cast<device const half4*>(Wt);

    simdgroup_float8x8 acc[4][4];
    #pragma unroll
    for (int i = 0; i < 4; ++i)
        #pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = make_filled_simdgroup_matrix<float, 8, 8>(0.0f);

    constexpr int steps = GK / BK;
    CONV_LOAD_STEP(0)
    for (int st = 0; st < steps; ++st) {
        threadgroup half* as = As + (st & 1) * A_ELEMS;
        threadgroup half* bs = Bs + (st & 1) * B_ELEMS;
        #pragma unroll
        for (int i = 0; i < 16; ++i) as[(kr0 + 2 * i) * LDA + ow] = ra[i];
        #pragma unroll
        for (int v = 0; v < 4; ++v) {
            const int idx = int(tid) + v * 128, row = idx / (BK / 4), cv = idx % (BK / 4);
            *reinterpret_cast<threadgroup half4*>(bs + row * LDB + cv * 4) = rb[v];
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
        if (st + 1 < steps) {
            CONV_LOAD_STEP((st + 1) * BK)
        }
        #pragma unroll
        for (int kk = 0; kk < BK; kk += 8) {
            simdgroup_half8x8 a[4], b[4];
            #pragma unroll
            for (int i = 0; i < 4; ++i) simdgroup_load(a[i], as, LDA, ulong2(sm * 32 + i * 8, kk), true);
            #pragma unroll
            for (int j = 0; j < 4; ++j) simdgroup_load(b[j], bs, LDB, ulong2(kk, sn * 32 + j * 8), true);
            #pragma unroll
            for (int i = 0; i < 4; ++i)
                #pragma unroll
                for (int j = 0; j < 4; ++j) simdgroup_multiply_accumulate(acc[i][j], a[i], b[j], acc[i][j]);
        }
        // The other buffer is written next step: its readers (step st - 1) finished before this step's barrier.
    }
    // Lane map of Apple's 8x8 fragments: this lane's elements are (row, col) and (row, col + 1).
    const int fcol = int(((lane / 4) & 2u) * 2 + (lane % 2) * 2);
    device half* Oi = Out + img * K * H * W + oh * W;
    #pragma unroll
    for (int j = 0; j < 4; ++j) {
        const int ch = ch0 + sn * 32 + j * 8 + fcol;
        const float b0 = bias[ch], b1 = bias[ch + 1];
        #pragma unroll
        for (int i = 0; i < 4; ++i) {
            simdgroup_half8x8 o;
            o.thread_elements()[0] = half(max(acc[i][j].thread_elements()[0] + b0, 0.0f));
            o.thread_elements()[1] = half(max(acc[i][j].thread_elements()[1] + b1, 0.0f));
            // Element (pixel p, channel c) goes to Oi[c * H * W + p]: the transposed store.
            simdgroup_store(o, Oi, H * W, ulong2(sm * 32 + i * 8, ch0 + sn * 32 + j * 8), true);
        }
    }
}

template [[host_name("conv2d_probe")]] kernel void conv2d_probe<16, 128, 64, 128>(
    device const half*, device const half*, device const float*, device half*, uint2, uint, uint, uint);
template [[host_name("conv2d_probe_small")]] kernel void conv2d_probe<1, 32, 64, 64>(
    device const half*, device const half*, device const float*, device half*, uint2, uint, uint, uint);
