// Plans run group by group (float64 per group, intermediates in the planner's pooled buffers) equal
// the unoptimized graph on random inputs; the planner reuses buffers and a bad reuse is caught.
#include "test_graphs.h"

#include <cmath>

namespace tmetal::graph {
namespace {

double plan_difference(const Graph& g, const Plan& plan, uint64_t seed) {
  auto inputs = random_inputs(g, seed);
  auto ref = run_reference(g, inputs);
  ReferenceGroupRunner runner;
  auto out = execute_plan(plan, inputs, runner);
  double worst = 0;
  for (const auto& name : g.outputs) {
    double scale = 1e-30, diff = 0;
    for (size_t i = 0; i < ref.at(name).data.size(); ++i) {
      scale = std::max(scale, std::fabs(ref.at(name).data[i]));
      diff = std::max(diff, std::fabs(ref.at(name).data[i] - out.at(name).data[i]));
    }
    worst = std::max(worst, diff / scale);
  }
  return worst;
}

TEST(Plan, EveryExampleOnEveryTargetMatchesTheReference) {
  for (const char* name : {"llama_block_small", "resnet_block_small", "mlp_gelu_small"})
    for (const char* target : {"m1", "m2", "m3", "m4", "m5"})
      for (bool fuse : {true, false}) {
        Graph g = testing::example(name);
        Plan plan = compile_graph(g, GraphTarget::from_name(target), {.fuse = fuse});
        EXPECT_LT(plan_difference(g, plan, 3), 1e-6) << name << " " << target << (fuse ? " fused" : " unfused");
      }
}

TEST(Plan, MemoryPlannerReusesBuffers) {
  Graph g = testing::example("llama_block_small");
  Plan plan = compile_graph(g, GraphTarget::from_name("m1"), {.fuse = false});
  EXPECT_LT(plan.memory.intermediate_bytes, plan.memory.unplanned_bytes);
  EXPECT_LE(plan.memory.peak_live_bytes, plan.memory.intermediate_bytes);
  EXPECT_GT(plan.memory.peak_live_bytes, 0);
  // every assignment fits its buffer and no two overlapping lifetimes share one
  for (const auto& a : plan.memory.assignments) {
    if (a.bytes == 0) continue;
    EXPECT_LE(a.bytes, plan.memory.buffer_bytes.at(static_cast<size_t>(a.buffer)));
    for (const auto& b : plan.memory.assignments)
      if (&a != &b && b.bytes && a.buffer == b.buffer) {
        EXPECT_TRUE(a.last_group < b.first_group || b.last_group < a.first_group) << a.tensor << " " << b.tensor;
      }
  }
}

TEST(Plan, ExecutingABadMemoryPlanFails) {
  Graph g = testing::example("llama_block_small");
  Plan plan = compile_graph(g, GraphTarget::from_name("m3"), {.fuse = false});
  // put every intermediate into buffer 0: a later group overwrites one still to be read
  plan.memory.buffer_bytes.assign(1, 1 << 20);
  for (auto& a : plan.memory.assignments) a.buffer = 0;
  ReferenceGroupRunner runner;
  EXPECT_THROW(execute_plan(plan, random_inputs(g, 1), runner), std::logic_error);
}

TEST(Plan, TrafficAccounting) {
  Plan p = compile_graph(testing::example("mlp_gelu_small"), GraphTarget::from_name("m3"));
  // minimum: x [4,16], w1 [16,64], b1 [64], w2 [64,16], b2 [16], y [4,16], all f32
  EXPECT_EQ(p.traffic.minimum_bytes, 4 * (64 + 1024 + 64 + 1024 + 16 + 64));
  // fused: the minimum plus act [4,64] written once and read once
  EXPECT_EQ(p.traffic.fused_bytes, p.traffic.minimum_bytes + 2 * 4 * 256);
  EXPECT_EQ(p.traffic.unfused_kernels, 5);
  EXPECT_GT(p.traffic.unfused_bytes, p.traffic.fused_bytes);
}

TEST(Plan, JsonAndKernelSources) {
  Graph g = testing::example("llama_block_small");
  Plan p = compile_graph(g, GraphTarget::from_name("m3"));
  auto j = plan_to_json(p);
  EXPECT_EQ(j["target"]["generation"], "M3");
  EXPECT_EQ(j["tensors"]["k_heads"]["view"]["root"], "q_proj_merged_out");
  for (const auto& grp : p.groups) {
    if (!grp.launches_kernel) continue;
    auto src = kernel_source_for(p, grp, default_kernels_dir());
    EXPECT_NE(src.source.find("@triton.jit"), std::string::npos) << grp.name;
    EXPECT_NE(src.source.find("def " + src.entry + "("), std::string::npos) << grp.name;
    if (grp.kind == "flash_attention") { EXPECT_EQ(src.constexprs["CAUSAL"], true); }
  }
  // every pointer argument names a tensor the group reads or writes
  for (const char* name : {"llama_block_small", "resnet_block_small", "mlp_gelu_small"})
    for (const char* target : {"m1", "m3"}) {
      Plan q = compile_graph(testing::example(name), GraphTarget::from_name(target));
      for (const auto& grp : q.groups) {
        if (!grp.params.contains("args")) continue;
        for (const auto& [arg, tensor] : grp.params["args"].items()) {
          bool known = std::count(grp.inputs.begin(), grp.inputs.end(), tensor.get<std::string>()) ||
                       std::count(grp.outputs.begin(), grp.outputs.end(), tensor.get<std::string>());
          EXPECT_TRUE(known) << name << " " << grp.name << " " << arg << " = " << tensor;
        }
      }
    }
  for (const auto& grp : p.groups) {
    if (grp.kind == "flash_attention") {
      EXPECT_EQ(grp.params["args"]["Q"], "q_heads");
      EXPECT_EQ(grp.params["args"]["K"], "k_heads");
      EXPECT_EQ(grp.params["args"]["V"], "v_heads");
    }
    if (grp.kind == "swiglu") {
      EXPECT_EQ(grp.params["args"]["X"], "resid_attn");  // the rms_norm prologue reads the residual stream
      EXPECT_EQ(grp.params["args"]["NormW"], "g_mlp");
    }
  }
  FusedGroup bogus = p.groups[0];
  bogus.kernel_template = "missing.py";
  EXPECT_THROW(kernel_source_for(p, bogus, default_kernels_dir()), GraphError);
}

}  // namespace
}  // namespace tmetal::graph
