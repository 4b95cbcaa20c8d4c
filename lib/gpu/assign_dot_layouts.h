// Pass `assign-dot-layouts` (runs after assign-layouts): gives every tl.dot result the simdgroup-matrix layout
// `#gpu.simdgroup_matrix<simds=[M,N]>` (gpu/simdgroup_matrix_layout.h), so the accumulator lives in
// `simdgroup_matrix<T, 8, 8>` registers and never goes through threadgroup memory; A and B keep their blocked
// layouts (codegen stages them in threadgroup memory for simdgroup_load).
//   1. `%d = arith.addf(tt.dot(%a, %b, zeros), %x)` becomes `%d = tt.dot(%a, %b, %x)` (Triton's combine of
//      `acc += tl.dot(a, b)`), so that form is a loop-carried accumulator too.
//   2. Each 2-D dot:  %r = tt.dot %a, %b, %c : #blocked   =>   %c' = gpu.convert_layout %c : #blocked -> #mma
//                                                             %r = tt.dot %a, %b, %c' : #mma
//                                                             %r' = gpu.convert_layout %r : #mma -> #blocked
//   3. Through scf.for, to a fixed point: an iter_arg that only feeds conversions to #mma and is yielded from a
//      conversion of an #mma value becomes #mma itself (carried in fragments from the loop's start to its end);
//      the init operand and the loop result get the conversions instead (outside the loop).
//   4. An operand `tl.trans(x)` (2-D, behind at most its conversion) is replaced by x and the dot marked
//      `gpu.trans_a = 1` / `gpu.trans_b = 1`: codegen stages x with swapped coordinates, so a transposed
//      operand costs no extra trip through threadgroup memory.
//   4b. An operand that arrives through a conversion between blocked layouts (before or after step 4: a load
//      coalesced along its contiguous dimension, coalesce-accesses) is read from the conversion's source:
//      codegen stages any blocked layout, in the orientation its registers run (a K-contiguous B is staged
//      [N][K] and read with simdgroup_load's transpose), so the conversion's threadgroup round trip goes away.
//   5. Chain dots (a result that reaches the next dot's A operand through elementwise ops: flash attention's
//      S -> P -> PV) split rows over the simdgroups, simds=[num_warps, 1], when the rows allow: each simdgroup
//      holds whole rows of S (propagate-fragment-layout's row max / sum need no threadgroup step) and exactly the
//      A fragments its rows of PV need. Both are marked `gpu.chain = 1`.
// remove-layout-conversions then rematerialises constant accumulators (zeros become filled fragments) and
// folds conversion chains (a dot result used as the next dot's accumulator stays in fragments).
#pragma once

#include "ir/operation.h"

namespace tmetal::gpu {

// Returns the number of dots given the simdgroup-matrix layout.
int assign_dot_layouts(ir::Operation& func, int num_warps);

}  // namespace tmetal::gpu
