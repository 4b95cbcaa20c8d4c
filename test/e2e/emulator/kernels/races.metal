// Kernels for the race detector (racecheck_test.cpp): planted races, and the same code made correct.
#include <metal_stdlib>
using namespace metal;

// Each thread writes its slot and reads its neighbour's; `sync` selects the synchronization in between:
// 0 none (a race), 1 threadgroup_barrier, 2 simdgroup_barrier (enough only when the neighbour is in the
// same simdgroup).
kernel void neighbour(device const float* in [[buffer(0)]],
                      device float* out [[buffer(1)]],
                      constant uint& sync [[buffer(2)]],
                      threadgroup float* slots [[threadgroup(0)]],
                      uint tid [[thread_index_in_threadgroup]],
                      uint n [[threads_per_threadgroup]]) {
    slots[tid] = in[tid];
    if (sync == 1) threadgroup_barrier(mem_flags::mem_threadgroup);
    if (sync == 2) simdgroup_barrier(mem_flags::mem_threadgroup);
    uint next = (tid / 32) * 32 + (tid + 1) % min(n, 32u);
    out[tid] = slots[next];
}

// Every thread writes device memory out[0]: a write-write race between threads of a threadgroup.
kernel void same_output(device float* out [[buffer(0)]], uint tid [[thread_index_in_threadgroup]]) {
    out[0] = float(tid) + 1.0f;
}

// A threadgroup histogram with atomics, then read after a barrier: no race.
kernel void histogram(device const uint* in [[buffer(0)]],
                      device uint* out [[buffer(1)]],
                      uint tid [[thread_index_in_threadgroup]]) {
    threadgroup atomic_uint bins[4];
    if (tid < 4) atomic_store_explicit(&bins[tid], 0u, memory_order_relaxed);
    threadgroup_barrier(mem_flags::mem_threadgroup);
    atomic_fetch_add_explicit(&bins[in[tid] % 4], 1u, memory_order_relaxed);
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (tid < 4) out[tid] = atomic_load_explicit(&bins[tid], memory_order_relaxed);
}

// A threadgroup array written by thread 0 and read by all: without a barrier (sync 0, a race), with a
// threadgroup_barrier (1), or with a simdgroup_barrier (2: orders simdgroup 0 only, a race with the others).
kernel void broadcast(device const float* in [[buffer(0)]],
                      device float* out [[buffer(1)]],
                      constant uint& sync [[buffer(2)]],
                      uint tid [[thread_index_in_threadgroup]]) {
    threadgroup float value[1];
    if (tid == 0) value[0] = in[0] * 3.0f;
    if (sync == 1) threadgroup_barrier(mem_flags::mem_threadgroup);
    if (sync == 2) simdgroup_barrier(mem_flags::mem_threadgroup);
    out[tid] = value[0];
}
