// Rematerialization of index tensors across layout conversions. A gpu.convert_layout (or broadcast /
// expand_dims that needs one) of a tensor computed only from tl.arange, integer constants and splatted
// scalars through integer / boolean elementwise ops and shape ops (offsets, row and column indices, masks,
// pointer offsets) is recomputed in the result layout, element by element from the result's coordinates,
// instead of being written to threadgroup memory and read back with two barriers: the same rewrite Triton's
// RemoveLayoutConversions does by rematerializing cheap producers. Values loaded, reduced, scanned or carried
// by loops are never rematerialized (their producers are not pure functions of the coordinates).
#include "codegen/msl_emitter.h"
#include "gpu/convert_layout_op.h"

#include <fmt/format.h>

namespace tmetal::codegen {

namespace {
bool index_like(const ir::Type& t) {
  ir::Type e = t.element();
  return e.is_pointer() ? !e.pointee().is_tensor() : e.is_int();
}
}  // namespace

std::optional<std::string> Emitter::rematerialize(const ir::Value* v, const std::vector<std::string>& coords,
                                                  const ir::Value* base, int& budget) {
  using ir::OpCode;
  if (--budget < 0) return std::nullopt;
  if (!v->type().is_tensor()) {
    if (!names_.count(v) || v->type().is_pointer()) return std::nullopt;
    return name_of(v);
  }
  if (!index_like(v->type())) return std::nullopt;
  const ir::Operation* d = v->defining_op();
  if (!d || d->num_results() != 1) return std::nullopt;
  const auto& shape = v->type().shape();
  auto sub = [&](const ir::Value* o, const std::vector<std::string>& c) { return rematerialize(o, c, base, budget); };
  switch (d->code()) {
    case OpCode::MakeRange: return fmt::format("({} + {})", d->int_attr("start"), coords[0]);
    case OpCode::Constant: {
      const ir::Attribute* a = d->attr("value");
      if (!a) return std::nullopt;
      std::string rt = reg_type(v->type());
      if (a->is<bool>()) return std::string(a->get<bool>() ? "true" : "false");
      if (!a->is<ir::IntAttr>()) return std::nullopt;
      int64_t x = a->get<ir::IntAttr>().value;
      if (rt == "bool") return std::string(x ? "true" : "false");
      return rt == "long" ? fmt::format("{}L", x) : fmt::format("{}({})", rt, x);
    }
    case OpCode::Splat: {
      const ir::Value* s = d->operand(0);
      if (s->type().is_tensor() || !names_.count(s)) return std::nullopt;
      if (!v->type().element().is_pointer()) return name_of(s);
      const ir::Value* b = splat_base(s);
      if (b != base) return std::nullopt;  // offsets must count from the result's base pointer
      if (b == s) return std::string(offsets32_ ? "0u" : "0L");
      return fmt::format("uint({} - {})", name_of(s), name_of(b));
    }
    case OpCode::ExpandDims: {
      int64_t axis = d->int_attr("axis");
      std::vector<std::string> c;
      for (size_t i = 0; i < coords.size(); ++i)
        if (static_cast<int64_t>(i) != axis) c.push_back(coords[i]);
      return sub(d->operand(0), c);
    }
    case OpCode::Broadcast: {
      const auto& sshape = d->operand(0)->type().shape();
      if (sshape.size() != shape.size()) return std::nullopt;
      std::vector<std::string> c;
      for (size_t i = 0; i < coords.size(); ++i) c.push_back(sshape[i] == 1 ? "0" : coords[i]);
      return sub(d->operand(0), c);
    }
    case OpCode::AddPtr: {
      auto p = sub(d->operand(0), coords), o = sub(d->operand(1), coords);
      if (!p || !o) return std::nullopt;
      return fmt::format("({} + {}({}))", *p, offset_type(), *o);
    }
    case OpCode::AddI: case OpCode::SubI: case OpCode::MulI: case OpCode::DivSI: case OpCode::RemSI:
    case OpCode::DivUI: case OpCode::RemUI: case OpCode::AndI: case OpCode::OrI: case OpCode::XOrI:
    case OpCode::CmpI: case OpCode::Select: case OpCode::ExtSI: case OpCode::ExtUI: case OpCode::TruncI:
    case OpCode::MaxSI: case OpCode::MinSI: {
      std::vector<std::string> a;
      for (const ir::Value* o : d->operands()) {
        if (o->type().is_tensor() && o->type().shape() != shape) return std::nullopt;
        auto e = sub(o, coords);
        if (!e) return std::nullopt;
        a.push_back(*e);
      }
      std::string e = elementwise_expr(const_cast<ir::Operation&>(*d), a);
      if (e.empty()) return std::nullopt;
      return "(" + e + ")";
    }
    default:
      if (gpu::is_convert_layout(*d)) return sub(d->operand(0), coords);
      return std::nullopt;
  }
}

}  // namespace tmetal::codegen
