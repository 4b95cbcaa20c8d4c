// Pass `dot-b-rows` (runs after coalesce-accesses, before assign-dot-layouts): the tile loads of an f16
// tl.dot B operand that runs along N (a row-major [K, N] tile, N contiguous in memory) take a layout with 4
// rows of K per thread beside the vector along N:
//
//   %b = tt.load %p, %m : tensor<32x64xf16, #blocked<spt=[1,4], lanes=[2,16], simds=[4,1], order=[1,0]>>
//
// becomes
//
//   %b = tt.load %p', %m' : tensor<32x64xf16, #blocked<spt=[4,4], lanes=[2,16], simds=[4,1], order=[1,0]>>
//
// The device loads stay the same vectors along N (a warp still reads whole 128-byte rows); each thread then
// holds 4 consecutive K of each of its columns, so codegen stages B as the transposed [N][K] tile with one
// 4-element vector store per column (emit_dot.cpp) and each lane reads its two columns of a B fragment as
// two rows of 8 contiguous halves (simdgroup_load's transpose) instead of 8 separate pairs. Only dots whose A
// and B are both loaded tiles of f16 elements (a GEMM's operands: loads, or scf.for iteration arguments
// that carry a pipelined load, whose init and yielded value are loads that feed nothing else), when the new
// layout covers B without replication. Flash attention's chain dots (A computed) keep their layouts.
#pragma once

#include "ir/operation.h"

namespace tmetal::gpu {

// Returns the number of loads given the new layout.
int dot_b_rows(ir::Operation& func);

}  // namespace tmetal::gpu
