// Normalization op family, all row-wise along one axis: softmax and log_softmax (axis, default -1),
// layer_norm (x, optional gamma and beta over the last axis; eps), rms_norm (x, optional gamma; eps),
// and inference batch_norm (x, scale, bias, mean, var per channel; eps; layout NCHW or NHWC).
// Shape rule: the output has the input's shape and dtype; parameter vectors match the normalized axis.
#include "attrs.h"
#include "op_registry.h"
#include "row_view.h"

#include <fmt/core.h>

#include <cmath>
#include <limits>

namespace tmetal::graph {
namespace {

void require_float(const Node& node, const TensorType& t) {
  if (!is_float(t.dtype))
    throw OpError(fmt::format("input '{}' has dtype {}, expected a floating-point dtype", node.inputs[0], dtype_name(t.dtype)));
}

void require_vector(const Node& node, const std::vector<TensorType>& in, size_t i, int64_t len, const char* role) {
  if (in[i].shape != Shape{len})
    throw OpError(fmt::format("input '{}' ({}) has shape {}, expected [{}]", node.inputs[i], role, shape_str(in[i].shape), len));
  if (in[i].dtype != in[0].dtype)
    throw OpError(fmt::format("input '{}' ({}) has dtype {}, expected {}", node.inputs[i], role, dtype_name(in[i].dtype),
                              dtype_name(in[0].dtype)));
}

std::vector<TensorType> infer_softmax(const Node& node, const std::vector<TensorType>& in) {
  require_float(node, in[0]);
  attr::normalize_axis(attr::get_int(node, "axis", -1), in[0].shape.size(), "axis");
  return {in[0]};
}

std::vector<TensorValue> eval_softmax(const Node& node, const std::vector<const TensorValue*>& in, bool log) {
  int64_t axis = attr::normalize_axis(attr::get_int(node, "axis", -1), in[0]->shape.size(), "axis");
  RowView v(in[0]->shape, axis);
  TensorValue r = *in[0];
  for (int64_t row = 0; row < v.rows(); ++row) {
    double mx = -std::numeric_limits<double>::infinity();
    for (int64_t i = 0; i < v.len; ++i) mx = std::max(mx, in[0]->data[v.index(row, i)]);
    double sum = 0;
    for (int64_t i = 0; i < v.len; ++i) sum += std::exp(in[0]->data[v.index(row, i)] - mx);
    for (int64_t i = 0; i < v.len; ++i) {
      double x = in[0]->data[v.index(row, i)] - mx;
      r.data[v.index(row, i)] = log ? x - std::log(sum) : std::exp(x) / sum;
    }
  }
  return {r};
}

std::vector<TensorType> infer_last_axis_norm(const Node& node, const std::vector<TensorType>& in) {
  require_float(node, in[0]);
  if (in[0].shape.empty()) throw OpError(fmt::format("input '{}' is a scalar, expected rank >= 1", node.inputs[0]));
  attr::get_float(node, "eps", 1e-5);
  int64_t len = in[0].shape.back();
  if (in.size() > 1) require_vector(node, in, 1, len, "gamma");
  if (in.size() > 2) require_vector(node, in, 2, len, "beta");
  return {in[0]};
}

std::vector<TensorValue> eval_norm(const Node& node, const std::vector<const TensorValue*>& in, bool rms) {
  double eps = attr::get_float(node, "eps", rms ? 1e-6 : 1e-5);
  RowView v(in[0]->shape, static_cast<int64_t>(in[0]->shape.size()) - 1);
  TensorValue r = *in[0];
  for (int64_t row = 0; row < v.rows(); ++row) {
    const double* x = in[0]->data.data() + row * v.len;
    double mean = 0, sq = 0;
    for (int64_t i = 0; i < v.len; ++i) mean += x[i];
    mean = rms ? 0.0 : mean / v.len;
    for (int64_t i = 0; i < v.len; ++i) sq += (x[i] - mean) * (x[i] - mean);
    double inv = 1.0 / std::sqrt(sq / v.len + eps);
    for (int64_t i = 0; i < v.len; ++i) {
      double y = (x[i] - mean) * inv;
      if (in.size() > 1) y *= in[1]->data[i];
      if (in.size() > 2) y += in[2]->data[i];
      r.data[row * v.len + i] = y;
    }
  }
  return {r};
}

int64_t bn_axis(const Node& node, size_t rank) {
  std::string layout = attr::get_string(node, "layout", "NCHW");
  if (layout != "NCHW" && layout != "NHWC")
    throw OpError(fmt::format("attribute 'layout' = '{}', expected \"NCHW\" or \"NHWC\"", layout));
  if (rank < 2) throw OpError("batch_norm input must have rank >= 2");
  return layout == "NHWC" ? static_cast<int64_t>(rank) - 1 : 1;
}

std::vector<TensorType> infer_batch_norm(const Node& node, const std::vector<TensorType>& in) {
  require_float(node, in[0]);
  int64_t c = in[0].shape[static_cast<size_t>(bn_axis(node, in[0].shape.size()))];
  const char* roles[] = {"", "scale", "bias", "mean", "var"};
  for (size_t i = 1; i < 5; ++i) require_vector(node, in, i, c, roles[i]);
  attr::get_float(node, "eps", 1e-5);
  return {in[0]};
}

std::vector<TensorValue> eval_batch_norm(const Node& node, const std::vector<const TensorValue*>& in,
                                         const std::vector<TensorType>&) {
  int64_t axis = bn_axis(node, in[0]->shape.size());
  double eps = attr::get_float(node, "eps", 1e-5);
  RowView v(in[0]->shape, axis);
  TensorValue r = *in[0];
  for (int64_t row = 0; row < v.rows(); ++row)
    for (int64_t c = 0; c < v.len; ++c) {
      int64_t k = v.index(row, c);
      r.data[k] = (in[0]->data[k] - in[3]->data[c]) / std::sqrt(in[4]->data[c] + eps) * in[1]->data[c] + in[2]->data[c];
    }
  return {r};
}

}  // namespace

std::vector<OpDef> norm_ops() {
  return {
      {"softmax", OpKind::RowReduction, 1, 1, infer_softmax,
       [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>&) {
         return eval_softmax(n, in, false);
       }},
      {"log_softmax", OpKind::RowReduction, 1, 1, infer_softmax,
       [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>&) {
         return eval_softmax(n, in, true);
       }},
      {"layer_norm", OpKind::RowReduction, 1, 3, infer_last_axis_norm,
       [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>&) {
         return eval_norm(n, in, false);
       }},
      {"rms_norm", OpKind::RowReduction, 1, 2, infer_last_axis_norm,
       [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>&) {
         return eval_norm(n, in, true);
       }},
      {"batch_norm", OpKind::Elementwise, 5, 5, infer_batch_norm, eval_batch_norm, 2},
  };
}

}  // namespace tmetal::graph
