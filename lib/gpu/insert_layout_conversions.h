// Pass `insert-layout-conversions` (after assign-layouts): makes every layout change of GPU IR explicit.
//
// assign-layouts gives each shape one blocked layout, so a shape-changing op (tt.broadcast, tt.expand_dims,
// tt.trans) relates two layouts. Where the register check (register_relayout.h) proves that each thread already
// holds what the op needs, the op stays as it is. Otherwise the op is rewritten to work within one layout and a
// `gpu.convert_layout` carries the data between layouts:
//   %b = tt.broadcast %x : tensor<64x1, #A> -> tensor<64x32, #B>
//     => %c = gpu.convert_layout %x : tensor<64x1, #A> -> tensor<64x1, #B'>   (#B's distribution on 64x1)
//        %b = tt.broadcast %c : tensor<64x1, #B'> -> tensor<64x32, #B>        (now register-local)
//   %e = tt.expand_dims %x {axis} : tensor<64, #A> -> tensor<64x1, #B>        (likewise tt.trans)
//     => %n = tt.expand_dims %x {axis} : tensor<64, #A> -> tensor<64x1, #A+axis>  (register-local)
//        %e = gpu.convert_layout %n : tensor<64x1, #A+axis> -> tensor<64x1, #B>
// A broadcast converts its (smaller) operand, the others their result, so no conversion moves more elements than
// the op did before. tt.reshape keeps its own path through threadgroup memory in codegen.
//
// Atomics: Metal has no vector atomics, so a tt.atomic_rmw / tt.atomic_cas whose pointers are contiguous along
// the fastest dimension (axis analysis) in a layout with several elements per thread there (the vector width of
// the loads beside it) gets its tensor operands converted to the same distribution with one element per thread
// there, lanes on consecutive addresses, and its result converted back when used:
//   %r = tt.atomic_rmw %p, %v, %m : tensor<1024xf32, #spt4>
//     => %p' = gpu.convert_layout %p : #spt1   (likewise %v, %m)
//        %r  = tt.atomic_rmw %p', %v', %m' : tensor<1024xf32, #spt1>
// One atomic instruction of a simdgroup then covers 32 consecutive elements instead of 4 strided runs.
// Atomics on gathered addresses (a histogram's bins) keep their layout.
#pragma once

#include "ir/operation.h"

namespace tmetal::gpu {

// Returns the number of conversions inserted.
int insert_layout_conversions(ir::Operation& func, int num_warps, int simd_width);

}  // namespace tmetal::gpu
