// Pass `assign-layouts`: rewrites every tensor type of a tile-IR function (op results and block arguments)
// from `tensor<SHAPExT>` into `tensor<SHAPExT, #gpu.blocked<...>>`.
//
// One layout per shape, so elementwise ops never need a conversion: `num_warps` simdgroups of 32 lanes,
// row-major order, and `size_per_thread` along the fastest dimension set to the widest vector (within the
// target's preferred_vector_bytes) that axis analysis allows for the loads and stores of that shape. A shape
// of rank >= 2 that tt.reduce works along one axis puts its simdgroups on the other dimensions
// first (Triton-style multi-row tiles: a [ROWS, 256] softmax reduces each row inside one simdgroup, with
// shuffles only, instead of combining simdgroup partials through threadgroup memory).
// Ops that change the shape (broadcast, expand_dims, reshape, trans, reduce, scan, dot) relate values of
// different layouts; codegen moves those through registers when every thread keeps its elements, and
// through threadgroup memory otherwise.
#pragma once

#include "ir/operation.h"
#include "triton_metal/target.h"

namespace tmetal::gpu {

struct LoweringOptions {
  int num_warps = 4;
  int simd_width = 32;
  int preferred_vector_bytes = 16;
};

// Returns the number of tensor types rewritten. Throws std::invalid_argument on a bad num_warps.
int assign_layouts(ir::Operation& func, const LoweringOptions& options);

// Vector width (elements) the access `op` (tt.load / tt.store with a tensor of pointers) may use given the
// function's axis facts and the layout of its pointer operand; 1 when it must stay scalar.
class AxisAnalysis;
int64_t access_vector_width(const AxisAnalysis& axes, const ir::Operation& op, const LoweringOptions& options);
// Bytes of the scalar a tensor of pointers points to (0 for anything else).
int64_t pointee_bytes(const ir::Value* ptr);
// The widest vector `op` could use if each thread held `size_per_thread` consecutive elements along `dim`.
int64_t width_for(const AxisAnalysis& axes, const ir::Operation& op, int dim, int64_t size_per_thread, const LoweringOptions& options);

}  // namespace tmetal::gpu
