// The cost model's predicted time of a plan (target_cost_model.h): each kernel the plan launches is one
// roofline Workload (its arithmetic: 2·M·N·K per matmul, 2·out·Cin/groups·KH·KW per convolution, one op
// per output element of every other node; its device bytes: each input and output once) predicted on the
// plan's target; the plan's time is the sum over its kernels (launch overhead not modelled).
#include "triton_metal/graph.h"
#include "triton_metal/target_cost_model.h"

namespace tmetal::graph {

double predict_plan_seconds(const Plan& plan) {
  const Graph& g = plan.graph;
  tmetal::target::Target target = tmetal::target::resolve_target(plan.target.name);
  double total = 0;
  for (const auto& grp : plan.groups) {
    if (!grp.launches_kernel) continue;
    tmetal::target::Workload w;
    w.name = grp.name;
    double ops = 0;
    for (size_t i : grp.nodes) {
      const Node& n = g.nodes[i];
      double out = static_cast<double>(numel(g.tensor(n.outputs[0]).shape));
      if (n.op == "matmul") {
        const Shape& a = g.tensor(n.inputs[0]).shape;
        double k = static_cast<double>(n.attrs.value("transpose_a", false) ? a[a.size() - 2] : a.back());
        ops += 2 * out * k;
        w.kind = tmetal::target::ComputeKind::SimdgroupMatrix;
      } else if (n.op == "conv2d") {
        const Shape& wt = g.tensor(n.inputs[1]).shape;
        ops += 2 * out * static_cast<double>(wt[1] * wt[2] * wt[3]);
        w.kind = tmetal::target::ComputeKind::SimdgroupMatrix;
      } else {
        ops += out;
      }
    }
    w.ops[tmetal::DType::f32] = ops;
    for (const auto& t : grp.inputs) w.bytes_read += static_cast<double>(numel(g.tensor(t).shape) * dtype_bytes(g.tensor(t).dtype));
    for (const auto& t : grp.outputs) w.bytes_written += static_cast<double>(numel(g.tensor(t).shape) * dtype_bytes(g.tensor(t).dtype));
    total += tmetal::target::predict(target, w).seconds;
  }
  return total;
}

}  // namespace tmetal::graph
