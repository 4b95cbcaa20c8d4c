// Matmul op family: out = alpha * op(a) @ op(b), op = optional transpose of the last two dimensions
// (attributes transpose_a, transpose_b, alpha). Inputs have rank >= 2; leading (batch) dimensions
// broadcast with numpy rules. Shape rule: [..., M, K] x [..., K, N] -> [broadcast(...), M, N].
#include "attrs.h"
#include "op_registry.h"
#include "shape_math.h"

#include <fmt/core.h>

namespace tmetal::graph {
namespace {

struct MatmulDims {
  Shape batch;
  int64_t m, k, n;
};

MatmulDims matmul_dims(const Node& node, const std::vector<TensorType>& in) {
  for (size_t i = 0; i < 2; ++i) {
    if (in[i].shape.size() < 2)
      throw OpError(fmt::format("input '{}' has shape {}, expected rank >= 2", node.inputs[i], shape_str(in[i].shape)));
    if (!is_float(in[i].dtype))
      throw OpError(fmt::format("input '{}' has dtype {}, expected a floating-point dtype", node.inputs[i],
                                dtype_name(in[i].dtype)));
  }
  if (in[0].dtype != in[1].dtype)
    throw OpError(fmt::format("input '{}' has dtype {}, expected {} like input '{}'", node.inputs[1],
                              dtype_name(in[1].dtype), dtype_name(in[0].dtype), node.inputs[0]));
  bool ta = attr::get_bool(node, "transpose_a", false), tb = attr::get_bool(node, "transpose_b", false);
  attr::get_float(node, "alpha", 1.0);
  const Shape& a = in[0].shape;
  const Shape& b = in[1].shape;
  int64_t m = ta ? a[a.size() - 1] : a[a.size() - 2];
  int64_t ka = ta ? a[a.size() - 2] : a[a.size() - 1];
  int64_t kb = tb ? b[b.size() - 1] : b[b.size() - 2];
  int64_t n = tb ? b[b.size() - 2] : b[b.size() - 1];
  if (ka != kb)
    throw OpError(fmt::format("input '{}' has shape {}{}, expected inner dimension {} (from input '{}' {}{})",
                              node.inputs[1], shape_str(b), tb ? " (transposed)" : "", ka, node.inputs[0], shape_str(a),
                              ta ? " (transposed)" : ""));
  Shape ba(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
  auto batch = broadcast_shapes(ba, bb);
  if (!batch)
    throw OpError(fmt::format("batch dimensions of '{}' {} and '{}' {} cannot be broadcast together", node.inputs[0],
                              shape_str(a), node.inputs[1], shape_str(b)));
  return {*batch, m, ka, n};
}

std::vector<TensorType> infer_matmul(const Node& node, const std::vector<TensorType>& in) {
  auto d = matmul_dims(node, in);
  Shape out = d.batch;
  out.push_back(d.m);
  out.push_back(d.n);
  return {{out, in[0].dtype}};
}

std::vector<TensorValue> eval_matmul(const Node& node, const std::vector<const TensorValue*>& in,
                                     const std::vector<TensorType>& out_types) {
  std::vector<TensorType> types{{in[0]->shape, DType::F32}, {in[1]->shape, DType::F32}};
  auto d = matmul_dims(node, types);
  bool ta = attr::get_bool(node, "transpose_a", false), tb = attr::get_bool(node, "transpose_b", false);
  double alpha = attr::get_float(node, "alpha", 1.0);
  const Shape& as = in[0]->shape;
  const Shape& bs = in[1]->shape;
  Shape abatch(as.begin(), as.end() - 2), bbatch(bs.begin(), bs.end() - 2);
  auto amap = broadcast_index_map(abatch, d.batch), bmap = broadcast_index_map(bbatch, d.batch);
  int64_t a_mat = as[as.size() - 2] * as.back(), b_mat = bs[bs.size() - 2] * bs.back();
  int64_t a_cols = as.back(), b_cols = bs.back();
  TensorValue r{out_types[0].shape, std::vector<double>(static_cast<size_t>(numel(out_types[0].shape)))};
  for (size_t bi = 0; bi < amap.size(); ++bi) {
    const double* a = in[0]->data.data() + amap[bi] * a_mat;
    const double* b = in[1]->data.data() + bmap[bi] * b_mat;
    double* o = r.data.data() + bi * d.m * d.n;
    for (int64_t i = 0; i < d.m; ++i)
      for (int64_t j = 0; j < d.n; ++j) {
        double acc = 0;
        for (int64_t k = 0; k < d.k; ++k) {
          double av = ta ? a[k * a_cols + i] : a[i * a_cols + k];
          double bv = tb ? b[j * b_cols + k] : b[k * b_cols + j];
          acc += av * bv;
        }
        o[i * d.n + j] = alpha * acc;
      }
  }
  return {r};
}

}  // namespace

std::vector<OpDef> matmul_ops() { return {{"matmul", OpKind::Matmul, 2, 2, infer_matmul, eval_matmul, 2}}; }

}  // namespace tmetal::graph
