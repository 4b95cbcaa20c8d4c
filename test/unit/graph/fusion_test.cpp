// Fusion: the expected patterns on each example and target, generation gating with reasons, the rule
// that an intermediate read outside a pattern blocks it, and min_generation derived from the hardware.
#include "fusion_patterns.h"
#include "test_graphs.h"

#include <cmath>

namespace tmetal::graph {
namespace {

std::vector<std::string> applied(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& f : p.fusions)
    if (f.applied) out.push_back(f.pattern);
  return out;
}
const FusionDecision* refused(const Plan& p, const std::string& pattern) {
  for (const auto& f : p.fusions)
    if (!f.applied && f.pattern == pattern) return &f;
  return nullptr;
}

TEST(Fusion, MinGenerationIsDerivedFromTheHardwareModel) {
  std::map<std::string, Generation> expect = {{"flash_attention", Generation::M3}, {"swiglu", Generation::M3},
                                              {"conv_bn_relu", Generation::M1},    {"matmul_bias_act", Generation::M1},
                                              {"matmul_gelu", Generation::M1}};
  ASSERT_EQ(fusion_patterns().size(), expect.size());
  for (const auto& p : fusion_patterns()) {
    EXPECT_EQ(p.min_generation, expect.at(p.name)) << p.name;
    EXPECT_EQ(p.min_generation, derive_min_generation(p.requires_hw)) << p.name;
  }
  // a hypothetical M2 with dynamic caching would get flash attention
  GraphTarget t = GraphTarget::for_generation(Generation::M2);
  EXPECT_FALSE(requirement_failure(fusion_patterns()[0].requires_hw, t).empty());
  t.register_budget_per_thread = 64;
  EXPECT_TRUE(requirement_failure(fusion_patterns()[0].requires_hw, t).empty());
}

TEST(Fusion, DecoderOnM3FusesAttentionAndSwiglu) {
  Plan p = compile_graph(testing::example("llama_block_small"), GraphTarget::from_name("m3"));
  EXPECT_EQ(applied(p), (std::vector<std::string>{"flash_attention", "swiglu"}));
  EXPECT_EQ(p.traffic.fused_kernels, 5);
  EXPECT_EQ(p.traffic.unfused_kernels, 24);
  EXPECT_LE(p.traffic.fused_kernels * 3, p.traffic.unfused_kernels);
  for (const auto& g : p.groups)
    if (g.kind == "flash_attention") {
      EXPECT_TRUE(g.params["CAUSAL"].get<bool>());
      EXPECT_TRUE(g.params["ROPE"].get<bool>());
      EXPECT_NEAR(g.params["sm_scale"].get<double>(), 0.25, 1e-12);
      EXPECT_EQ(g.params["HEAD_DIM"], 16);
      EXPECT_EQ(g.kernel_template, "flash_attention.py");
    }
}

TEST(Fusion, DecoderOnM1RefusesGenerationGatedPatterns) {
  Plan p = compile_graph(testing::example("llama_block_small"), GraphTarget::from_name("m1"));
  EXPECT_TRUE(applied(p).empty());
  const FusionDecision* fa = refused(p, "flash_attention");
  ASSERT_NE(fa, nullptr);
  EXPECT_NE(fa->reason.find("needs M3+ (target apple-m1-8c is M1)"), std::string::npos) << fa->reason;
  EXPECT_NE(fa->reason.find("apple-m1-8c allows 52"), std::string::npos) << fa->reason;
  for (const auto& g : p.groups) EXPECT_NE(g.kind, "flash_attention");
  EXPECT_GT(p.traffic.fused_kernels, 5);
  EXPECT_LT(p.traffic.fused_kernels, p.traffic.unfused_kernels);
}

TEST(Fusion, ResnetAndMlpPatterns) {
  for (const char* target : {"m1", "m3"}) {
    Plan r = compile_graph(testing::example("resnet_block_small"), GraphTarget::from_name(target));
    EXPECT_EQ(applied(r), (std::vector<std::string>{"conv_bn_relu", "conv_bn_relu"})) << target;
    EXPECT_EQ(r.traffic.fused_kernels, 2);
    bool residual = false;
    for (const auto& g : r.groups) residual = residual || g.params.value("HAS_RESIDUAL", false);
    EXPECT_TRUE(residual);
    Plan m = compile_graph(testing::example("mlp_gelu_small"), GraphTarget::from_name(target));
    EXPECT_EQ(applied(m), (std::vector<std::string>{"matmul_bias_act"})) << target;
    EXPECT_EQ(m.traffic.fused_kernels, 2);  // second matmul takes its bias as a generic epilogue
  }
}

TEST(Fusion, IntermediateReadOutsideBlocksThePattern) {
  const char* json = R"({"inputs": ["x"], "outputs": ["y", "h"],
    "tensors": {"x": {"shape": [4, 8], "dtype": "f32"}, "w": {"shape": [8, 8], "dtype": "f32", "data": [)"
                     "1,0,0,0,0,0,0,0, 0,1,0,0,0,0,0,0, 0,0,1,0,0,0,0,0, 0,0,0,1,0,0,0,0, 0,0,0,0,1,0,0,0, 0,0,0,0,0,1,0,0,"
                     R"(0,0,0,0,0,0,1,0, 0,0,0,0,0,0,0,1]}},
    "nodes": [{"name": "mm", "op": "matmul", "inputs": ["x", "w"], "outputs": ["h"]},
              {"name": "g", "op": "gelu", "inputs": ["h"], "outputs": ["y"]}]})";
  Plan p = compile_graph(testing::parse(json), GraphTarget::from_name("m3"));
  const FusionDecision* d = refused(p, "matmul_gelu");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->reason.find("intermediate 'h' is a graph output"), std::string::npos) << d->reason;
  // generic fusion still puts gelu in the matmul's epilogue, writing h as a second output
  ASSERT_EQ(p.traffic.fused_kernels, 1);
  EXPECT_EQ(p.groups[0].outputs.size(), 2u);
}

