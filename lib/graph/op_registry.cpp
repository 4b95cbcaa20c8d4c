// Joins the per-family op tables into one lookup.
#include "op_registry.h"

namespace tmetal::graph {

const std::vector<OpDef>& all_ops() {
  static const std::vector<OpDef> ops = [] {
    std::vector<OpDef> all;
    for (auto family : {elementwise_ops, matmul_ops, conv_ops, norm_ops, reduce_ops, shape_ops}) {
      auto rows = family();
      all.insert(all.end(), rows.begin(), rows.end());
    }
    return all;
  }();
  return ops;
}

const OpDef* find_op(const std::string& name) {
  for (const auto& op : all_ops())
    if (op.name == name) return &op;
  return nullptr;
}

}  // namespace tmetal::graph
