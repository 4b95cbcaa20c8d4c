// Axis analysis over a tile-IR function: the AxisInfo facts (axis_info.h) of every integer and pointer value,
// seeded from the specialization (the function's `tt.divisibility` per argument: 16-byte aligned pointers,
// integers divisible by 16), constants and `tt.make_range`, and propagated through the index arithmetic.
// Values the analysis cannot follow (loop-carried values, loads) get "nothing known".
#pragma once

#include "gpu/axis_info.h"
#include "ir/operation.h"

#include <unordered_map>

namespace tmetal::gpu {

class AxisAnalysis {
 public:
  explicit AxisAnalysis(ir::Operation& func);
  // Facts of `v` (unknown() of its shape when nothing was derived).
  AxisInfo get(const ir::Value* v) const;

 private:
  void visit(ir::Operation& op);
  std::unordered_map<const ir::Value*, AxisInfo> info_;
};

// Element shape of a value as a vector (empty for scalars).
std::vector<int64_t> shape_of(const ir::Value* v);

}  // namespace tmetal::gpu
