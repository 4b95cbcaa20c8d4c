// MSL emission of a K loop's prefetch: the ops pipeline-dot-loads marks tm.prefetch (the next iteration's
// pointers, masks and operand loads, placed after the tl.dot) are emitted by emit_dot right after the barrier
// that ends its operand staging, before the multiplies: the current tile's registers are dead by then (one
// tile in registers, not two, as in bench/probes/gemm_probe.metal) and the loads are in flight during the
// multiplies. Only marked ops that stay in registers are taken (no threadgroup memory, no barrier, no
// simdgroup-matrix values: a layout conversion moves registers within each thread or recomputes an index
// tensor, such as a mask, in its new layout) and whose operands are defined; the rest are emitted in order.
// In a loop with two dots (flash attention) the first dot takes them: the next K and V tiles load during both.
#include "codegen/msl_emitter.h"
#include "gpu/convert_layout_op.h"
#include "gpu/pipeline_dot_loads.h"
#include "gpu/register_relayout.h"

namespace tmetal::codegen {

namespace {

bool relayout_op(const ir::Operation& op) {
  using ir::OpCode;
  return op.is(OpCode::Broadcast) || op.is(OpCode::ExpandDims) || op.is(OpCode::Reshape) || op.is(OpCode::Trans) ||
         gpu::is_convert_layout(op);
}

}  // namespace

void Emitter::emit_prefetch_after(ir::Operation& dot) {
  using ir::OpCode;
  const int64_t threads = static_cast<int64_t>(options_.lowering.num_warps) * options_.lowering.simd_width;
  // Every marked op after the dot whose operands are all defined by now (outside the loop body, or by ops
  // already emitted, this one's prefetch included); the others keep their turn, as does an op that needs one of
  // them. The loop body has no stores (pipeline-dot-loads), so reordering the loads changes nothing they read.
  auto ready = [&](const ir::Operation& op) {
    for (const ir::Value* v : op.operands())
      if (!names_.count(v)) return false;
    return true;
  };
  auto in_registers = [&](ir::Operation& op) {
    if (!op.has_attr(gpu::kPrefetchAttr) || op.num_regions() != 0) return false;
    for (const ir::Value* v : op.operands())
      if (mma(v)) return false;
    for (const ir::Value* v : op.results())
      if (mma(v)) return false;
    if (relayout_op(op))
      return gpu::register_relayout_map(op, threads, options_.lowering.simd_width).has_value() || (ready(op) && recomputed_relayout(op));
    if (op.is(OpCode::Load)) return !op.has_attr("volatile");
    if (op.is(OpCode::Advance)) return true;
    // Elementwise arithmetic, comparisons, selects, casts, splats, ranges, constants, pointer offsets.
    return op.has_trait(ir::trait::P) && !op.is(OpCode::Dot) && !op.is(OpCode::Reduce) && !op.is(OpCode::Scan) &&
           !op.is(OpCode::Histogram) && !op.is(OpCode::Join) && !op.is(OpCode::Split) && !op.is(OpCode::Print);
  };
  const size_t buffers = tg_buffers_.size();
  for (ir::Operation* op = dot.next(); op; op = op->next()) {
    if (emitted_early_.count(op) || !in_registers(*op) || !ready(*op)) continue;
    emit_op(*op);
    emitted_early_.insert(op);
  }
  if (tg_buffers_.size() != buffers) fail(dot, "internal error: a prefetch op emitted inside tl.dot used threadgroup memory");
}

}  // namespace tmetal::codegen