TEST(Fusion, GenericElementwiseChainAndReductionPrologue) {
  const char* json = R"({"inputs": ["x", "r"], "outputs": ["y", "s"],
    "tensors": {"x": {"shape": [4, 8], "dtype": "f32"}, "r": {"shape": [4, 8], "dtype": "f32"}},
    "nodes": [{"name": "a", "op": "add", "inputs": ["x", "r"], "outputs": ["s"]},
              {"name": "e", "op": "exp", "inputs": ["s"], "outputs": ["t"]},
              {"name": "sm", "op": "softmax", "inputs": ["t"], "outputs": ["p"]},
              {"name": "n", "op": "neg", "inputs": ["p"], "outputs": ["y"]}]})";
  Plan p = compile_graph(testing::parse(json), GraphTarget::from_name("m3"));
  ASSERT_EQ(p.traffic.fused_kernels, 1);
  EXPECT_EQ(p.groups[0].kind, "row_reduction");
  EXPECT_EQ(p.groups[0].outputs, (std::vector<std::string>{"s", "y"}));  // s is a graph output: kept
  Plan unfused = compile_graph(testing::parse(json), GraphTarget::from_name("m3"), {.fuse = false});
  EXPECT_EQ(unfused.traffic.fused_kernels, 4);
}

}  // namespace
}  // namespace tmetal::graph

namespace tmetal::graph {
namespace {

TEST(Fusion, NoElementwiseOfTheFullDomainAfterAReduction) {
  const char* json = R"({"inputs": ["x"], "outputs": ["s", "y"],
    "tensors": {"x": {"shape": [4, 8], "dtype": "f32"}},
    "nodes": [{"name": "e", "op": "exp", "inputs": ["x"], "outputs": ["t"]},
              {"name": "r", "op": "reduce_sum", "inputs": ["t"], "outputs": ["s"]},
              {"name": "n", "op": "neg", "inputs": ["t"], "outputs": ["y"]}]})";
  Graph g = testing::parse(json);
  Plan p = compile_graph(g, GraphTarget::from_name("m3"));
  for (const auto& grp : p.groups)
    if (grp.kind == "row_reduction") {
      EXPECT_EQ(grp.nodes.size(), 2u);  // exp + reduce_sum; neg of the full-size t is not appended after the reduction
    }
  ReferenceGroupRunner runner;
  auto inputs = random_inputs(g, 5);
  auto out = execute_plan(p, inputs, runner);
  EXPECT_EQ(out.at("y").data, run_reference(g, inputs).at("y").data);
}

}  // namespace
}  // namespace tmetal::graph

namespace tmetal::graph {
namespace {

TEST(Fusion, MatmulGeluAndSwigluPredicate) {
  const char* json = R"({"inputs": ["x", "z"], "outputs": ["y", "s"],
    "tensors": {"x": {"shape": [4, 8], "dtype": "f32"}, "z": {"shape": [4, 8], "dtype": "f32"},
                "w": {"shape": [8, 8], "dtype": "f32", "data": [)"
                     "1,2,3,4,5,6,7,8, 1,2,3,4,5,6,7,8, 1,2,3,4,5,6,7,8, 1,2,3,4,5,6,7,8, 1,2,3,4,5,6,7,8, 1,2,3,4,5,6,7,8,"
                     R"(1,2,3,4,5,6,7,8, 1,2,3,4,5,6,7,8]}},
    "nodes": [{"name": "mm", "op": "matmul", "inputs": ["x", "w"], "outputs": ["h"]},
              {"name": "g", "op": "gelu", "inputs": ["h"], "outputs": ["y"], "attrs": {"approximate": "tanh"}},
              {"name": "m1", "op": "matmul", "inputs": ["x", "w"], "outputs": ["a"], "attrs": {"alpha": 0.5}},
              {"name": "act", "op": "silu", "inputs": ["a"], "outputs": ["sa"]},
              {"name": "m3", "op": "matmul", "inputs": ["z", "w"], "outputs": ["b"]},
              {"name": "gate", "op": "mul", "inputs": ["sa", "b"], "outputs": ["s"]}]})";
  Graph g = testing::parse(json);
  Plan p = compile_graph(g, GraphTarget::from_name("m3"));
  bool gelu = false, swiglu_refused = false;
  for (const auto& f : p.fusions) {
    if (f.pattern == "matmul_gelu" && f.applied) gelu = true;
    if (f.pattern == "swiglu" && !f.applied) {
      swiglu_refused = true;
      EXPECT_NE(f.reason.find("the two matmuls read different activations ('x' and 'z')"), std::string::npos) << f.reason;
    }
  }
  EXPECT_TRUE(gelu);
  EXPECT_TRUE(swiglu_refused);
  for (const auto& grp : p.groups)
    if (grp.kind == "matmul_gelu") { EXPECT_EQ(grp.params["ACTIVATION"], 3); }  // gelu, tanh form
  ReferenceGroupRunner runner;
  auto inputs = random_inputs(g, 2);
  auto out = execute_plan(p, inputs, runner);
  auto ref = run_reference(g, inputs);
  for (const char* name : {"y", "s"})
    for (size_t i = 0; i < ref.at(name).data.size(); ++i) EXPECT_NEAR(out.at(name).data[i], ref.at(name).data[i], 1e-9 * (1 + std::fabs(ref.at(name).data[i])));
}

}  // namespace
}  // namespace tmetal::graph
