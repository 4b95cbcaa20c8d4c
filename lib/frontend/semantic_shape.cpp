// Triton semantics, shape part: splat, broadcasting (Triton's rules: left-pad the rank with 1s, then
// stretch dimensions of size 1), expand_dims, reshape/view, permute, join/split, arange and full.
#include "frontend/semantic.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace tmetal::frontend {

using ir::OpCode;

TValue Semantic::splat(const TValue& x0, const std::vector<int64_t>& shape) {
  TValue x = to_tensor(x0);
  if (x.type.is_tensor()) return broadcast_to(x, shape);
  if (shape.empty()) return x;
  return make(OpCode::Splat, {&x}, x.type.with_shape(shape));
}

TValue Semantic::broadcast_to(const TValue& x0, const std::vector<int64_t>& shape) {
  TValue x = to_tensor(x0);
  if (!x.type.is_tensor()) return splat(x, shape);
  if (x.type.shape == shape) return x;
  auto src = x.type.shape;
  if (src.size() > shape.size()) fail(fmt::format("cannot broadcast shape [{}] to [{}]", fmt::join(src, ", "), fmt::join(shape, ", ")));
  while (src.size() < shape.size()) {
    x = expand_dims(x, 0);
    src = x.type.shape;
  }
  for (size_t i = 0; i < shape.size(); ++i)
    if (src[i] != shape[i] && src[i] != 1) fail(fmt::format("cannot broadcast shape [{}] to [{}]: dimension {} has size {}, expected 1 or {}", fmt::join(src, ", "), fmt::join(shape, ", "), i, src[i], shape[i]));
  if (src == shape) return x;
  return make(OpCode::Broadcast, {&x}, x.type.with_shape(shape));
}

std::pair<TValue, TValue> Semantic::broadcast_pair(const TValue& a0, const TValue& b0) {
  TValue a = to_tensor(a0), b = to_tensor(b0);
  const auto& sa = a.type.shape;
  const auto& sb = b.type.shape;
  if (sa == sb) return {a, b};
  if (sa.empty()) return {splat(a, sb), b};
  if (sb.empty()) return {a, splat(b, sa)};
  size_t rank = std::max(sa.size(), sb.size());
  std::vector<int64_t> pa(rank - sa.size(), 1), pb(rank - sb.size(), 1);
  pa.insert(pa.end(), sa.begin(), sa.end());
  pb.insert(pb.end(), sb.begin(), sb.end());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    if (pa[i] != pb[i] && pa[i] != 1 && pb[i] != 1)
      fail(fmt::format("incompatible shapes [{}] and [{}]: dimension {} is {} and {}", fmt::join(sa, ", "), fmt::join(sb, ", "), i, pa[i], pb[i]));
    out[i] = std::max(pa[i], pb[i]);
  }
  return {broadcast_to(a, out), broadcast_to(b, out)};
}

TValue Semantic::expand_dims(const TValue& x0, int64_t axis) {
  TValue x = to_tensor(x0);
  auto shape = x.type.shape;
  int64_t rank = static_cast<int64_t>(shape.size());
  if (axis < 0) axis += rank + 1;
  if (axis < 0 || axis > rank) fail(fmt::format("expand_dims axis {} is out of range for a tensor of rank {}", axis, rank));
  shape.insert(shape.begin() + axis, 1);
  if (rank == 0) return splat(x, shape);
  return make(OpCode::ExpandDims, {&x}, x.type.with_shape(shape), {{"axis", ir::Attribute::integer(axis)}});
}

TValue Semantic::reshape(const TValue& x0, const std::vector<int64_t>& shape, bool can_reorder) {
  TValue x = to_tensor(x0);
  check_block_shape(shape);
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  int64_t have = 1;
  for (int64_t d : x.type.shape) have *= d;
  if (n != have) fail(fmt::format("cannot reshape a tensor of {} elements into shape [{}]", have, fmt::join(shape, ", ")));
  if (!x.type.is_tensor()) return splat(x, shape);
  if (x.type.shape == shape) return x;
  ir::AttrDict attrs;
  if (can_reorder) attrs["allow_reorder"] = true;
  return make(OpCode::Reshape, {&x}, x.type.with_shape(shape), std::move(attrs));
}

