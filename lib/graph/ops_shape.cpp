// Data-movement op family: transpose (perm), reshape (shape, one -1 allowed), concat (axis), slice
// (axes, starts, ends, steps; numpy clamping), embedding gather (table [V, D], integer ids -> ids.shape
// + [D]), rope (rotary position embedding of x [..., S, D], rotate-half form, attributes base and
// offset), and constant (attributes value, shape, dtype).
#include "attrs.h"
#include "op_registry.h"
#include "shape_math.h"

#include <fmt/core.h>

#include <cmath>

namespace tmetal::graph {
namespace {

std::vector<int64_t> perm_of(const Node& node, size_t rank) {
  std::vector<int64_t> def(rank);
  for (size_t i = 0; i < rank; ++i) def[i] = static_cast<int64_t>(rank - 1 - i);
  auto perm = attr::get_ints(node, "perm", def);
  std::vector<bool> seen(rank, false);
  if (perm.size() != rank) throw OpError(fmt::format("attribute 'perm' has {} entries, expected {}", perm.size(), rank));
  for (auto& p : perm) {
    p = attr::normalize_axis(p, rank, "perm");
    if (seen[p]) throw OpError("attribute 'perm' is not a permutation");
    seen[p] = true;
  }
  return perm;
}

Shape reshape_target(const Node& node, const Shape& in) {
  auto shape = attr::get_ints(node, "shape", {});
  if (!node.attrs.contains("shape")) throw OpError("attribute 'shape' is required");
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer_at >= 0) throw OpError("attribute 'shape' has more than one -1");
      infer_at = static_cast<int64_t>(i);
    } else if (shape[i] < 0) {
      throw OpError(fmt::format("attribute 'shape' has negative extent {}", shape[i]));
    } else {
      known *= shape[i];
    }
  }
  if (infer_at >= 0 && known > 0 && numel(in) % known == 0) shape[infer_at] = numel(in) / known;
  if (numel(shape) != numel(in) || (infer_at >= 0 && shape[infer_at] < 0))
    throw OpError(fmt::format("attribute 'shape' {} does not hold the {} elements of input '{}' {}",
                              shape_str(attr::get_ints(node, "shape", {})), numel(in), node.inputs[0], shape_str(in)));
  return shape;
}

struct SliceSpec {
  std::vector<int64_t> start, step;
  Shape out;
};
SliceSpec slice_spec(const Node& node, const Shape& in) {
  auto axes = attr::get_ints(node, "axes", {});
  auto starts = attr::get_ints(node, "starts", {});
  auto ends = attr::get_ints(node, "ends", {});
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  auto steps = attr::get_ints(node, "steps", std::vector<int64_t>(axes.size(), 1));
  if (starts.size() != axes.size() || ends.size() != axes.size() || steps.size() != axes.size())
    throw OpError("attributes 'axes', 'starts', 'ends' and 'steps' must have the same length");
  SliceSpec s{std::vector<int64_t>(in.size(), 0), std::vector<int64_t>(in.size(), 1), in};
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = attr::normalize_axis(axes[i], in.size(), "axes");
    if (steps[i] < 1) throw OpError("attribute 'steps' must be >= 1");
    auto clamp = [&](int64_t v) { return std::clamp(v < 0 ? v + in[a] : v, int64_t{0}, in[a]); };
    int64_t b = clamp(starts[i]), e = clamp(ends[i]);
    s.start[a] = b;
    s.step[a] = steps[i];
    s.out[a] = e > b ? (e - b + steps[i] - 1) / steps[i] : 0;
  }
  return s;
}

TensorValue gather(const TensorValue& in, const Shape& out, const std::function<int64_t(const std::vector<int64_t>&)>& src) {
  TensorValue r{out, std::vector<double>(static_cast<size_t>(numel(out)))};
  for (int64_t f = 0; f < numel(out); ++f) r.data[f] = in.data[src(unravel(f, out))];
  return r;
}

