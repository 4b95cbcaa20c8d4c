// Pass `coalesce-accesses` (runs after assign-layouts): a tt.load or tt.store whose pointers run contiguously
// along a dimension other than its layout's fastest one takes a layout whose fastest dimension is that one
// (Triton's Coalesce pass), so that lanes read consecutive addresses and each thread a vector of them, instead
// of a gather of strided scalars. assign-layouts gives every tensor of a shape one row-major layout; a tile
// whose memory is column-major (flash attention's K^T tile `k_ptr + cols[None, :] * stride + offs_d[:, None]`,
// a column-major operand) would otherwise be read one element per lane at a stride:
//
//   %k = tt.load %p, %m, %z : tensor<64x64xf16, #blocked<spt=[1,4], ..., order=[1,0]>>
//
// becomes
//
//   %p' = gpu.convert_layout %p : ... #blocked<spt=[4,1], ..., order=[0,1]>   (index tensors: recomputed)
//   %k' = tt.load %p', %m', %z' : tensor<64x64xf16, #blocked<spt=[4,1], ..., order=[0,1]>>
//   %k = gpu.convert_layout %k' : ... -> #blocked<..., order=[1,0]>
//
// The access dimension is the one of largest contiguity (axis analysis of the pointers), kept when the
// current fastest dimension is as contiguous; the vector width along it is the widest the pointers' alignment,
// the mask's constancy and the target's preferred vector allow. A store converts its value (one pass through
// threadgroup memory instead of strided scalar stores). A loaded tile that only feeds tl.dot operands keeps its
// new layout: assign-dot-layouts lets the dot stage it from there (in the orientation of its registers), and a
// tile carried to the next iteration of an scf.for (a pipelined operand) is carried in the new layout when the
// loop body only converts it back (rank >= 2 pointer tensors only; block pointers keep their layouts).
#pragma once

#include "gpu/assign_layouts.h"
#include "ir/operation.h"

namespace tmetal::gpu {

// Returns the number of loads and stores given a new layout.
int coalesce_accesses(ir::Operation& func, const LoweringOptions& options);

}  // namespace tmetal::gpu
