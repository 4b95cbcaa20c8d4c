// Registration, verifier and builder of `gpu.convert_layout` (see convert_layout_op.h).
#include "gpu/convert_layout_op.h"

#include "gpu/layout_encoding.h"

#include <mutex>
#include <vector>

namespace tmetal::gpu {

namespace {
std::string verify_convert(const ir::Operation& op) {
  if (op.num_operands() != 1 || op.num_results() != 1) return "gpu.convert_layout takes one operand and has one result";
  const ir::Type& a = op.operand(0)->type();
  const ir::Type& b = op.result()->type();
  if (!a.is_tensor() || !b.is_tensor()) return "gpu.convert_layout converts tensors only";
  if (a.shape() != b.shape() || !(a.element() == b.element()))
    return "gpu.convert_layout must keep the shape and element type (" + a.str() + " -> " + b.str() + ")";
  auto known = [](const ir::Type& t) { return blocked_layout_of(t) || fragment_family(t); };
  if (!known(a) || !known(b))
    return "gpu.convert_layout needs #gpu.blocked, #gpu.simdgroup_matrix or #gpu.simdgroup_matrix_slice layouts on both sides";
  for (const ir::Type* t : {&a, &b}) {
    if (simdgroup_matrix_layout_of(*t) && t->shape().size() != 2) return "a #gpu.simdgroup_matrix tensor has rank 2";
    if (const SimdgroupMatrixSliceLayout* s = simdgroup_matrix_slice_layout_of(*t)) {
      bool ok = t->shape().size() == 1 || (t->shape().size() == 2 && t->shape()[s->dim] == 1);
      if (!ok) return "a #gpu.simdgroup_matrix_slice tensor has rank 1, or rank 2 with extent 1 along its dim";
    }
  }
  return "";
}

const ir::OpInfo* convert_info() {
  static const ir::OpInfo* info = [] {
    const ir::OpInfo* existing = ir::find_op(kConvertLayout);
    return existing ? existing : ir::register_op(kConvertLayout, ir::trait::P, verify_convert);
  }();
  return info;
}
}  // namespace

void register_gpu_ops() { convert_info(); }

bool is_convert_layout(const ir::Operation& op) { return op.code() == ir::OpCode::Custom && op.name() == kConvertLayout; }

ir::Value* create_convert_layout(ir::Value* src, const ir::Type& to, ir::Operation* before) {
  auto op = ir::Operation::create(convert_info(), before->loc(), {src}, {to});
  return before->parent_block()->insert(before->position(), std::move(op))->result();
}

void retype_with_conversion(ir::Value* v, const ir::Type& to, ir::Operation* before) {
  const ir::Type old = v->type();
  std::vector<ir::Operation*> users = v->users();
  v->set_type(to);
  if (users.empty()) return;
  ir::Value* back = create_convert_layout(v, old, before);
  for (ir::Operation* u : users)
    for (size_t i = 0; i < u->num_operands(); ++i)
      if (u->operand(i) == v) u->set_operand(i, back);
}

ir::Operation* convert_of(const ir::Value* v) {
  ir::Operation* d = v->defining_op();
  return d && is_convert_layout(*d) ? d : nullptr;
}

void retype_carried(ir::Operation& loop, size_t i, const ir::Type& to) {
  ir::Block& body = loop.body();
  ir::Operation* yield = body.back();
  loop.set_operand(3 + i, create_convert_layout(loop.operand(3 + i), to, &loop));
  retype_with_conversion(body.argument(1 + i), to, body.front());
  ir::Value* y = yield->operand(i);
  if (ir::Operation* c = convert_of(y); c && c->operand(0)->type() == to)
    yield->set_operand(i, c->operand(0));
  else
    yield->set_operand(i, create_convert_layout(y, to, yield));
  retype_with_conversion(loop.result(i), to, loop.next());
}

ir::Operation* carried_by(const ir::Value* v, size_t& index) {
  if (v->defining_op()) return nullptr;
  ir::Block* b = v->parent_block();
  ir::Operation* loop = b ? b->parent_op() : nullptr;
  if (!loop || !loop->is(ir::OpCode::For) || &loop->body() != b) return nullptr;
  for (size_t i = 1; i < b->num_arguments(); ++i)
    if (b->argument(i) == v) {
      index = i - 1;
      return loop;
    }
  return nullptr;
}

}  // namespace tmetal::gpu
