// Ceiling probe: a hand-written flash-attention forward with simdgroup matrices. O[bh] (float) =
// softmax(Q[bh] K[bh]^T * sm_scale [causal mask]) V[bh]; Q, K, V [BH, seq_len, D] half, row-major.
//   * threadgroup of 4 simdgroups, 64 query rows (16 per simdgroup: 2 x D/8 float accumulators of O in
//     registers for the whole key loop); Q staged once in threadgroup memory;
//   * per key block of BC keys: K and V tiles staged in threadgroup memory (8-byte vectors), S = Q K^T with K
//     fragments loaded transposed, S through a per-simdgroup scratch where two lanes per row take the row max
//     and sum (simd_shuffle_xor) and write P as half in place, O += P V;
//   * online softmax with lazy rescaling: a row's reference max moves only when the block max exceeds it by
//     more than 8 (in log2 units), so P <= 256 and O is rescaled (diag(alpha) * O, one simdgroup multiply per
//     fragment) only on those blocks; the final 1 / l the same way.
// The emulator has no thread_elements() yet, so row-wise work goes through threadgroup memory and diagonal
// multiplies instead of the fragments' registers; the structure is otherwise the register-resident one.
// Fragment loops are fully unrolled (#pragma unroll), so the fragments stay in registers.
// Needs seq_len % 64 == 0. Grid: (seq_len / 64, BH) threadgroups of 128 threads.
#include <metal_stdlib>
using namespace metal;

