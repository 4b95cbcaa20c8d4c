// The `gpu.convert_layout` op of GPU IR: `%r = gpu.convert_layout %x : tensor<SxT, #A> -> tensor<SxT, #B>`
// moves a tensor from one blocked layout to another without changing its shape or element type. It is
// registered in lib/ir's op registry (OpCode::Custom) by register_gpu_ops(); passes insert it where a
// producer's and a consumer's layouts differ (insert_layout_conversions.h) and remove needless ones
// (remove_layout_conversions.h); codegen lowers it to a register copy when every thread already holds the
// elements it needs, and through threadgroup memory otherwise.
#pragma once

#include "ir/op_info.h"
#include "ir/operation.h"

namespace tmetal::gpu {

inline constexpr const char* kConvertLayout = "gpu.convert_layout";

// Registers the GPU-IR ops (idempotent; call before parsing or building GPU IR).
void register_gpu_ops();

bool is_convert_layout(const ir::Operation& op);

// Creates `gpu.convert_layout src -> to` before `before` and returns its result.
ir::Value* create_convert_layout(ir::Value* src, const ir::Type& to, ir::Operation* before);

// `v` takes type `to`; the users it had read it through one conversion back to its old type, created before
// `before` (none when it had no users).
void retype_with_conversion(ir::Value* v, const ir::Type& to, ir::Operation* before);

// The gpu.convert_layout that defines `v`, or null.
ir::Operation* convert_of(const ir::Value* v);

// Iteration argument `i` of scf.for `loop` becomes type `to`, with its init (converted before the loop), its
// yielded value (the source of a conversion from `to`, else converted) and the loop's result `i`; the old
// users of the argument and of the result read them through conversions back.
void retype_carried(ir::Operation& loop, size_t i, const ir::Type& to);

// The scf.for whose iteration argument `v` is, with the argument's index, or null.
ir::Operation* carried_by(const ir::Value* v, size_t& index);

}  // namespace tmetal::gpu
