// Atomic histogram: per-threadgroup bins in threadgroup memory (atomic_uint), merged into the device
// histogram with atomic_fetch_add_explicit; also an atomic_float sum of the inputs.
#include <metal_stdlib>
using namespace metal;

constant constexpr uint BINS = 64;

kernel void histogram(device const float* values   [[buffer(0)]],
                      device atomic_uint* hist     [[buffer(1)]],
                      device atomic_float* total   [[buffer(2)]],
                      constant uint& n             [[buffer(3)]],
                      uint gid   [[thread_position_in_grid]],
                      uint gsize [[threads_per_grid]],
                      uint tid   [[thread_index_in_threadgroup]],
                      uint tsize [[threads_per_threadgroup]])
{
    threadgroup atomic_uint local_bins[BINS];
    for (uint b = tid; b < BINS; b += tsize) {
        atomic_store_explicit(&local_bins[b], 0u, memory_order_relaxed);
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    float sum = 0.0f;
    for (uint i = gid; i < n; i += gsize) {
        float v = values[i];                       // in [0, 1)
        uint bin = min(uint(v * float(BINS)), BINS - 1);
        atomic_fetch_add_explicit(&local_bins[bin], 1u, memory_order_relaxed);
        sum += v;
    }
    atomic_fetch_add_explicit(total, sum, memory_order_relaxed);
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (uint b = tid; b < BINS; b += tsize) {
        uint count = atomic_load_explicit(&local_bins[b], memory_order_relaxed);
        if (count != 0) {
            atomic_fetch_add_explicit(&hist[b], count, memory_order_relaxed);
        }
    }
}
