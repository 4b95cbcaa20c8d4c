// GEMM with simdgroup matrices (threadgroup-staged 32x32 tiles, 4 simdgroups of 2x2 8x8 fragments), a
// simd-reduction GEMV, and a 4-bit quantized matrix-vector product with per-group scales and biases.
#include <metal_stdlib>
using namespace metal;

template <typename T, int BM = 32, int BN = 32, int BK = 16>
[[kernel]] void gemm_sg(device const T* A [[buffer(0)]], device const T* B [[buffer(1)]], device float* C [[buffer(2)]],
                        constant int3& mnk [[buffer(3)]], uint2 tg [[threadgroup_position_in_grid]],
                        uint lid [[thread_index_in_threadgroup]], uint sg [[simdgroup_index_in_threadgroup]]) {
  threadgroup T As[BM * BK];
  threadgroup T Bs[BK * BN];
  const int M = mnk.x, N = mnk.y, K = mnk.z;
  const int row0 = tg.y * BM, col0 = tg.x * BN;
  const int sr = (sg / 2) * 16, sc = (sg % 2) * 16;  // this simdgroup's 16x16 block
  simdgroup_matrix<float, 8, 8> acc[2][2];
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) acc[i][j] = make_filled_simdgroup_matrix<float, 8, 8>(0.0f);
  for (int k0 = 0; k0 < K; k0 += BK) {
    for (int e = lid; e < BM * BK; e += 128) {
      int r = e / BK, c = e % BK;
      As[e] = (row0 + r < M && k0 + c < K) ? A[(row0 + r) * K + k0 + c] : T(0);
    }
    for (int e = lid; e < BK * BN; e += 128) {
      int r = e / BN, c = e % BN;
      Bs[e] = (k0 + r < K && col0 + c < N) ? B[(k0 + r) * N + col0 + c] : T(0);
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int kk = 0; kk < BK; kk += 8) {
      simdgroup_matrix<T, 8, 8> a[2], b[2];
      for (int i = 0; i < 2; ++i) simdgroup_load(a[i], As + (sr + 8 * i) * BK + kk, BK);
      for (int j = 0; j < 2; ++j) simdgroup_load(b[j], Bs + kk * BN + sc + 8 * j, BN);
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) simdgroup_multiply_accumulate(acc[i][j], a[i], b[j], acc[i][j]);
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
  }
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      int r = row0 + sr + 8 * i, c = col0 + sc + 8 * j;
      if (r + 8 <= M && c + 8 <= N) simdgroup_store(acc[i][j], C + r * N + c, N);
    }
}
template [[host_name("gemm_sg_float32")]] [[kernel]] decltype(gemm_sg<float>) gemm_sg<float>;
template [[host_name("gemm_sg_float16")]] [[kernel]] decltype(gemm_sg<half>) gemm_sg<half>;

// y = A x: one simdgroup per row.
kernel void gemv(device const float* A [[buffer(0)]], device const float* x [[buffer(1)]], device float* y [[buffer(2)]],
                 constant uint& K [[buffer(3)]], uint row [[threadgroup_position_in_grid]], uint lane [[thread_index_in_simdgroup]]) {
  float s = 0;
  for (uint k = lane; k < K; k += 32) s = fma(A[row * K + k], x[k], s);
  s = simd_sum(s);
  if (simd_is_first()) y[row] = s;
}

// 4-bit weights, 8 per uint32 (low nibble first), groups of 32 along K with a scale and a bias each:
// w = scale * q + bias. One simdgroup per output row; each lane handles 8 consecutive weights at a time.
constant constexpr int kGroup = 32;
kernel void qmv_4bit(device const uint* wq [[buffer(0)]], device const float* scales [[buffer(1)]],
                     device const float* biases [[buffer(2)]], device const float* x [[buffer(3)]], device float* y [[buffer(4)]],
                     constant uint& K [[buffer(5)]], uint row [[threadgroup_position_in_grid]], uint lane [[thread_index_in_simdgroup]]) {
  const uint words = K / 8, groups = K / kGroup;
  float acc = 0;
  for (uint wi = lane; wi < words; wi += 32) {
    uint packed = wq[row * words + wi];
    uint g = (wi * 8) / kGroup;
    float sc = scales[row * groups + g], bi = biases[row * groups + g];
    device const float* xv = x + wi * 8;
    float xs = 0, dot = 0;
    for (int k = 0; k < 8; ++k) {
      float q = float((packed >> (4 * k)) & 0xfu);
      dot += q * xv[k];
      xs += xv[k];
    }
    acc += sc * dot + bi * xs;
  }
  acc = simd_sum(acc);
  if (lane == 0) y[row] = acc;
}

// Dequantize to half: out[i] = half(scale * q + bias).
kernel void dequant_4bit(device const uchar* wq [[buffer(0)]], device const half* scales [[buffer(1)]],
                         device const half* biases [[buffer(2)]], device half* out [[buffer(3)]], uint i [[thread_position_in_grid]]) {
  uchar byte = wq[i / 2];
  uint q = (i % 2 == 0) ? (byte & 0x0f) : (byte >> 4);
  uint g = i / kGroup;
  out[i] = half(float(scales[g]) * float(q) + float(biases[g]));
}

// One simdgroup per 8x8 output tile: C = relu(A B + bias[col]), with the epilogue applied to each lane's own
// two accumulator elements through thread_elements() (Apple's lane map gives their row and column).
kernel void gemm_bias_relu_8x8(device const float* A [[buffer(0)]], device const float* B [[buffer(1)]],
                               device const float* bias [[buffer(2)]], device float* C [[buffer(3)]],
                               constant int3& mnk [[buffer(4)]], uint2 tg [[threadgroup_position_in_grid]],
                               ushort lane [[thread_index_in_simdgroup]]) {
  const int N = mnk.y, K = mnk.z;
  const int r0 = tg.y * 8, c0 = tg.x * 8;
  simdgroup_float8x8 acc = make_filled_simdgroup_matrix<float, 8, 8>(0.0f);
  for (int k = 0; k < K; k += 8) {
    simdgroup_float8x8 a, b;
    simdgroup_load(a, A + r0 * K + k, K);
    simdgroup_load(b, B + k * N + c0, N);
    simdgroup_multiply_accumulate(acc, a, b, acc);
  }
  const ushort quad = lane / 4;
  const int col = (quad & 2) * 2 + (lane % 2) * 2;
  thread auto& e = acc.thread_elements();
  e = max(e + float2(bias[c0 + col], bias[c0 + col + 1]), 0.0f);
  simdgroup_store(acc, C + r0 * N + c0, N);
}