template <int D, int BC, bool CAUSAL>
kernel void attn_probe(device const half* Q [[buffer(0)]], device const half* K [[buffer(1)]], device const half* V [[buffer(2)]],
                       device float* O [[buffer(3)]], constant float& sm_scale [[buffer(4)]], constant int& seq_len [[buffer(5)]],
                       uint2 tg [[threadgroup_position_in_grid]], uint tid [[thread_index_in_threadgroup]],
                       uint sg [[simdgroup_index_in_threadgroup]], uint lane [[thread_index_in_simdgroup]]) {
    constexpr int BM = 64;
    constexpr int LDQ = D + 8, LDK = D + 8, LDV = D + 8;  // halves; 16 bytes of padding per row
    constexpr int LDS = BC + (D == 64 ? 4 : 0);           // floats per scratch row (P: 2 * LDS halves)
    threadgroup float4 q_store[BM * LDQ * 2 / 16];
    threadgroup float4 k_store[BC * LDK * 2 / 16];
    threadgroup float4 v_store[BC * LDV * 2 / 16];
    threadgroup float4 s_store[4 * 16 * LDS * 4 / 16];
    threadgroup float4 d_store[4 * 2 * 64 * 4 / 16];
    threadgroup half* Qs = reinterpret_cast<threadgroup half*>(&q_store[0]);
    threadgroup half* Ks = reinterpret_cast<threadgroup half*>(&k_store[0]);
    threadgroup half* Vs = reinterpret_cast<threadgroup half*>(&v_store[0]);
    threadgroup float* Ss = reinterpret_cast<threadgroup float*>(&s_store[0]) + sg * 16 * LDS;
    threadgroup half* Ps = reinterpret_cast<threadgroup half*>(Ss);
    threadgroup float* Dg = reinterpret_cast<threadgroup float*>(&d_store[0]) + sg * 128;  // two 8x8 diagonals

    const int bh = int(tg.y), q0 = int(tg.x) * BM;
    const int n = seq_len;
    device const half4* Q4 = reinterpret_cast<device const half4*>(Q + bh * n * D);
    device const half4* K4 = reinterpret_cast<device const half4*>(K + bh * n * D);
    device const half4* V4 = reinterpret_cast<device const half4*>(V + bh * n * D);
    for (int idx = int(tid); idx < BM * D / 4; idx += 128) {
        int r = idx / (D / 4), c = idx % (D / 4);
        *reinterpret_cast<threadgroup half4*>(Qs + r * LDQ + c * 4) = Q4[(q0 + r) * (D / 4) + c];
    }
    #pragma unroll
    for (int i = int(lane); i < 128; i += 32) Dg[i] = 0.0f;

    simdgroup_float8x8 o[2][D / 8];
    #pragma unroll
    for (int i = 0; i < 2; ++i)
        #pragma unroll
        for (int j = 0; j < D / 8; ++j) o[i][j] = make_filled_simdgroup_matrix<float, 8, 8>(0.0f);
    // Row state: lanes 2r and 2r + 1 hold row r of this simdgroup's 16 rows (each half of the block's columns).
    const int row = int(lane) / 2, part = int(lane) % 2;
    const int qrow = q0 + int(sg) * 16 + row;
    const float qk_scale = sm_scale * 1.4426950408889634f;
    float m_ref = -INFINITY, l = 0.0f;
    const int hi = CAUSAL ? min(n, q0 + BM) : n;

    for (int kb = 0; kb < hi; kb += BC) {
        threadgroup_barrier(mem_flags::mem_threadgroup);  // the previous block's K, V readers are done
        for (int idx = int(tid); idx < BC * D / 4; idx += 128) {
            int r = idx / (D / 4), c = idx % (D / 4);
            *reinterpret_cast<threadgroup half4*>(Ks + r * LDK + c * 4) = K4[(kb + r) * (D / 4) + c];
            *reinterpret_cast<threadgroup half4*>(Vs + r * LDV + c * 4) = V4[(kb + r) * (D / 4) + c];
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);

        simdgroup_float8x8 s[2][BC / 8];
        #pragma unroll
        for (int i = 0; i < 2; ++i)
            #pragma unroll
            for (int j = 0; j < BC / 8; ++j) s[i][j] = make_filled_simdgroup_matrix<float, 8, 8>(0.0f);
        #pragma unroll
        for (int kk = 0; kk < D; kk += 8) {
            simdgroup_half8x8 qa[2];
            #pragma unroll
            for (int i = 0; i < 2; ++i) simdgroup_load(qa[i], Qs, LDQ, ulong2(kk, sg * 16 + i * 8));
            #pragma unroll
            for (int j = 0; j < BC / 8; ++j) {
                simdgroup_half8x8 kt;
                simdgroup_load(kt, Ks, LDK, ulong2(kk, j * 8), true);
                #pragma unroll
                for (int i = 0; i < 2; ++i) simdgroup_multiply_accumulate(s[i][j], qa[i], kt, s[i][j]);
            }
        }
        #pragma unroll
        for (int i = 0; i < 2; ++i)
            #pragma unroll
            for (int j = 0; j < BC / 8; ++j) simdgroup_store(s[i][j], Ss, LDS, ulong2(j * 8, i * 8));
        simdgroup_barrier(mem_flags::mem_threadgroup);

        float x[BC / 2];
        float rmax = -INFINITY;
        #pragma unroll
        for (int t = 0; t < BC / 2; ++t) {
            int col = part * (BC / 2) + t;
            float v = Ss[row * LDS + col] * qk_scale;
            if (CAUSAL && kb + col > qrow) v = -INFINITY;
            x[t] = v;
            rmax = max(rmax, v);
        }
        rmax = max(rmax, simd_shuffle_xor(rmax, 1));
        const bool grow = rmax > m_ref + 8.0f;
        const bool rescale = grow && m_ref != -INFINITY;  // O is still zero before a row's first finite max
        const float m_new = grow ? rmax : m_ref;
        const float alpha = grow ? exp2(m_ref - m_new) : 1.0f;
        float psum = 0.0f;
        #pragma unroll
        for (int t = 0; t < BC / 2; ++t) {
            x[t] = exp2(x[t] - m_new);
            psum += x[t];
        }
        psum += simd_shuffle_xor(psum, 1);
        l = l * alpha + psum;
        m_ref = m_new;
        simdgroup_barrier(mem_flags::mem_threadgroup);  // every lane read its S row before P overwrites it
        #pragma unroll
        for (int t = 0; t < BC / 2; ++t) Ps[row * 2 * LDS + part * (BC / 2) + t] = half(x[t]);
        if (simd_any(rescale)) {
            if (part == 0) Dg[(row / 8) * 64 + (row % 8) * 9] = alpha;
            simdgroup_barrier(mem_flags::mem_threadgroup);
            #pragma unroll
            for (int i = 0; i < 2; ++i) {
                simdgroup_float8x8 da;
                simdgroup_load(da, Dg + i * 64, 8);
                #pragma unroll
                for (int j = 0; j < D / 8; ++j) simdgroup_multiply(o[i][j], da, o[i][j]);
            }
        }
        simdgroup_barrier(mem_flags::mem_threadgroup);

        #pragma unroll
        for (int k8 = 0; k8 < BC; k8 += 8) {
            simdgroup_half8x8 pa[2];
            #pragma unroll
            for (int i = 0; i < 2; ++i) simdgroup_load(pa[i], Ps, 2 * LDS, ulong2(k8, i * 8));
            #pragma unroll
            for (int j = 0; j < D / 8; ++j) {
                simdgroup_half8x8 vb;
                simdgroup_load(vb, Vs, LDV, ulong2(j * 8, k8));
                #pragma unroll
                for (int i = 0; i < 2; ++i) simdgroup_multiply_accumulate(o[i][j], pa[i], vb, o[i][j]);
            }
        }
    }
    simdgroup_barrier(mem_flags::mem_threadgroup);
    if (part == 0) Dg[(row / 8) * 64 + (row % 8) * 9] = 1.0f / l;
    simdgroup_barrier(mem_flags::mem_threadgroup);
    device float* Ob = O + bh * n * D;
    #pragma unroll
    for (int i = 0; i < 2; ++i) {
        simdgroup_float8x8 da;
        simdgroup_load(da, Dg + i * 64, 8);
        #pragma unroll
        for (int j = 0; j < D / 8; ++j) {
            simdgroup_multiply(o[i][j], da, o[i][j]);
            simdgroup_store(o[i][j], Ob, D, ulong2(j * 8, q0 + sg * 16 + i * 8));
        }
    }
}

#define ATTN_PROBE(NAME, D, BC, CAUSAL)                                                                                      \
    template [[host_name(NAME)]] kernel void attn_probe<D, BC, CAUSAL>(device const half*, device const half*, device const half*, \
                                                                       device float*, constant float&, constant int&, uint2, uint, uint, uint);
ATTN_PROBE("attn_probe_d64", 64, 32, false)
ATTN_PROBE("attn_probe_d64_causal", 64, 32, true)
ATTN_PROBE("attn_probe_d128", 128, 16, false)
ATTN_PROBE("attn_probe_d128_causal", 128, 16, true)
