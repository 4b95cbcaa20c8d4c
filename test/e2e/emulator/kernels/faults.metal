// Kernels that fault or never end (faults_test.cpp).
#include <metal_stdlib>
using namespace metal;

// out[i] = a[i] / b[i] and a[i] % b[i]; some b[i] are zero.
kernel void int_divide(device const int* a [[buffer(0)]],
                   device const int* b [[buffer(1)]],
                   device int* q [[buffer(2)]],
                   device int* r [[buffer(3)]],
                   uint i [[thread_position_in_grid]]) {
    q[i] = a[i] / b[i];
    r[i] = a[i] % b[i];
}

// The same through a barrier (the threads run as fibers), in unsigned arithmetic.
kernel void int_divide_fibers(device const uint* a [[buffer(0)]],
                          device const uint* b [[buffer(1)]],
                          device uint* q [[buffer(2)]],
                          uint i [[thread_position_in_grid]]) {
    threadgroup uint t[64];
    t[i % 64] = b[i];
    threadgroup_barrier(mem_flags::mem_threadgroup);
    q[i] = a[i] / t[i % 64];
}

// Never ends unless flag[0] == 12345 (it is not): a plain loop, and a loop with a barrier in it.
kernel void spin(device const int* flag [[buffer(0)]], device int* out [[buffer(1)]], uint i [[thread_position_in_grid]]) {
    int n = 0;
    while (flag[0] != 12345) n++;
    out[i] = n;
}
kernel void spin_barrier(device const int* flag [[buffer(0)]], device int* out [[buffer(1)]], uint i [[thread_position_in_grid]]) {
    int n = 0;
    while (flag[0] != 12345) {
        n++;
        threadgroup_barrier(mem_flags::mem_none);
    }
    out[i] = n;
}
