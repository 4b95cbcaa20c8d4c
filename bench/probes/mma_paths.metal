// Every operand path of simdgroup_multiply_accumulate in one simdgroup (the CUDA proxy's bit-identity check
// against the emulator): operands loaded from device memory plain and transposed (the proxy's memory views),
// products used again as the A and as the B operand (its shuffle path), a diagonal and a filled matrix, and
// misaligned rows (scalar loads). T = float or half operands, float results. One threadgroup of 32 threads.
#include <metal_stdlib>
using namespace metal;

template <typename T>
kernel void mma_paths(device const T* A [[buffer(0)]], device const T* B [[buffer(1)]], device float* Out [[buffer(2)]]) {
    simdgroup_matrix<T, 8, 8> a, b, at, bt, am;
    simdgroup_load(a, A, 8);
    simdgroup_load(b, B, 8);
    simdgroup_load(at, A, 8, ulong2(0, 0), true);
    simdgroup_load(bt, B, 8, ulong2(0, 0), true);
    simdgroup_load(am, A + 1, 9);  // rows of 9 elements from an odd offset: no vector loads
    simdgroup_float8x8 p, q, r, s, t, u;
    simdgroup_multiply(p, a, b);                               // both from memory
    simdgroup_multiply_accumulate(q, at, bt, p);               // transposed loads, accumulator from registers
    simdgroup_store(p, Out + 6 * 64, 8);                       // scratch, read back below
    simdgroup_multiply(r, p, b);                               // A operand produced in registers
    simdgroup_multiply(s, a, q);                               // B operand produced in registers
    simdgroup_multiply_accumulate(t, simdgroup_float8x8(1.5f), q, make_filled_simdgroup_matrix<float, 8, 8>(0.25f));
    simdgroup_multiply_accumulate(u, am, r, s);
    simdgroup_store(p, Out, 8);
    simdgroup_store(q, Out + 64, 8);
    simdgroup_store(r, Out + 128, 8);
    simdgroup_store(s, Out + 192, 8);
    simdgroup_store(t, Out + 256, 8);
    simdgroup_store(u, Out + 320, 8);
}

template [[host_name("mma_paths_f32")]] kernel void mma_paths<float>(device const float*, device const float*, device float*);
template [[host_name("mma_paths_f16")]] kernel void mma_paths<half>(device const half*, device const half*, device float*);
