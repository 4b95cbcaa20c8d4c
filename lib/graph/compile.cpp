// compile_graph: the graph level's pipeline. Passes (DCE, CSE, constant folding, algebraic
// simplification, matmul merging, target precision) -> memory layout manager -> fusion into kernel
// groups bound to kernel templates -> memory plan -> traffic accounting.
#include "fusion.h"
#include "memory_planner.h"
#include "passes.h"

namespace tmetal::graph {

Plan compile_graph(const Graph& graph, const GraphTarget& target, const CompileOptions& options) {
  Plan plan;
  plan.target = target;
  plan.graph = graph;
  if (options.optimize) plan.passes = run_passes(plan.graph, target, options.passes, options.after_pass);
  LayoutResult layout = plan_layouts(plan.graph, target);
  plan.layouts = layout.decisions;
  plan.views = layout.views;
  plan.layout_conversions = layout.conversions;
  FusionResult fusion = fuse_graph(plan.graph, target, layout, options.fuse);
  plan.groups = std::move(fusion.groups);
  plan.fusions = std::move(fusion.decisions);
  plan.memory = plan_memory(plan.graph, plan.groups, plan.views);
  plan.traffic = account_traffic(graph, plan.graph, plan.groups, plan.views);
  return plan;
}

}  // namespace tmetal::graph
