// The table of graph ops: for each op its family, arity, shape/dtype inference and float64 evaluation.
// Each op family defines its rows in one file (ops_elementwise.cpp, ops_matmul.cpp, ops_conv.cpp,
// ops_norm.cpp, ops_reduce.cpp, ops_shape.cpp); this header joins them.
#pragma once

#include "triton_metal/graph.h"

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tmetal::graph {

// Thrown by inference and evaluation; the caller prefixes "file: node 'n' (op): ".
class OpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TensorType {
  Shape shape;
  DType dtype = DType::F32;
};

// What fusion and the memory layout manager need to know about an op.
enum class OpKind {
  Elementwise,   // out[i] = f(in[i]...) with broadcasting
  Matmul,        // batched matrix product
  Conv,          // conv2d
  Pool,          // max/avg pooling
  RowReduction,  // softmax, log_softmax, layer_norm, rms_norm, reduce_* (reduce along axes)
  DataMovement,  // transpose, concat, slice, embedding gather
  View,          // reshape: no data moved
  Constant,      // constant: no inputs
};

using InferFn = std::function<std::vector<TensorType>(const Node&, const std::vector<TensorType>&)>;
using EvalFn = std::function<std::vector<TensorValue>(const Node&, const std::vector<const TensorValue*>&,
                                                      const std::vector<TensorType>&)>;

struct OpDef {
  std::string name;
  OpKind kind;
  int min_inputs;
  int max_inputs;  // -1: any number
  InferFn infer;
  EvalFn eval;
  double flops_per_element = 1;  // rough cost per output element for elementwise ops
};

const OpDef* find_op(const std::string& name);
const std::vector<OpDef>& all_ops();

// Family tables (one per ops_*.cpp file).
std::vector<OpDef> elementwise_ops();
std::vector<OpDef> matmul_ops();
std::vector<OpDef> conv_ops();
std::vector<OpDef> norm_ops();
std::vector<OpDef> reduce_ops();
std::vector<OpDef> shape_ops();

}  // namespace tmetal::graph
