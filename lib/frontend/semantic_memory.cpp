// Triton semantics, memory part: pointer arithmetic, load/store with masks and cache hints, atomics, and
// block pointers (make_block_ptr / advance / boundary-checked load and store).
#include "frontend/semantic.h"

#include <fmt/format.h>

#include <set>

namespace tmetal::frontend {

using ir::OpCode;

TValue Semantic::addptr(const TValue& p0, const TValue& off0) {
  auto [p, off] = broadcast_pair(p0, off0);
  if (!p.type.element().is_ptr()) fail("pointer arithmetic needs a pointer");
  if (!off.type.is_int()) fail(fmt::format("pointer offsets must be integers, got {}", off.type.element().str()));
  if (dt_is_unsigned(off.type.dt) && dt_bits(off.type.dt) < 64) off = cast(off, DT::I64);  // zero-extends
  return make(OpCode::AddPtr, {&p, &off}, p.type);
}

static void check_hint(Semantic& S, const std::string& kind, const std::string& v, const std::set<std::string>& allowed) {
  if (!v.empty() && !allowed.count(v)) S.fail(fmt::format("unknown {} '{}'", kind, v));
}

static ir::AttrDict memory_attrs(Semantic& S, const std::string& cache, const std::string& evict) {
  check_hint(S, "cache modifier", cache, {".ca", ".cg", ".cv", ".wb", ".cs", ".wt"});
  check_hint(S, "eviction policy", evict, {"evict_first", "evict_last", "evict_normal", "no_allocate"});
  ir::AttrDict attrs;
  if (!cache.empty()) attrs["cache"] = cache;
  if (!evict.empty()) attrs["evict"] = evict;
  return attrs;
}

// Triton: "Mask must have boolean scalar type" (a float or integer mask is an error, not a comparison with 0).
static TValue mask_arg(Semantic& S, const TValue& mask, const std::string& fn) {
  TValue m = S.to_tensor(mask);
  if (!m.type.is_bool()) S.fail(fmt::format("the mask of {} must be boolean (int1), got {}: compare explicitly (e.g. mask != 0)", fn, m.describe()));
  return m;
}

TValue Semantic::load(const TValue& ptr0, std::optional<TValue> mask, std::optional<TValue> other, const std::vector<int64_t>& boundary_check,
                      const std::string& padding, const std::string& cache, const std::string& evict, bool is_volatile) {
  TValue ptr = to_tensor(ptr0);
  ir::AttrDict attrs = memory_attrs(*this, cache, evict);
  if (is_volatile) attrs["volatile"] = true;
  FType pe = ptr.type.element();
  if (pe.is_block_ptr()) {
    if (mask || other) fail("loads through a block pointer take boundary_check and padding_option, not mask and other");
    for (int64_t d : boundary_check)
      if (d < 0 || d >= static_cast<int64_t>(pe.block.size())) fail(fmt::format("boundary_check dimension {} is out of range", d));
    if (!padding.empty() && padding != "zero" && padding != "nan") fail(fmt::format("padding_option must be 'zero' or 'nan', got '{}'", padding));
    if (padding == "nan" && !dt_is_float(pe.dt)) fail("padding_option 'nan' needs a floating-point block");
    if (!boundary_check.empty()) attrs["boundary_check"] = ir::Attribute::array(boundary_check);
    if (!padding.empty()) attrs["padding"] = padding;
    return make(OpCode::Load, {&ptr}, FType::scalar(pe.dt).with_shape(pe.block), std::move(attrs));
  }
  if (!boundary_check.empty() || !padding.empty()) fail("boundary_check and padding_option need a block pointer (tl.make_block_ptr)");
  if (!pe.is_ptr()) fail(fmt::format("tl.load needs a pointer, got {}", ptr.describe()));
  if (other && !mask) fail("tl.load's 'other' needs a 'mask'");
  FType result = ptr.type.with_dt(pe.dt);
  std::vector<const TValue*> ops = {&ptr};
  TValue m, o;
  if (mask) {
    m = mask_arg(*this, *mask, "tl.load");
    if (m.type.shape.size() > ptr.type.shape.size() || (m.type.is_tensor() && !ptr.type.is_tensor())) {
      auto [p2, m2] = broadcast_pair(ptr, m);
      ptr = p2;
      m = m2;
      result = ptr.type.with_dt(pe.dt);
    } else {
      m = broadcast_to(m, ptr.type.shape);
    }
    ops.push_back(&m);
    if (other) {
      o = broadcast_to(cast(*other, pe.dt), ptr.type.shape);
      ops.push_back(&o);
    }
  }
  return make(OpCode::Load, ops, result, std::move(attrs));
}

void Semantic::store(const TValue& ptr0, const TValue& value0, std::optional<TValue> mask, const std::vector<int64_t>& boundary_check,
                     const std::string& cache, const std::string& evict) {
  TValue ptr = to_tensor(ptr0);
  ir::AttrDict attrs = memory_attrs(*this, cache, evict);
  FType pe = ptr.type.element();
  locate();
  if (pe.is_block_ptr()) {
    if (mask) fail("stores through a block pointer take boundary_check, not mask");
    for (int64_t d : boundary_check)
      if (d < 0 || d >= static_cast<int64_t>(pe.block.size())) fail(fmt::format("boundary_check dimension {} is out of range", d));
    TValue v = broadcast_to(cast(value0, pe.dt), pe.block);
    if (!boundary_check.empty()) attrs["boundary_check"] = ir::Attribute::array(boundary_check);
    locate();
    b_.create(OpCode::Store, {ptr.value, v.value}, {}, std::move(attrs));
    return;
  }
  if (!boundary_check.empty()) fail("boundary_check needs a block pointer (tl.make_block_ptr)");
  if (!pe.is_ptr()) fail(fmt::format("tl.store needs a pointer, got {}", ptr.describe()));
  TValue v = to_tensor(value0);
  if (v.type.shape.size() > ptr.type.shape.size()) ptr = broadcast_to(ptr, v.type.shape);
  v = broadcast_to(cast(v, pe.dt), ptr.type.shape);
  std::vector<ir::Value*> ops = {ptr.value, v.value};
  if (mask) {
    TValue m = broadcast_to(mask_arg(*this, *mask, "tl.store"), ptr.type.shape);
    ops.push_back(m.value);
  }
  locate();
  b_.create(OpCode::Store, ops, {}, std::move(attrs));
}

static ir::AttrDict atomic_attrs(Semantic& S, const std::string& sem, const std::string& scope) {
  check_hint(S, "memory semantic", sem, {"acquire", "release", "acq_rel", "relaxed"});
  check_hint(S, "memory scope", scope, {"gpu", "cta", "sys"});
  return {{"sem", sem.empty() ? "acq_rel" : sem}, {"scope", scope.empty() ? "gpu" : scope}};
}

TValue Semantic::atomic_rmw(const std::string& op, const TValue& ptr0, const TValue& val0, std::optional<TValue> mask, const std::string& sem, const std::string& scope) {
  TValue ptr = to_tensor(ptr0);
  FType pe = ptr.type.element();
  if (!pe.is_ptr()) fail(fmt::format("atomic_{} needs a pointer, got {}", op, ptr.describe()));
  if (pe.is_ptr() && dt_is_fp8(pe.dt)) fail(fmt::format("atomic_{} on {} is not supported (no GPU has fp8 atomics)", op, dt_name(pe.dt)));
  TValue val = to_tensor(val0);
  if (val.type.shape.size() > ptr.type.shape.size()) ptr = broadcast_to(ptr, val.type.shape);
  val = broadcast_to(cast(val, pe.dt), ptr.type.shape);
  bool fl = dt_is_float(pe.dt);
  std::string kind = op;
  if (op == "add") kind = fl ? "fadd" : "add";
  else if ((op == "max" || op == "min") && dt_is_unsigned(pe.dt)) kind = "u" + op;
  else if ((op == "and" || op == "or" || op == "xor") && fl) fail(fmt::format("atomic_{} needs an integer pointer", op));
  if (fl && pe.dt != DT::F32 && pe.dt != DT::F16 && op != "xchg") fail("floating-point atomics support fp32 and fp16");
  ir::AttrDict attrs = atomic_attrs(*this, sem, scope);
  attrs["kind"] = kind;
  std::vector<const TValue*> ops = {&ptr, &val};
  TValue m;
  if (mask) {
    m = broadcast_to(mask_arg(*this, *mask, "atomic_" + op), ptr.type.shape);
    ops.push_back(&m);
  }
  return make(OpCode::AtomicRMW, ops, val.type, std::move(attrs));
}

TValue Semantic::atomic_cas(const TValue& ptr0, const TValue& cmp0, const TValue& val0, const std::string& sem, const std::string& scope) {
  TValue ptr = to_tensor(ptr0);
  FType pe = ptr.type.element();
  if (!pe.is_ptr()) fail(fmt::format("atomic_cas needs a pointer, got {}", ptr.describe()));
  if (dt_bits(pe.dt) < 16) fail("atomic_cas supports 16-, 32- and 64-bit elements");
  TValue c = broadcast_to(cast(cmp0, pe.dt), ptr.type.shape);
  TValue v = broadcast_to(cast(val0, pe.dt), ptr.type.shape);
  return make(OpCode::AtomicCAS, {&ptr, &c, &v}, v.type, atomic_attrs(*this, sem, scope));
}

TValue Semantic::make_block_ptr(const TValue& base0, const std::vector<TValue>& shape, const std::vector<TValue>& strides,
                                const std::vector<TValue>& offsets, const std::vector<int64_t>& block_shape, const std::vector<int64_t>& order) {
  TValue base = to_tensor(base0);
  if (!base.type.element().is_ptr() || base.type.is_tensor()) fail("tl.make_block_ptr needs a scalar pointer as base");
  size_t rank = block_shape.size();
  if (shape.size() != rank || strides.size() != rank || offsets.size() != rank || order.size() != rank)
    fail(fmt::format("tl.make_block_ptr: shape, strides, offsets and order must all have {} entries (the rank of block_shape)", rank));
  check_block_shape(block_shape);
  std::vector<ir::Value*> ops = {base.value};
  auto scalar_int = [&](const TValue& x, DT to, const char* what) {
    TValue t = to_tensor(x);
    if (!t.type.is_int() || t.type.is_tensor()) fail(fmt::format("tl.make_block_ptr {} must be scalar integers", what));
    return cast(t, to).value;
  };
  for (auto& s : shape) ops.push_back(scalar_int(s, DT::I64, "shape"));
  for (auto& s : strides) ops.push_back(scalar_int(s, DT::I64, "strides"));
  for (auto& s : offsets) ops.push_back(scalar_int(s, DT::I32, "offsets"));
  FType t;
  t.kind = FType::Kind::BlockPointer;
  t.dt = base.type.dt;
  t.block = block_shape;
  locate();
  ir::Value* v = b_.value(OpCode::MakeTensorPtr, ops, t.ir_type(), {{"order", ir::Attribute::array(order)}});
  return TValue::tensor(v, t);
}

TValue Semantic::advance(const TValue& ptr0, const std::vector<TValue>& offsets) {
  TValue ptr = to_tensor(ptr0);
  if (!ptr.type.is_block_ptr()) fail("tl.advance needs a block pointer");
  if (offsets.size() != ptr.type.block.size()) fail(fmt::format("tl.advance needs {} offsets", ptr.type.block.size()));
  std::vector<ir::Value*> ops = {ptr.value};
  for (auto& o : offsets) {
    TValue t = to_tensor(o);
    if (!t.type.is_int() || t.type.is_tensor()) fail("tl.advance offsets must be scalar integers");
    ops.push_back(cast(t, DT::I32).value);
  }
  locate();
  return TValue::tensor(b_.value(OpCode::Advance, ops, ptr.type.ir_type()), ptr.type);
}

}  // namespace tmetal::frontend
