// Questions the layout passes ask about ops and values (see op_queries.h).
#include "gpu/op_queries.h"

#include "gpu/convert_layout_op.h"

namespace tmetal::gpu {

bool is_elementwise(const ir::Operation& op) {
  using ir::OpCode;
  if (!op.has_trait(ir::trait::P) || op.num_regions() != 0 || op.num_results() != 1 || op.code() == OpCode::Custom) return false;
  switch (op.code()) {
    case OpCode::Constant: case OpCode::MakeRange: case OpCode::Splat: case OpCode::Broadcast: case OpCode::ExpandDims:
    case OpCode::Reshape: case OpCode::Trans: case OpCode::Join: case OpCode::Split: case OpCode::Histogram: case OpCode::Dot:
    case OpCode::Reduce: case OpCode::Scan: case OpCode::MakeTensorPtr: case OpCode::Advance: case OpCode::ProgramId:
    case OpCode::NumPrograms:
      return false;
    default: break;
  }
  const ir::Type& r = op.result()->type();
  if (!r.is_tensor()) return false;
  for (const ir::Value* v : op.operands())
    if (v->type().is_tensor() && v->type().shape() != r.shape()) return false;
  return true;
}

bool rematerialisable(const ir::Value* v) {
  const ir::Operation* d = v->defining_op();
  if (!d || d->num_results() != 1 || !v->type().is_tensor()) return false;
  if (d->is(ir::OpCode::Constant) || d->is(ir::OpCode::MakeRange)) return true;
  return d->is(ir::OpCode::Splat) && !d->operand(0)->type().is_tensor();
}

bool index_expression(const ir::Value* v, int& budget) {
  using ir::OpCode;
  if (--budget < 0) return false;
  if (!v->type().is_tensor()) return !v->type().is_pointer();
  ir::Type e = v->type().element();
  if (e.is_pointer() ? e.pointee().is_tensor() : !e.is_int()) return false;
  const ir::Operation* d = v->defining_op();
  if (!d || d->num_results() != 1) return false;
  switch (d->code()) {
    case OpCode::MakeRange: case OpCode::Constant: return true;
    case OpCode::Splat: return !d->operand(0)->type().is_tensor();
    case OpCode::ExpandDims: case OpCode::Broadcast: return index_expression(d->operand(0), budget);
    case OpCode::AddPtr: case OpCode::AddI: case OpCode::SubI: case OpCode::MulI: case OpCode::DivSI: case OpCode::RemSI:
    case OpCode::DivUI: case OpCode::RemUI: case OpCode::AndI: case OpCode::OrI: case OpCode::XOrI: case OpCode::CmpI:
    case OpCode::Select: case OpCode::ExtSI: case OpCode::ExtUI: case OpCode::TruncI: case OpCode::MaxSI: case OpCode::MinSI:
      for (const ir::Value* o : d->operands())
        if (!index_expression(o, budget)) return false;
      return true;
    default:
      return is_convert_layout(*d) && index_expression(d->operand(0), budget);
  }
}

ir::Operation* enclosing_loop(const ir::Operation* op) {
  for (ir::Operation* p = op->parent_op(); p; p = p->parent_op())
    if (p->is(ir::OpCode::For)) return p;
  return nullptr;
}

bool defined_outside(const ir::Value* v, const ir::Operation* loop) {
  const ir::Block* b = v->parent_block();
  const ir::Operation* p = b ? b->parent_op() : nullptr;
  return !(p == loop || (p && loop->is_ancestor_of(p)));
}

}  // namespace tmetal::gpu
