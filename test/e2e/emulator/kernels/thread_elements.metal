// simdgroup_matrix::thread_elements(): each lane owns two horizontally adjacent elements of an 8x8
// fragment at Apple's lane map. The kernels compute the map themselves (as MLX and MetalFlashAttention do)
// and move data through thread_elements() only, or mix it with simdgroup_load/store/multiply.
#include <metal_stdlib>
using namespace metal;

inline ushort2 frag_coord(ushort lane) {  // (column, row) of the lane's first element
    const ushort quad = lane / 4;
    return ushort2((quad & 2) * 2 + (lane % 2) * 2, (quad & 4) + (lane / 2) % 4);
}

// out[r * 8 + c] = the lane number (and + 0.5 for the second element) that holds (r, c) after a store.
kernel void lane_map(device float* out [[buffer(0)]], ushort lane [[thread_index_in_simdgroup]]) {
    simdgroup_float8x8 m;
    m.thread_elements()[0] = float(lane);
    m.thread_elements()[1] = float(lane) + 0.5f;
    simdgroup_store(m, out, 8);
}

// Loads A and B with simdgroup_load, multiplies, then applies an epilogue elementwise through
// thread_elements (scale, bias by column, relu) and stores: out = relu(s * (A B) + bias[col]).
kernel void epilogue(device const float* a [[buffer(0)]],
                     device const float* b [[buffer(1)]],
                     device const float* bias [[buffer(2)]],
                     device float* out [[buffer(3)]],
                     constant float& s [[buffer(4)]],
                     ushort lane [[thread_index_in_simdgroup]],
                     ushort sg [[simdgroup_index_in_threadgroup]]) {
    simdgroup_float8x8 ma, mb, mc;
    simdgroup_load(ma, a + sg * 64, 8);
    simdgroup_load(mb, b + sg * 64, 8);
    simdgroup_multiply(mc, ma, mb);
    ushort2 rc = frag_coord(lane);
    thread auto& v = mc.thread_elements();
    for (int k = 0; k < 2; ++k) v[k] = max(s * v[k] + bias[rc.x + k], 0.0f);
    simdgroup_store(mc, out + sg * 64, 8);
}

// Builds A (half) and B (half) from device memory element by element through thread_elements (no
// simdgroup_load), accumulates onto C given by a diagonal constructor, reads the result back through
// thread_elements and writes it element by element: out = A B + d I.
kernel void by_elements(device const half* a [[buffer(0)]],
                        device const half* b [[buffer(1)]],
                        device float* out [[buffer(2)]],
                        constant float& d [[buffer(3)]],
                        ushort lane [[thread_index_in_simdgroup]]) {
    ushort2 rc = frag_coord(lane);
    simdgroup_half8x8 ma, mb;
    ma.thread_elements() = half2(a[rc.y * 8 + rc.x], a[rc.y * 8 + rc.x + 1]);
    mb.thread_elements()[0] = b[rc.y * 8 + rc.x];
    mb.thread_elements()[1] = b[rc.y * 8 + rc.x + 1];
    simdgroup_float8x8 mc = simdgroup_float8x8(d);
    simdgroup_multiply_accumulate(mc, ma, mb, mc);
    const float2 r = mc.thread_elements();
    out[rc.y * 8 + rc.x] = r.x;
    out[rc.y * 8 + rc.x + 1] = r.y;
}

// A tile loaded from threadgroup memory, transposed on the way out, updated in place through
// thread_elements (x -> x * x - 1), stored back to the same place, and loaded again: every lane's load must
// see the others' stores (the simdgroup-wide operations are ordered).
kernel void in_place(device const float* a [[buffer(0)]], device float* out [[buffer(1)]],
                     ushort lane [[thread_index_in_simdgroup]]) {
    threadgroup float tile[64];
    for (ushort i = lane; i < 64; i += 32) tile[i] = a[i];
    simdgroup_barrier(mem_flags::mem_threadgroup);
    simdgroup_float8x8 m;
    simdgroup_load(m, tile, 8, ulong2(0), true);
    m.thread_elements() = m.thread_elements() * m.thread_elements() - 1.0f;
    simdgroup_store(m, tile, 8);
    simdgroup_load(m, tile, 8);
    simdgroup_store(m, out, 8);
}
