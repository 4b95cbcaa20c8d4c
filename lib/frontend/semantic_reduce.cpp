// Triton semantics, reductions part: reduce and scan with a combine region (axis=None flattens first,
// keep_dims re-inserts the axis), dot with accumulator/out_dtype/input_precision, and histogram.
#include "frontend/semantic.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tmetal::frontend {

using ir::OpCode;

std::vector<int64_t> Semantic::normalize_axis(int64_t axis, size_t rank) {
  int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) fail(fmt::format("axis {} is out of range for a tensor of rank {}", axis, rank));
  return {axis < 0 ? axis + r : axis};
}

static std::vector<TValue> build_region_op(Semantic& S, ir::Builder& b, OpCode code, const std::vector<TValue>& inputs, int64_t axis,
                                           const std::vector<FType>& results, ir::AttrDict attrs, const Semantic::Combine& combine) {
  S.locate();
  std::vector<ir::Value*> ops;
  std::vector<ir::Type> types;
  for (auto& in : inputs) ops.push_back(in.value);
  for (auto& r : results) types.push_back(r.ir_type());
  attrs["axis"] = ir::Attribute::integer(axis);
  ir::Operation* op = b.create(code, ops, types, std::move(attrs), 1);
  ir::Block& body = op->body();
  std::vector<TValue> lhs, rhs;
  for (auto& in : inputs) lhs.push_back(TValue::tensor(body.add_argument(in.type.element().ir_type()), in.type.element()));
  for (auto& in : inputs) rhs.push_back(TValue::tensor(body.add_argument(in.type.element().ir_type()), in.type.element()));
  ir::Builder saved = b;
  b.set_insertion_point_to_end(&body);
  std::vector<TValue> combined = combine(lhs, rhs);
  if (combined.size() != inputs.size()) S.fail(fmt::format("the combine function returns {} values, expected {}", combined.size(), inputs.size()));
  std::vector<ir::Value*> yielded;
  for (size_t i = 0; i < combined.size(); ++i) {
    TValue c = S.to_tensor(combined[i]);
    if (c.type.is_tensor()) S.fail("the combine function must return scalars");
    c = S.cast(c, inputs[i].type.dt);
    yielded.push_back(c.value);
  }
  S.locate();
  b.create(code == OpCode::Reduce ? OpCode::ReduceReturn : OpCode::ScanReturn, yielded, {});
  b = saved;
  std::vector<TValue> out;
  for (size_t i = 0; i < results.size(); ++i) out.push_back(TValue::tensor(op->result(i), results[i]));
  return out;
}

std::vector<TValue> Semantic::reduce(const std::vector<TValue>& inputs0, int64_t axis, bool keep_dims, const Combine& combine) {
  std::vector<TValue> inputs;
  for (auto& in : inputs0) inputs.push_back(to_tensor(in));
  auto shape = inputs[0].type.shape;
  for (auto& in : inputs)
    if (in.type.shape != shape) fail("reduced tensors must have one shape");
  if (shape.empty()) fail("cannot reduce a scalar");
  int64_t ax = normalize_axis(axis, shape.size())[0];
  auto out_shape = shape;
  out_shape.erase(out_shape.begin() + ax);
  std::vector<FType> results;
  for (auto& in : inputs) results.push_back(in.type.with_shape(out_shape));
  auto out = build_region_op(*this, b_, OpCode::Reduce, inputs, ax, results, {}, combine);
  if (keep_dims)
    for (auto& o : out) o = expand_dims(o, ax);
  return out;
}

std::vector<TValue> Semantic::scan(const std::vector<TValue>& inputs0, int64_t axis, bool reverse, const Combine& combine) {
  std::vector<TValue> inputs;
  for (auto& in : inputs0) inputs.push_back(to_tensor(in));
  auto shape = inputs[0].type.shape;
  if (shape.empty()) fail("cannot scan a scalar");
  int64_t ax = normalize_axis(axis, shape.size())[0];
  std::vector<FType> results;
  for (auto& in : inputs) results.push_back(in.type);
  ir::AttrDict attrs;
  if (reverse) attrs["reverse"] = true;
  return build_region_op(*this, b_, OpCode::Scan, inputs, ax, results, std::move(attrs), combine);
}

