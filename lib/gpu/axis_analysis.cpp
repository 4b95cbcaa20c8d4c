// Axis analysis: walks a tile-IR function in order and maps each op onto the axis_info.h transfer functions.
#include "gpu/axis_analysis.h"

#include "gpu/convert_layout_op.h"

namespace tmetal::gpu {

std::vector<int64_t> shape_of(const ir::Value* v) {
  return v->type().is_tensor() ? v->type().shape() : std::vector<int64_t>{};
}

namespace {
int64_t element_bytes(const ir::Type& ptr_type) {
  ir::Type p = ptr_type.element();
  if (!p.is_pointer()) return 1;
  ir::Type e = p.pointee();
  if (!e.is_scalar()) return 1;
  return std::max(1, e.bits() / 8);
}
}  // namespace

AxisAnalysis::AxisAnalysis(ir::Operation& func) {
  std::vector<int64_t> div = func.array_attr("tt.divisibility");
  ir::Block& body = func.body();
  for (size_t i = 0; i < body.num_arguments(); ++i) {
    ir::Value* a = body.argument(i);
    int64_t d = i < div.size() ? std::max<int64_t>(1, div[i]) : 1;
    info_[a] = AxisInfo::uniform({}, d);
  }
  func.walk_pre([this](ir::Operation* op) { visit(*op); });
  // scf.for iteration arguments start from their initial values' facts (visit); then, to a fixed point, each
  // becomes the join of its initial value and what the body yields, and the function is walked again.
  std::vector<ir::Operation*> loops;
  func.walk_pre([&](ir::Operation* op) {
    if (op->is(ir::OpCode::For)) loops.push_back(op);
  });
  for (int round = 0; !loops.empty(); ++round) {
    bool changed = false;
    for (ir::Operation* loop : loops) {
      ir::Block& b = loop->body();
      ir::Operation* y = b.terminator();
      for (size_t i = 1; i < b.num_arguments(); ++i) {
        ir::Value* arg = b.argument(i);
        AxisInfo joined = round < 8 && y && y->num_operands() >= i && loop->num_operands() > i + 2
                              ? axis_join(get(loop->operand(i + 2)), get(y->operand(i - 1)))
                              : AxisInfo::unknown(shape_of(arg));
        if (!(get(arg) == joined)) {
          info_[arg] = joined;
          changed = true;
        }
      }
    }
    if (!changed) break;
    func.walk_pre([this](ir::Operation* op) { visit(*op); });
  }
}

AxisInfo AxisAnalysis::get(const ir::Value* v) const {
  auto it = info_.find(v);
  if (it != info_.end()) return it->second;
  return AxisInfo::unknown(shape_of(v));
}

void AxisAnalysis::visit(ir::Operation& op) {
  using ir::OpCode;
  if (op.is(OpCode::For) && op.num_operands() >= 3 && op.num_regions() == 1) {
    // The induction variable lb + k * step is divisible by what divides both lb and step (Triton's AxisInfo
    // does the same: `for start in range(0, n, BLOCK)` keeps `start + tl.arange(...)` aligned); iteration
    // arguments: their initial values (refined after the walk).
    auto divisibility = [&](const ir::Value* v) {
      AxisInfo a = get(v);
      return a.constant_value ? highest_power_of_two_divisor(*a.constant_value) : a.scalar_divisibility;
    };
    ir::Block& b = op.body();
    if (b.num_arguments() > 0 && !info_.count(b.argument(0)))
      info_[b.argument(0)] = AxisInfo::uniform({}, std::min(divisibility(op.operand(0)), divisibility(op.operand(2))));
    for (size_t i = 1; i < b.num_arguments() && i + 2 < op.num_operands(); ++i)
      if (!info_.count(b.argument(i))) info_[b.argument(i)] = get(op.operand(i + 2));
    return;
  }
  if (op.num_results() != 1) return;
  ir::Value* r = op.result();
  auto in = [&](size_t i) { return get(op.operand(i)); };
  if (!r->type().is_tensor() && r->type().is_int() && op.num_operands() == 2 && !op.is(OpCode::CmpI)) {
    // Scalar integer arithmetic (the transfer functions work per dimension): constants fold, otherwise
    // divisibility follows (powers of two: sums keep the smaller, products multiply).
    AxisInfo a = in(0), b = in(1);
    int64_t da = a.scalar_divisibility, db = b.scalar_divisibility;
    if (a.constant_value && b.constant_value) {
      int64_t x = *a.constant_value, y = *b.constant_value;
      std::optional<int64_t> v;
      switch (op.code()) {
        case OpCode::AddI: v = x + y; break;
        case OpCode::SubI: v = x - y; break;
        case OpCode::MulI: v = x * y; break;
        case OpCode::DivSI: if (y != 0) v = x / y; break;
        case OpCode::RemSI: if (y != 0) v = x % y; break;
        default: break;
      }
      if (v) {
        info_[r] = AxisInfo::constant({}, *v);
        return;
      }
    }
    switch (op.code()) {
      case OpCode::AddI:
      case OpCode::SubI: info_[r] = AxisInfo::uniform({}, std::min(da, db)); return;
      case OpCode::MulI: info_[r] = AxisInfo::uniform({}, std::min<int64_t>(da * db, AxisInfo::kMaxDivisibility)); return;
      default: info_[r] = AxisInfo::uniform({}, 1); return;
    }
  }
  if (!r->type().is_tensor() && op.is(OpCode::AddPtr)) {
    AxisInfo a = in(0), b = in(1);
    info_[r] = AxisInfo::uniform({}, std::min(a.scalar_divisibility, std::min<int64_t>(b.scalar_divisibility * element_bytes(r->type()), AxisInfo::kMaxDivisibility)));
    return;
  }
  switch (op.code()) {
    case OpCode::Constant: {
      const ir::Attribute* v = op.attr("value");
      if (v && v->is<ir::IntAttr>()) info_[r] = AxisInfo::constant(shape_of(r), v->get<ir::IntAttr>().value);
      break;
    }
    case OpCode::MakeRange: info_[r] = AxisInfo::range(op.int_attr("start"), op.int_attr("end")); break;
    case OpCode::ProgramId:
    case OpCode::NumPrograms: info_[r] = AxisInfo::uniform({}, 1); break;
    case OpCode::Splat: info_[r] = axis_splat(in(0), shape_of(r)); break;
    case OpCode::Broadcast: info_[r] = axis_broadcast(in(0), shape_of(op.operand(0)), shape_of(r)); break;
    case OpCode::ExpandDims: info_[r] = axis_expand_dims(in(0), static_cast<int>(op.int_attr("axis"))); break;
    case OpCode::AddPtr: info_[r] = axis_addptr(in(0), in(1), element_bytes(r->type())); break;
    case OpCode::AddI: info_[r] = axis_add(in(0), in(1)); break;
    case OpCode::SubI: info_[r] = axis_sub(in(0), in(1)); break;
    case OpCode::MulI: info_[r] = axis_mul(in(0), in(1)); break;
    case OpCode::DivSI:
    case OpCode::DivUI: info_[r] = axis_div(in(0), in(1)); break;
    case OpCode::RemSI:
    case OpCode::RemUI: info_[r] = axis_rem(in(0), in(1)); break;
    case OpCode::CmpI: info_[r] = axis_compare(in(0), in(1)); break;
    case OpCode::AndI:
    case OpCode::OrI:
    case OpCode::XOrI: info_[r] = axis_elementwise_join({in(0), in(1)}); break;
    case OpCode::Select: info_[r] = axis_elementwise_join({in(0), in(1), in(2)}); break;
    case OpCode::ExtSI:
    case OpCode::ExtUI:
    case OpCode::TruncI: info_[r] = in(0); break;
    default:
      if (is_convert_layout(op)) info_[r] = in(0);  // a layout change keeps every element's value
      break;
  }
}

}  // namespace tmetal::gpu
