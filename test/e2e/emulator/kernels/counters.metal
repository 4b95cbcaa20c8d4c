// Kernels with hand-countable traffic for the launch counters (counters_test.cpp).
#include <metal_stdlib>
using namespace metal;

// Per thread: 2 device reads of 4 bytes, 1 device write of 4; 2 threadgroup writes and 2 threadgroup reads of
// 4 bytes (an array and a [[threadgroup(0)]] buffer); 2 barriers per threadgroup.
kernel void tg_traffic(device const float* in [[buffer(0)]],
                       device float* out [[buffer(1)]],
                       threadgroup float* scratch [[threadgroup(0)]],
                       uint tid [[thread_index_in_threadgroup]],
                       uint gid [[thread_position_in_grid]],
                       uint n [[threads_per_threadgroup]]) {
    threadgroup float tile[64];
    tile[tid] = in[gid];
    scratch[tid] = 2.0f * in[gid];
    threadgroup_barrier(mem_flags::mem_threadgroup);
    out[gid] = tile[n - 1 - tid] + scratch[(tid + 1) % n];
    threadgroup_barrier(mem_flags::mem_threadgroup);
}

// Per simdgroup: 2 tile loads from device (2 x 256 bytes read), `steps` products, one store to threadgroup
// memory (256 bytes written) and one load back (256 bytes read), one store to device (256 bytes written);
// plus one threadgroup atomic per thread (4 bytes written).
kernel void mma_traffic(device const float* a [[buffer(0)]],
                        device const float* b [[buffer(1)]],
                        device float* c [[buffer(2)]],
                        device uint* count [[buffer(3)]],
                        constant uint& steps [[buffer(4)]],
                        uint tid [[thread_index_in_threadgroup]],
                        uint sg [[simdgroup_index_in_threadgroup]]) {
    threadgroup float staging[2][64];
    threadgroup atomic_uint arrived;
    if (tid == 0) atomic_store_explicit(&arrived, 0u, memory_order_relaxed);
    threadgroup_barrier(mem_flags::mem_threadgroup);
    atomic_fetch_add_explicit(&arrived, 1u, memory_order_relaxed);
    simdgroup_float8x8 ma, mb, acc = make_filled_simdgroup_matrix<float, 8, 8>(0.0f);
    simdgroup_load(ma, a + sg * 64, 8);
    simdgroup_load(mb, b + sg * 64, 8);
    for (uint s = 0; s < steps; ++s) simdgroup_multiply_accumulate(acc, ma, mb, acc);
    simdgroup_store(acc, &staging[sg][0], 8);
    simdgroup_load(acc, &staging[sg][0], 8);
    simdgroup_store(acc, c + sg * 64, 8);
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (tid == 0) count[0] = atomic_load_explicit(&arrived, memory_order_relaxed);
}
