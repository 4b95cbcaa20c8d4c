// Elementwise op family: unary math (neg, exp, log, sqrt, rsqrt, tanh, sigmoid, relu, gelu, silu, abs),
// cast, causal_mask, and broadcasting binary ops (add, sub, mul, div, pow, maximum, minimum).
// Shape rule: unary ops keep their input's shape and dtype; binary ops broadcast (numpy rules) two
// inputs of the same dtype.
#include "attrs.h"
#include "op_registry.h"
#include "shape_math.h"

#include <fmt/core.h>

#include <cmath>
#include <limits>

namespace tmetal::graph {
namespace {

using Unary = double (*)(double, const Node&);

double gelu(double x, const Node& node) {
  if (attr::get_string(node, "approximate", "none") == "tanh") {
    const double c = std::sqrt(2.0 / M_PI);
    return 0.5 * x * (1.0 + std::tanh(c * (x + 0.044715 * x * x * x)));
  }
  return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
}

struct UnaryRow {
  const char* name;
  Unary fn;
  bool float_only;
  double flops;
};
const UnaryRow kUnary[] = {
    {"neg", [](double x, const Node&) { return -x; }, false, 1},
    {"abs", [](double x, const Node&) { return std::fabs(x); }, false, 1},
    {"relu", [](double x, const Node&) { return x > 0 ? x : 0.0; }, false, 1},
    {"exp", [](double x, const Node&) { return std::exp(x); }, true, 4},
    {"log", [](double x, const Node&) { return std::log(x); }, true, 4},
    {"sqrt", [](double x, const Node&) { return std::sqrt(x); }, true, 4},
    {"rsqrt", [](double x, const Node&) { return 1.0 / std::sqrt(x); }, true, 4},
    {"tanh", [](double x, const Node&) { return std::tanh(x); }, true, 8},
    {"sigmoid", [](double x, const Node&) { return 1.0 / (1.0 + std::exp(-x)); }, true, 6},
    {"silu", [](double x, const Node&) { return x / (1.0 + std::exp(-x)); }, true, 6},
    {"gelu", gelu, true, 12},
};

struct BinaryRow {
  const char* name;
  double (*fn)(double, double);
  bool float_only;
};
const BinaryRow kBinary[] = {
    {"add", [](double a, double b) { return a + b; }, false},
    {"sub", [](double a, double b) { return a - b; }, false},
    {"mul", [](double a, double b) { return a * b; }, false},
    {"div", [](double a, double b) { return a / b; }, true},
    {"pow", [](double a, double b) { return std::pow(a, b); }, true},
    {"maximum", [](double a, double b) { return std::max(a, b); }, false},
    {"minimum", [](double a, double b) { return std::min(a, b); }, false},
};

void require_float(const Node& node, const TensorType& t, size_t i) {
  if (!is_float(t.dtype))
    throw OpError(fmt::format("input '{}' has dtype {}, expected a floating-point dtype", node.inputs[i],
                              dtype_name(t.dtype)));
}

TensorValue map_unary(const TensorValue& in, const std::function<double(double)>& f) {
  TensorValue out{in.shape, std::vector<double>(in.data.size())};
  for (size_t i = 0; i < in.data.size(); ++i) out.data[i] = f(in.data[i]);
  return out;
}

}  // namespace

std::vector<OpDef> elementwise_ops() {
  std::vector<OpDef> ops;
  for (const auto& row : kUnary) {
    bool float_only = row.float_only;
    Unary fn = row.fn;
    ops.push_back({row.name, OpKind::Elementwise, 1, 1,
                   [float_only](const Node& n, const std::vector<TensorType>& in) {
                     if (float_only) require_float(n, in[0], 0);
                     return std::vector<TensorType>{in[0]};
                   },
                   [fn](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>&) {
                     return std::vector<TensorValue>{map_unary(*in[0], [&](double x) { return fn(x, n); })};
                   },
                   row.flops});
  }
  for (const auto& row : kBinary) {
    bool float_only = row.float_only;
    auto fn = row.fn;
    ops.push_back({row.name, OpKind::Elementwise, 2, 2,
                   [float_only](const Node& n, const std::vector<TensorType>& in) {
                     if (in[0].dtype != in[1].dtype)
                       throw OpError(fmt::format("input '{}' has dtype {}, expected {} like input '{}'", n.inputs[1],
                                                 dtype_name(in[1].dtype), dtype_name(in[0].dtype), n.inputs[0]));
                     if (float_only) require_float(n, in[0], 0);
                     auto shape = broadcast_shapes(in[0].shape, in[1].shape);
                     if (!shape)
                       throw OpError(fmt::format("inputs '{}' {} and '{}' {} cannot be broadcast together", n.inputs[0],
                                                 shape_str(in[0].shape), n.inputs[1], shape_str(in[1].shape)));
                     return std::vector<TensorType>{{*shape, in[0].dtype}};
                   },
                   [fn](const Node&, const std::vector<const TensorValue*>& in, const std::vector<TensorType>& out) {
                     const Shape& shape = out[0].shape;
                     auto ma = broadcast_index_map(in[0]->shape, shape);
                     auto mb = broadcast_index_map(in[1]->shape, shape);
                     TensorValue r{shape, std::vector<double>(ma.size())};
                     for (size_t i = 0; i < ma.size(); ++i) r.data[i] = fn(in[0]->data[ma[i]], in[1]->data[mb[i]]);
                     return std::vector<TensorValue>{r};
                   },
                   1});
  }
  // cast: attribute dtype; the value is rounded to what the new dtype stores.
  ops.push_back({"cast", OpKind::Elementwise, 1, 1,
                 [](const Node& n, const std::vector<TensorType>& in) {
                   std::string name = attr::get_string(n, "dtype", "");
                   auto dtype = parse_dtype(name);
                   if (!dtype) throw OpError(fmt::format("attribute 'dtype' = '{}' is not a known dtype", name));
                   return std::vector<TensorType>{{in[0].shape, *dtype}};
                 },
                 [](const Node&, const std::vector<const TensorValue*>& in, const std::vector<TensorType>& out) {
                   DType dt = out[0].dtype;
                   return std::vector<TensorValue>{map_unary(*in[0], [dt](double x) { return round_to_dtype(x, dt); })};
                 },
                 1});
  // causal_mask: x[..., i, j] = -inf where j > i + (cols - rows) (keys after the query's position).
  ops.push_back({"causal_mask", OpKind::Elementwise, 1, 1,
                 [](const Node& n, const std::vector<TensorType>& in) {
                   require_float(n, in[0], 0);
                   if (in[0].shape.size() < 2)
                     throw OpError(fmt::format("input '{}' has shape {}, expected rank >= 2", n.inputs[0],
                                               shape_str(in[0].shape)));
                   return std::vector<TensorType>{in[0]};
                 },
                 [](const Node&, const std::vector<const TensorValue*>& in, const std::vector<TensorType>&) {
                   TensorValue r = *in[0];
                   int64_t rows = r.shape[r.shape.size() - 2], cols = r.shape.back();
                   for (size_t f = 0; f < r.data.size(); ++f) {
                     int64_t j = static_cast<int64_t>(f) % cols, i = (static_cast<int64_t>(f) / cols) % rows;
                     if (j > i + (cols - rows)) r.data[f] = -std::numeric_limits<double>::infinity();
                   }
                   return std::vector<TensorValue>{r};
                 },
                 1});
  return ops;
}

}  // namespace tmetal::graph
