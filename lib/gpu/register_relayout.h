// Compile-time check whether a layout-changing op (tt.broadcast, tt.expand_dims, tt.reshape, tt.trans,
// gpu.convert_layout) can be done in registers: every thread must already hold, in its source registers, each
// source element its result registers need, at a register index that is the same for all threads. When it
// can, the answer is that register map (result register k = source register map[k]); otherwise nothing, and
// the values must move through threadgroup memory. Used by the layout-conversion passes and by codegen.
#pragma once

#include "ir/operation.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace tmetal::gpu {

// Source coordinates of result coordinates `c` of a layout-changing op (identity for gpu.convert_layout).
std::vector<int64_t> relayout_source_coords(const ir::Operation& op, const std::vector<int64_t>& c);

// Register map of `op` (operand 0 -> result 0, both with #gpu.blocked layouts) for `num_threads` threads of
// `simd_width` lanes, or nullopt when some thread lacks an element it needs.
std::optional<std::vector<int64_t>> register_relayout_map(const ir::Operation& op, int64_t num_threads, int64_t simd_width);

}  // namespace tmetal::gpu