TValue Semantic::permute(const TValue& x0, const std::vector<int64_t>& order) {
  TValue x = to_tensor(x0);
  size_t rank = x.type.shape.size();
  std::vector<int64_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  bool ok = order.size() == rank;
  for (size_t i = 0; ok && i < rank; ++i) ok = sorted[i] == static_cast<int64_t>(i);
  if (!ok) fail(fmt::format("permutation ({}) does not match a tensor of rank {}", fmt::join(order, ", "), rank));
  std::vector<int64_t> shape;
  for (int64_t d : order) shape.push_back(x.type.shape[static_cast<size_t>(d)]);
  return make(OpCode::Trans, {&x}, x.type.with_shape(shape), {{"order", ir::Attribute::array(order)}});
}

TValue Semantic::join(const TValue& a0, const TValue& b0) {
  auto [a, b] = broadcast_pair(a0, b0);
  if (a.type != b.type) fail(fmt::format("tl.join needs operands of one type, got {} and {}", a.type.element().str(), b.type.element().str()));
  if (!a.type.is_tensor()) return reshape(join(splat(a, {1}), splat(b, {1})), {2}, false);  // scalars join into a [2] tensor
  auto shape = a.type.shape;
  shape.push_back(2);
  return make(OpCode::Join, {&a, &b}, a.type.with_shape(shape));
}

std::pair<TValue, TValue> Semantic::split(const TValue& x0) {
  TValue x = to_tensor(x0);
  auto shape = x.type.shape;
  if (shape.empty() || shape.back() != 2) fail("tl.split needs a tensor whose last dimension is 2");
  if (shape.size() == 1) {
    // [2] splits into two scalars: split [1, 2] and take each one-element half's only element.
    auto [a, b] = split(reshape(x, {1, 2}, false));
    auto only = [&](const TValue& h) {
      return reduce({h}, 0, false, [&](const std::vector<TValue>& l, const std::vector<TValue>&) { return std::vector<TValue>{l[0]}; })[0];
    };
    return {only(a), only(b)};
  }
  shape.pop_back();
  locate();
  FType rt = x.type.with_shape(shape);
  ir::Operation* op = b_.create(OpCode::Split, {x.value}, {rt.ir_type(), rt.ir_type()});
  return {TValue::tensor(op->result(0), rt), TValue::tensor(op->result(1), rt)};
}

TValue Semantic::arange(int64_t start, int64_t end) {
  if (end <= start) fail(fmt::format("tl.arange needs end > start, got ({}, {})", start, end));
  if (start < 0 || end > INT32_MAX) fail("tl.arange bounds must fit in int32");
  int64_t n = end - start;
  if (!ir::is_power_of_two(n)) fail(fmt::format("tl.arange's range must have a power-of-two length, got {}", n));
  check_block_shape({n});
  locate();
  FType t = FType::scalar(DT::I32).with_shape({n});
  ir::Value* v = b_.value(OpCode::MakeRange, {}, t.ir_type(), {{"start", ir::Attribute::integer(start)}, {"end", ir::Attribute::integer(end)}});
  return TValue::tensor(v, t);
}

TValue Semantic::full(const std::vector<int64_t>& shape, const TValue& value, DT dtype) {
  if (dtype == DT::F64) fail("fp64 is not supported: Metal has no double type");
  check_block_shape(shape);
  if (value.is_number()) return constant(value, FType::scalar(dtype).with_shape(shape));
  TValue v = to_tensor(value);
  if (v.type.is_tensor()) fail("tl.full needs a scalar value");
  return splat(cast(v, dtype), shape);
}

}  // namespace tmetal::frontend
