// Reduction op family: reduce_sum, reduce_mean, reduce_max over attribute `axes` (default [-1]) with
// `keepdims` (default false). Shape rule: reduced axes are dropped (or kept as 1).
#include "attrs.h"
#include "op_registry.h"
#include "shape_math.h"

#include <fmt/core.h>

#include <limits>
#include <set>

namespace tmetal::graph {
namespace {

std::set<int64_t> reduced_axes(const Node& node, size_t rank) {
  std::set<int64_t> axes;
  for (int64_t a : attr::get_ints(node, "axes", {-1})) {
    int64_t n = attr::normalize_axis(a, rank, "axes");
    if (!axes.insert(n).second) throw OpError(fmt::format("attribute 'axes' repeats axis {}", n));
  }
  return axes;
}

Shape reduced_shape(const Shape& in, const std::set<int64_t>& axes, bool keep) {
  Shape out;
  for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d) {
    if (!axes.count(d)) out.push_back(in[d]);
    else if (keep) out.push_back(1);
  }
  return out;
}

std::vector<TensorType> infer_reduce(const Node& node, const std::vector<TensorType>& in) {
  auto axes = reduced_axes(node, in[0].shape.size());
  return {{reduced_shape(in[0].shape, axes, attr::get_bool(node, "keepdims", false)), in[0].dtype}};
}

enum class Kind { Sum, Mean, Max };

std::vector<TensorValue> eval_reduce(const Node& node, const std::vector<const TensorValue*>& in, Kind kind) {
  const Shape& s = in[0]->shape;
  auto axes = reduced_axes(node, s.size());
  Shape kept = reduced_shape(s, axes, true);
  auto kept_strides = strides_of(kept);
  Shape out_shape = reduced_shape(s, axes, attr::get_bool(node, "keepdims", false));
  std::vector<double> acc(static_cast<size_t>(numel(kept)),
                          kind == Kind::Max ? -std::numeric_limits<double>::infinity() : 0.0);
  int64_t count = numel(s) / std::max<int64_t>(1, numel(kept));
  for (int64_t f = 0; f < numel(s); ++f) {
    auto idx = unravel(f, s);
    int64_t k = 0;
    for (size_t d = 0; d < s.size(); ++d) k += (axes.count(static_cast<int64_t>(d)) ? 0 : idx[d]) * kept_strides[d];
    double v = in[0]->data[f];
    acc[k] = kind == Kind::Max ? std::max(acc[k], v) : acc[k] + v;
  }
  if (kind == Kind::Mean)
    for (auto& a : acc) a /= static_cast<double>(count);
  return {{out_shape, acc}};
}

}  // namespace

std::vector<OpDef> reduce_ops() {
  auto row = [](const char* name, Kind kind) {
    return OpDef{name, OpKind::RowReduction, 1, 1, infer_reduce,
                 [kind](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>&) {
                   return eval_reduce(n, in, kind);
                 }};
  };
  return {row("reduce_sum", Kind::Sum), row("reduce_mean", Kind::Mean), row("reduce_max", Kind::Max)};
}

}  // namespace tmetal::graph
