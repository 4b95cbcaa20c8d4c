// Pass `remove-layout-conversions`: removes the gpu.convert_layout ops that are not needed, to a fixed point.
//   - a conversion to the layout its operand already has:   %c = convert %x : #A -> #A      => uses of %c use %x
//   - chains:                                                convert(convert(%x : #A -> #B) : #B -> #C)
//                                                              => convert(%x : #A -> #C)  (then removed if #A == #C)
//   - a source that is cheap to rematerialise (arith.constant, tt.splat of a scalar, tt.make_range) is
//     recomputed directly in the wanted layout:              convert(splat %s : #A -> #B) => splat %s : #B
//   - a conversion of an elementwise result whose operands are all already in the wanted layout, cheap to
//     rematerialise, or themselves single-use conversions moves before the op, onto its operands, where the
//     rules above remove or merge it:                        convert(addi(convert(%x : #A -> #B), splat %s) : #B -> #A)
//                                                              => addi(%x, splat %s) : #A
//   - a conversion inside an scf.for of a value defined outside it moves to right after that definition (it
//     runs once), and the rule above also moves a conversion onto an operand defined outside the loop, so a
//     mask such as `ks[:, None] < k_left` is compared in the wanted layout and only `ks[:, None]` is converted,
//     once, before the loop:                                 for { convert(cmpi(%ks, splat %k_left)) }
//                                                              => convert(%ks); for { cmpi(%ks', splat %k_left) }
//   - an operand of that elementwise op already converted to the wanted layout earlier (visible at the op)
//     reuses that conversion instead of a new one (the prologue of a pipelined loop recomputes a mask the loop
//     also computes).
// Apart from that hoisting (a conversion inside a loop traded for conversions outside it), no rewrite adds a
// conversion that is not removed or merged.
#pragma once

#include "ir/operation.h"

namespace tmetal::gpu {

// Returns the number of gpu.convert_layout ops removed.
int remove_layout_conversions(ir::Operation& func);

}  // namespace tmetal::gpu