// The B slices of a [B, ...] tensor (B a power of two), by halving the batch dimension with split.
static std::vector<TValue> unstack(Semantic& S, const TValue& x) {
  std::vector<int64_t> rest(x.type.shape.begin() + 1, x.type.shape.end());
  int64_t B = x.type.shape[0];
  if (B == 1) return {S.reshape(x, rest, false)};
  std::vector<int64_t> halves = {2, B / 2};
  halves.insert(halves.end(), rest.begin(), rest.end());
  TValue h = S.reshape(x, halves, false);
  std::vector<int64_t> order;
  for (size_t d = 1; d < halves.size(); ++d) order.push_back(static_cast<int64_t>(d));
  order.push_back(0);
  auto [lo, hi] = S.split(S.permute(h, order));
  std::vector<TValue> out = unstack(S, lo), more = unstack(S, hi);
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

// The inverse of unstack: [n, ...] from n slices.
static TValue stack(Semantic& S, const std::vector<TValue>& xs, size_t lo, size_t n) {
  std::vector<int64_t> shape = xs[lo].type.shape;
  if (n == 1) {
    shape.insert(shape.begin(), 1);
    return S.reshape(xs[lo], shape, false);
  }
  TValue j = S.join(stack(S, xs, lo, n / 2), stack(S, xs, lo + n / 2, n / 2));  // [n/2, ..., 2]
  size_t rank = j.type.shape.size();
  std::vector<int64_t> order = {static_cast<int64_t>(rank) - 1};
  for (size_t d = 0; d + 1 < rank; ++d) order.push_back(static_cast<int64_t>(d));
  shape.insert(shape.begin(), static_cast<int64_t>(n));
  return S.reshape(S.permute(j, order), shape, false);
}

TValue Semantic::dot(const TValue& a0, const TValue& b0, std::optional<TValue> acc, const std::string& precision, DT out_dtype, int64_t max_imprecise) {
  TValue a = to_tensor(a0), b = to_tensor(b0);
  if (a.type.shape.size() == 3 && b.type.shape.size() == 3) {
    // Batched (3-D) dot: one 2-D dot per batch index (a power of two), as Triton's [B, M, K] x [B, K, N].
    int64_t B = a.type.shape[0];
    if (b.type.shape[0] != B) fail(fmt::format("tl.dot: batch sizes differ ([{}] x [{}])", fmt::join(a.type.shape, ", "), fmt::join(b.type.shape, ", ")));
    if (!ir::is_power_of_two(B)) fail(fmt::format("tl.dot: the batch size must be a power of two, got {}", B));
    std::vector<TValue> as = unstack(*this, a), bs = unstack(*this, b), cs;
    if (acc) {
      TValue c = to_tensor(*acc);
      if (c.type.shape.size() != 3 || c.type.shape[0] != B) fail(fmt::format("tl.dot accumulator has shape [{}], expected [{}, {}, {}]", fmt::join(c.type.shape, ", "), B, a.type.shape[1], b.type.shape[2]));
      cs = unstack(*this, c);
    }
    std::vector<TValue> outs;
    for (int64_t i = 0; i < B; ++i)
      outs.push_back(dot(as[static_cast<size_t>(i)], bs[static_cast<size_t>(i)], acc ? std::optional<TValue>(cs[static_cast<size_t>(i)]) : std::nullopt, precision, out_dtype, max_imprecise));
    return stack(*this, outs, 0, outs.size());
  }
  if (a.type.shape.size() != 2 || b.type.shape.size() != 2)
    fail(fmt::format("tl.dot needs 2-D operands, got shapes [{}] and [{}]", fmt::join(a.type.shape, ", "), fmt::join(b.type.shape, ", ")));
  if (a.type.shape[1] != b.type.shape[0])
    fail(fmt::format("tl.dot: the inner dimensions differ ([{}] x [{}])", fmt::join(a.type.shape, ", "), fmt::join(b.type.shape, ", ")));
  if (!a.type.is_scalar_kind() || !b.type.is_scalar_kind()) fail("tl.dot needs numeric operands");
  // fp8 operands: every fp8 value is exact in fp16, so the products are those of Triton's fp8 dot.
  if (a.type.is_fp8()) a = cast(a, DT::F16);
  if (b.type.is_fp8()) b = cast(b, DT::F16);
  if (a.type.dt != b.type.dt) {
    if (!(dt_is_float(a.type.dt) && dt_is_float(b.type.dt))) fail(fmt::format("tl.dot operands have different types {} and {}", dt_name(a.type.dt), dt_name(b.type.dt)));
    DT wide = dt_bits(a.type.dt) >= dt_bits(b.type.dt) && a.type.dt != DT::BF16 ? a.type.dt : b.type.dt;
    a = cast(a, wide);
    b = cast(b, wide);
  }
  if (dt_is_int(a.type.dt) && (a.type.dt != DT::I8 || b.type.dt != DT::I8))
    fail(fmt::format("integer tl.dot needs int8 operands (as Triton), got {} and {}", dt_name(a.type.dt), dt_name(b.type.dt)));
  std::string prec = precision;
  if (prec.empty()) prec = a.type.dt == DT::F32 ? "tf32" : "ieee";
  if (prec != "tf32" && prec != "tf32x3" && prec != "ieee") fail(fmt::format("input_precision must be 'tf32', 'tf32x3' or 'ieee', got '{}'", prec));
  std::vector<int64_t> shape = {a.type.shape[0], b.type.shape[1]};
  DT out = dt_is_int(a.type.dt) ? DT::I32 : out_dtype;
  if (out == DT::F64) fail("fp64 is not supported: Metal has no double type");
  TValue c;
  if (acc) {
    c = to_tensor(*acc);
    if (c.type.shape != shape) fail(fmt::format("tl.dot accumulator has shape [{}], expected [{}]", fmt::join(c.type.shape, ", "), fmt::join(shape, ", ")));
    if (!c.type.is_scalar_kind()) fail("tl.dot accumulator must be numeric");
    if (dt_is_int(a.type.dt) && c.type.dt != DT::I32) fail(fmt::format("an int8 tl.dot accumulates in int32, got an accumulator of {}", dt_name(c.type.dt)));
  } else {
    c = constant(dt_is_float(out) ? TValue::real(0) : TValue::integer(0), FType::scalar(out).with_shape(shape));
  }
  ir::AttrDict attrs = {{"inputPrecision", prec}};
  if (max_imprecise > 0) attrs["maxNumImpreciseAcc"] = ir::Attribute::integer(max_imprecise);
  return make(OpCode::Dot, {&a, &b, &c}, c.type, std::move(attrs));
}

TValue Semantic::histogram(const TValue& x0, int64_t bins) {
  TValue x = to_tensor(x0);
  if (x.type.shape.size() != 1 || !x.type.is_int()) fail("tl.histogram needs a 1-D integer tensor");
  check_block_shape({bins});
  return make(OpCode::Histogram, {&x}, FType::scalar(DT::I32).with_shape({bins}));
}

}  // namespace tmetal::frontend
