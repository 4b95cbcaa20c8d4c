// Builder helpers for creating tile-IR ops (see builder.h).
#include "ir/builder.h"

namespace tmetal::ir {

Operation* Builder::create(const OpInfo* info, const std::vector<Value*>& operands, const std::vector<Type>& results,
                           AttrDict attrs, unsigned num_regions) {
  auto op = Operation::create(info, loc_, operands, results, std::move(attrs), num_regions);
  for (unsigned r = 0; r < num_regions; ++r) op->region(r).add_block();
  return insert(std::move(op));
}

Value* Builder::constant_int(int64_t v, Type type) {
  return value(OpCode::Constant, {}, type, {{"value", Attribute::integer(v, type.element())}});
}

Value* Builder::constant_float(double v, Type type) {
  return value(OpCode::Constant, {}, type, {{"value", Attribute::real(v, type.element())}});
}

bool constant_int_value(const Value* v, int64_t& out) {
  const Operation* def = v->defining_op();
  if (!def || !def->is(OpCode::Constant)) return false;
  const Attribute* a = def->attr("value");
  if (!a || !a->is<IntAttr>()) return false;
  out = a->get<IntAttr>().value;
  return true;
}

bool constant_float_value(const Value* v, double& out) {
  const Operation* def = v->defining_op();
  if (!def || !def->is(OpCode::Constant)) return false;
  const Attribute* a = def->attr("value");
  if (!a || !a->is<FloatAttr>()) return false;
  out = a->get<FloatAttr>().value;
  return true;
}

}  // namespace tmetal::ir
