// What the layout passes ask about an op or a value before they move it between layouts: whether an op is
// elementwise (runs in any layout its operands share), whether a value is free to recompute in another layout
// (a constant, a range or a splat) or an index tensor that codegen recomputes from coordinates
// (codegen/rematerialize.cpp handles the same ops), and where a value sits relative to the loop around an op.
#pragma once

#include "ir/operation.h"

namespace tmetal::gpu {

// One result, same-shape tensor operands, no regions and no side effects, and not a shape, dot, reduction or
// pointer-building op.
bool is_elementwise(const ir::Operation& op);
// A tensor with no tensor operands and no side effects: a constant, tl.arange or a splat of a scalar.
bool rematerialisable(const ir::Value* v);
// An integer, boolean or pointer-offset tensor computed only from tl.arange, constants and scalars through
// the integer elementwise and shape ops codegen recomputes in any layout; `budget` bounds the producers visited.
bool index_expression(const ir::Value* v, int& budget);
// The producer visits index_expression is given by its callers, and codegen's rematerialize: the same, so that
// every index tensor a layout pass counts as cheap is recomputed in its new layout by codegen (conv2d's output
// offsets, n * son + c * sok + h * soh + w * sow of divisions of the pixel index, need about 60).
inline constexpr int kIndexExpressionBudget = 96;
// The innermost scf.for around `op`, or null.
ir::Operation* enclosing_loop(const ir::Operation* op);
// `v` is defined outside `loop` (the same in every iteration).
bool defined_outside(const ir::Value* v, const ir::Operation* loop);

}  // namespace tmetal::gpu
