// Moving an access to another blocked layout (see access_layout.h).
#include "gpu/access_layout.h"

#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"

#include <memory>
#include <utility>
#include <vector>

namespace tmetal::gpu {

namespace {
ir::Type with_layout(const ir::Type& t, const BlockedLayout& l) { return t.with_encoding(std::make_shared<BlockedEncoding>(l)); }
}  // namespace

void move_access(ir::Operation& op, const BlockedLayout& l) {
  const ir::Attribute* prefetch = op.attr("tm.prefetch");
  auto mark = [&](ir::Value* v) {
    if (prefetch) v->defining_op()->set_attr("tm.prefetch", *prefetch);
    return v;
  };
  for (size_t i = 0; i < op.num_operands(); ++i) {
    ir::Value* x = op.operand(i);
    if (!x->type().is_tensor() || !blocked_layout_of(x->type())) continue;
    op.set_operand(i, mark(create_convert_layout(x, with_layout(x->type(), l), &op)));
  }
  if (!op.is(ir::OpCode::Load)) return;
  ir::Value* r = op.result();
  const ir::Type old = r->type();
  std::vector<ir::Operation*> users = r->users();
  r->set_type(with_layout(old, l));
  if (users.empty()) return;
  ir::Value* back = mark(create_convert_layout(r, old, op.next()));
  for (ir::Operation* u : users)
    for (size_t i = 0; i < u->num_operands(); ++i)
      if (u->operand(i) == r) u->set_operand(i, back);
}

void carry_moved_tiles(ir::Operation& func) {
  std::vector<std::pair<ir::Operation*, size_t>> moves;
  func.walk([&](ir::Operation* loop) {
    if (!loop->is(ir::OpCode::For)) return;
    ir::Operation* yield = loop->body().back();
    if (!yield || !yield->is(ir::OpCode::Yield)) return;
    for (size_t i = 0; i < yield->num_operands(); ++i) {
      ir::Operation* c = convert_of(yield->operand(i));
      if (!c || !blocked_layout_of(c->operand(0)->type()) || !blocked_layout_of(c->result()->type())) continue;
      bool only = true;
      for (ir::Operation* u : loop->body().argument(1 + i)->users())
        only = only && (is_convert_layout(*u) || (u->is(ir::OpCode::Dot) && u->operand(2) != loop->body().argument(1 + i)));
      if (only) moves.emplace_back(loop, i);
    }
  });
  for (auto& [loop, i] : moves) {
    ir::Operation* c = convert_of(loop->body().back()->operand(i));
    retype_carried(*loop, i, c->operand(0)->type());
  }
}

}  // namespace tmetal::gpu
