// Pass `propagate-fragment-layout` (runs after insert-layout-conversions): the ops that consume a tl.dot result
// move into the result's simdgroup-matrix layout and its slices, so that they run on the fragments' own
// registers instead of after a round trip of the whole tile through threadgroup memory (Triton's forward
// propagation of the MMA layout). Flash attention's softmax between its two dots is the case it is for:
//
//   %s = tt.dot ... : #mma            %s' = convert %s : #mma -> #blocked
//   %m = tt.reduce %s' {axis = 1}     %p = math.exp2 (%s' - broadcast(expand_dims %m))   %o = tt.dot %p', ...
//
// becomes
//
//   %m = tt.reduce %s {axis = 1} : #gpu.simdgroup_matrix_slice<dim=1, ...>   (simd shuffles, no barrier)
//   %p = math.exp2 (%s - broadcast(expand_dims %m)) : #mma                  %o = tt.dot %p, ... (A in registers)
//
// To a fixed point, for each conversion `%y = convert %x : F -> #blocked` (F a fragment layout) and each user
// u of %y, u adopts F when it can and its other operands are cheap in F:
//   * an elementwise op (same-shape tensor operands, not on pointers) gets F;
//   * tt.reduce of one operand along `a` where F's simdgroups do not split `a` gets slice(dim = a, F);
//   * tt.expand_dims of a rank-1 slice at its dim keeps the slice (rank 2, extent 1);
//   * tt.broadcast of such a rank-2 slice gets the parent layout over the broadcast shape;
//   * scf.yield of an scf.for: the iter_arg and the loop result become F (the init converts before the loop);
//   * tt.dot operand A (f16 / f32, not transposed) when F is the dot's own row split (simds=[S,1] on both):
//     the fragments are the operand, nothing is staged;
//   * tt.store of the value (the epilogue on the fragments): each lane stores its own elements straight to
//     device memory, with its pointers and mask recomputed in F (they must be cheap there, not loop-carried);
//     through a block pointer only the value moves. No threadgroup round trip and no barrier.
// An operand is cheap in F when it is in F already or converts from it, is a constant or a splat, is an index
// tensor (computed from tl.arange, constants and scalars, recomputed in F by codegen), is defined outside
// the loop around u (its conversion is hoisted and runs once), or is an scf.for iter_arg (retyped with its
// init and yield, which the loop-carried value then follows). A retyped value's old users read it through a
// conversion back to their layout, which the next round tries to move forward again; other sinks (atomics,
// stores whose pointers are not cheap in F) keep their conversion. remove-layout-conversions then folds what is left.
#pragma once

#include "ir/operation.h"

namespace tmetal::gpu {

// Returns the number of ops moved into fragment layouts.
int propagate_fragment_layout(ir::Operation& func);

}  // namespace tmetal::gpu
