// What the axis analysis knows of a block pointer (tl.make_block_ptr): per dimension, whether its stride is the
// constant 1 and the powers of two dividing its stride, shape and offset; and the byte alignment of its base.
// The facts follow the value back through tt.advance (offset += increment) and scf.for iteration arguments
// (the join of the initial value and the yielded one), so a K loop's `a_block = tl.advance(a_block, (0, BK))`
// keeps its offsets aligned. Used to vectorize block-pointer loads and stores (block_access_vector_width).
#pragma once

#include "gpu/axis_analysis.h"
#include "ir/operation.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace tmetal::gpu {

struct BlockPtrFacts {
  std::vector<bool> unit_stride;      // the stride is the constant 1
  std::vector<int64_t> stride_div;    // divisibility of the stride (elements)
  std::vector<int64_t> shape_div;     // divisibility of the shape
  std::vector<int64_t> offset_div;    // divisibility of the offset
  int64_t base_div = 1;               // byte alignment of the base pointer
};

// nullopt when `bp` comes from something the facts do not follow.
std::optional<BlockPtrFacts> block_ptr_facts(const AxisAnalysis& axes, const ir::Value* bp);

// Elements per vector (1, 2 or 4: at most 4 and the target's preferred vector bytes) that a load or store
// through a block pointer can move along
// the pointee's last dimension: a unit stride there, every other stride, the offset and the base aligned to
// the vector, and a bounds-checked last dimension whose shape is a multiple of it (a vector is then wholly in
// bounds or wholly out). 1 for bf16 and i1 elements.
int64_t block_access_vector_width(const AxisAnalysis& axes, const ir::Operation& access, int64_t preferred_vector_bytes);

}  // namespace tmetal::gpu