std::vector<TensorType> infer_constant(const Node& node, const std::vector<TensorType>&) {
  auto shape = attr::get_ints(node, "shape", {});
  std::string dt = attr::get_string(node, "dtype", "f32");
  auto dtype = parse_dtype(dt);
  if (!dtype) throw OpError(fmt::format("attribute 'dtype' = '{}' is not a known dtype", dt));
  auto it = node.attrs.find("value");
  if (it == node.attrs.end()) throw OpError("attribute 'value' is required");
  if (it->is_array()) {
    for (const auto& v : *it)
      if (!v.is_number()) throw OpError("attribute 'value' must be a number or a flat list of numbers");
    if (static_cast<int64_t>(it->size()) != numel(shape))
      throw OpError(fmt::format("attribute 'value' has {} numbers, expected {} for shape {}", it->size(), numel(shape), shape_str(shape)));
  } else if (!it->is_number()) {
    throw OpError("attribute 'value' must be a number or a flat list of numbers");
  }
  return {{shape, *dtype}};
}

}  // namespace

std::vector<OpDef> shape_ops() {
  std::vector<OpDef> ops;
  ops.push_back({"transpose", OpKind::DataMovement, 1, 1,
                 [](const Node& n, const std::vector<TensorType>& in) {
                   auto perm = perm_of(n, in[0].shape.size());
                   Shape out;
                   for (auto p : perm) out.push_back(in[0].shape[p]);
                   return std::vector<TensorType>{{out, in[0].dtype}};
                 },
                 [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>& o) {
                   auto perm = perm_of(n, in[0]->shape.size());
                   auto st = strides_of(in[0]->shape);
                   return std::vector<TensorValue>{gather(*in[0], o[0].shape, [&](const std::vector<int64_t>& idx) {
                     int64_t k = 0;
                     for (size_t d = 0; d < idx.size(); ++d) k += idx[d] * st[perm[d]];
                     return k;
                   })};
                 }});
  ops.push_back({"reshape", OpKind::View, 1, 1,
                 [](const Node& n, const std::vector<TensorType>& in) {
                   return std::vector<TensorType>{{reshape_target(n, in[0].shape), in[0].dtype}};
                 },
                 [](const Node&, const std::vector<const TensorValue*>& in, const std::vector<TensorType>& o) {
                   return std::vector<TensorValue>{{o[0].shape, in[0]->data}};
                 }});
  ops.push_back({"concat", OpKind::DataMovement, 1, -1,
                 [](const Node& n, const std::vector<TensorType>& in) {
                   int64_t axis = attr::normalize_axis(attr::get_int(n, "axis", 0), in[0].shape.size(), "axis");
                   Shape out = in[0].shape;
                   for (size_t i = 1; i < in.size(); ++i) {
                     if (in[i].dtype != in[0].dtype)
                       throw OpError(fmt::format("input '{}' has dtype {}, expected {}", n.inputs[i], dtype_name(in[i].dtype),
                                                 dtype_name(in[0].dtype)));
                     bool ok = in[i].shape.size() == out.size();
                     for (size_t d = 0; ok && d < out.size(); ++d)
                       ok = static_cast<int64_t>(d) == axis || in[i].shape[d] == out[d];
                     if (!ok)
                       throw OpError(fmt::format("input '{}' has shape {}, expected {} except along axis {}", n.inputs[i],
                                                 shape_str(in[i].shape), shape_str(in[0].shape), axis));
                     out[axis] += in[i].shape[axis];
                   }
                   return std::vector<TensorType>{{out, in[0].dtype}};
                 },
                 [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>& o) {
                   int64_t axis = attr::normalize_axis(attr::get_int(n, "axis", 0), in[0]->shape.size(), "axis");
                   TensorValue r{o[0].shape, std::vector<double>(static_cast<size_t>(numel(o[0].shape)))};
                   for (int64_t f = 0; f < numel(o[0].shape); ++f) {
                     auto idx = unravel(f, o[0].shape);
                     size_t i = 0;
                     while (idx[axis] >= in[i]->shape[axis]) idx[axis] -= in[i++]->shape[axis];
                     auto st = strides_of(in[i]->shape);
                     int64_t k = 0;
                     for (size_t d = 0; d < idx.size(); ++d) k += idx[d] * st[d];
                     r.data[f] = in[i]->data[k];
                   }
                   return std::vector<TensorValue>{r};
                 }});
  ops.push_back({"slice", OpKind::DataMovement, 1, 1,
                 [](const Node& n, const std::vector<TensorType>& in) {
                   return std::vector<TensorType>{{slice_spec(n, in[0].shape).out, in[0].dtype}};
                 },
                 [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>& o) {
                   auto s = slice_spec(n, in[0]->shape);
                   auto st = strides_of(in[0]->shape);
                   return std::vector<TensorValue>{gather(*in[0], o[0].shape, [&](const std::vector<int64_t>& idx) {
                     int64_t k = 0;
                     for (size_t d = 0; d < idx.size(); ++d) k += (s.start[d] + idx[d] * s.step[d]) * st[d];
                     return k;
                   })};
                 }});
  ops.push_back({"embedding", OpKind::DataMovement, 2, 2,
                 [](const Node& n, const std::vector<TensorType>& in) {
                   if (in[0].shape.size() != 2)
                     throw OpError(fmt::format("input '{}' (table) has shape {}, expected [vocab, dim]", n.inputs[0], shape_str(in[0].shape)));
                   if (is_float(in[1].dtype) || in[1].dtype == DType::Bool)
                     throw OpError(fmt::format("input '{}' (ids) has dtype {}, expected an integer dtype", n.inputs[1], dtype_name(in[1].dtype)));
                   Shape out = in[1].shape;
                   out.push_back(in[0].shape[1]);
                   return std::vector<TensorType>{{out, in[0].dtype}};
                 },
                 [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>& o) {
                   int64_t vocab = in[0]->shape[0], dim = in[0]->shape[1];
                   TensorValue r{o[0].shape, {}};
                   for (double id : in[1]->data) {
                     auto i = static_cast<int64_t>(id);
                     if (i < 0 || i >= vocab)
                       throw OpError(fmt::format("input '{}' (ids) holds id {} outside the table's {} rows", n.inputs[1], i, vocab));
                     r.data.insert(r.data.end(), in[0]->data.begin() + i * dim, in[0]->data.begin() + (i + 1) * dim);
                   }
                   return std::vector<TensorValue>{r};
                 }});
  ops.push_back({"rope", OpKind::DataMovement, 1, 1,
                 [](const Node& n, const std::vector<TensorType>& in) {
                   const Shape& s = in[0].shape;
                   if (s.size() < 2 || s.back() % 2 != 0)
                     throw OpError(fmt::format("input '{}' has shape {}, expected [..., seq, dim] with an even dim", n.inputs[0], shape_str(s)));
                   if (!is_float(in[0].dtype))
                     throw OpError(fmt::format("input '{}' has dtype {}, expected a floating-point dtype", n.inputs[0], dtype_name(in[0].dtype)));
                   attr::get_float(n, "base", 10000.0);
                   attr::get_int(n, "offset", 0);
                   return std::vector<TensorType>{in[0]};
                 },
                 [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>&) {
                   double base = attr::get_float(n, "base", 10000.0);
                   int64_t offset = attr::get_int(n, "offset", 0);
                   const Shape& s = in[0]->shape;
                   int64_t dim = s.back(), seq = s[s.size() - 2], half = dim / 2;
                   TensorValue r = *in[0];
                   for (int64_t row = 0; row < numel(s) / dim; ++row) {
                     double pos = static_cast<double>(row % seq + offset);
                     const double* x = in[0]->data.data() + row * dim;
                     double* y = r.data.data() + row * dim;
                     for (int64_t i = 0; i < half; ++i) {
                       double theta = pos * std::pow(base, -2.0 * static_cast<double>(i) / static_cast<double>(dim));
                       double c = std::cos(theta), sn = std::sin(theta);
                       y[i] = x[i] * c - x[i + half] * sn;
                       y[i + half] = x[i + half] * c + x[i] * sn;
                     }
                   }
                   return std::vector<TensorValue>{r};
                 }});
  ops.push_back({"constant", OpKind::Constant, 0, 0, infer_constant,
                 [](const Node& n, const std::vector<const TensorValue*>&, const std::vector<TensorType>& o) {
                   const auto& v = n.attrs.at("value");
                   TensorValue r{o[0].shape, {}};
                   if (v.is_array())
                     for (const auto& e : v) r.data.push_back(round_to_dtype(e.get<double>(), o[0].dtype));
                   else
                     r.data.assign(static_cast<size_t>(numel(o[0].shape)), round_to_dtype(v.get<double>(), o[0].dtype));
                   return std::vector<TensorValue>{r};
                 }});
  return ops;
}

}  // namespace tmetal::graph
