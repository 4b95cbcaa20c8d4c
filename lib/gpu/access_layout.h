// Moving a tt.load or tt.store to another blocked layout, shared by the passes that choose access layouts
// (coalesce-accesses, dot-b-rows): the access's tensor operands convert to the new layout before it, a
// load's result converts back for its users, and tiles carried to the next iteration of an scf.for that the
// body only converts back (or feeds to tl.dot) are then carried in the new layout.
#pragma once

#include "gpu/blocked_layout.h"
#include "ir/operation.h"

namespace tmetal::gpu {

// Moves access `op` to layout `l`. Conversions made for an op marked tm.prefetch are marked too.
void move_access(ir::Operation& op, const BlockedLayout& l);

// Iteration arguments that carry a converted tile (`yield convert(x : C -> L)`) and that the body only reads
// through conversions or as tl.dot operands are carried in C instead.
void carry_moved_tiles(ir::Operation& func);

}  // namespace tmetal::gpu
