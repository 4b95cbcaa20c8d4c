// Accumulates A·B into an 8x8 tile held in threadgroup memory, loading and storing the same tile each step,
// as kernels do when the accumulator lives in threadgroup memory. Every lane of the simdgroup takes part in
// simdgroup_load / simdgroup_store, so the tile must be read by all lanes before any lane writes it back.
#include <metal_stdlib>
using namespace metal;

kernel void accumulate_in_tile(device const float* a [[buffer(0)]],   // [steps][8][8]
                               device const float* b [[buffer(1)]],   // [steps][8][8]
                               device float* c [[buffer(2)]],         // [8][8]
                               constant uint& steps [[buffer(3)]],
                               uint lane [[thread_index_in_simdgroup]]) {
  threadgroup float tile[64];
  for (uint i = lane; i < 64; i += 32) tile[i] = 0.0f;
  simdgroup_barrier(mem_flags::mem_threadgroup);
  for (uint s = 0; s < steps; ++s) {
    simdgroup_float8x8 acc, ma, mb;
    simdgroup_load(acc, tile, 8);
    simdgroup_load(ma, a + s * 64, 8);
    simdgroup_load(mb, b + s * 64, 8);
    simdgroup_multiply_accumulate(acc, ma, mb, acc);
    simdgroup_store(acc, tile, 8);
  }
  simdgroup_barrier(mem_flags::mem_threadgroup);
  for (uint i = lane; i < 64; i += 32) c[i] = tile[i];
}
