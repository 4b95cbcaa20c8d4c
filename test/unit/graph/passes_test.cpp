// Each graph pass rewrites what it should and keeps the graph's outputs equal (float64 reference on
// random inputs) before and after.
#include "passes.h"
#include "test_graphs.h"

namespace tmetal::graph {
namespace {

using testing::parse;
using testing::relative_difference;

size_t count_op(const Graph& g, const std::string& op) {
  return static_cast<size_t>(std::count_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.op == op; }));
}

PassLog run_one(Graph& g, const std::string& name, const std::string& target = "m3") {
  auto logs = run_passes(g, GraphTarget::from_name(target), {name});
  return logs.at(0);
}

const char* kRedundant = R"({"inputs": ["x"], "outputs": ["y"],
  "tensors": {"x": {"shape": [3, 4], "dtype": "f32"},
              "c1": {"shape": [], "dtype": "f32", "data": [2.0]}, "c2": {"shape": [], "dtype": "f32", "data": [2.0]},
              "k": {"shape": [4], "dtype": "f32", "data": [1, 2, 3, 4]}},
  "nodes": [
    {"name": "a", "op": "mul", "inputs": ["x", "c1"], "outputs": ["ta"]},
    {"name": "b", "op": "mul", "inputs": ["x", "c2"], "outputs": ["tb"]},
    {"name": "dead", "op": "exp", "inputs": ["x"], "outputs": ["unused"]},
    {"name": "kk", "op": "sqrt", "inputs": ["k"], "outputs": ["ksq"]},
    {"name": "kn", "op": "neg", "inputs": ["ksq"], "outputs": ["kneg"]},
    {"name": "s", "op": "add", "inputs": ["ta", "tb"], "outputs": ["t"]},
    {"name": "y", "op": "add", "inputs": ["t", "kneg"], "outputs": ["y"]}]})";

TEST(Passes, DeadCodeElimination) {
  Graph g = parse(kRedundant), before = g;
  auto log = run_one(g, "dce");
  ASSERT_EQ(log.changes.size(), 1u);
  EXPECT_NE(log.changes[0].find("removed node 'dead' (exp)"), std::string::npos);
  EXPECT_EQ(g.tensors.count("unused"), 0u);
  EXPECT_EQ(relative_difference(before, g), 0.0);
}

TEST(Passes, CommonSubexpressions) {
  Graph g = parse(kRedundant), before = g;
  auto log = run_one(g, "cse");
  EXPECT_EQ(count_op(g, "mul"), 1u);  // c2 merged into c1, then b == a
  EXPECT_EQ(g.tensors.count("c2"), 0u);
  EXPECT_EQ(log.changes.size(), 2u);
  EXPECT_EQ(relative_difference(before, g), 0.0);
}

TEST(Passes, ConstantFolding) {
  Graph g = parse(kRedundant), before = g;
  auto log = run_one(g, "constant-folding");
  EXPECT_EQ(count_op(g, "sqrt") + count_op(g, "neg"), 0u);
  ASSERT_TRUE(g.is_constant("kneg"));
  EXPECT_NEAR((*g.tensor("kneg").data)[1], -std::sqrt(2.0f), 1e-7);  // rounded to f32
  EXPECT_EQ(log.changes.size(), 2u);
  EXPECT_LT(relative_difference(before, g), 1e-7);
}

TEST(Passes, AlgebraicFoldsBatchNormIntoConv) {
  Graph g = testing::example("resnet_block_small"), before = g;
  auto log = run_one(g, "algebraic");
  EXPECT_EQ(count_op(g, "batch_norm"), 0u);
  EXPECT_EQ(count_op(g, "conv2d"), 2u);
  for (const auto& n : g.nodes)
    if (n.op == "conv2d") { EXPECT_EQ(n.inputs.size(), 3u); }  // gained a bias
  EXPECT_EQ(log.changes.size(), 2u);
  double diff = relative_difference(before, g);
  EXPECT_GT(diff, 0.0);   // folded weights are rounded to f32 ...
  EXPECT_LT(diff, 1e-6);  // ... and nothing more
}

TEST(Passes, AlgebraicFoldsAttentionScaleIntoMatmul) {
  const char* json = R"({"inputs": ["q", "k"], "outputs": ["y", "z"],
    "tensors": {"q": {"shape": [4, 8], "dtype": "f32"}, "k": {"shape": [4, 8], "dtype": "f32"},
                "s": {"shape": [], "dtype": "f32", "data": [0.3535533905932738]}, "two": {"shape": [], "dtype": "f32", "data": [2]},
                "w": {"shape": [8, 2], "dtype": "f32", "data": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]},
                "one": {"shape": [], "dtype": "f32", "data": [1]}},
    "nodes": [{"name": "qk", "op": "matmul", "inputs": ["q", "k"], "outputs": ["sc"], "attrs": {"transpose_b": true}},
              {"name": "scale", "op": "mul", "inputs": ["s", "sc"], "outputs": ["scaled"]},
              {"name": "id", "op": "mul", "inputs": ["scaled", "one"], "outputs": ["same"]},
              {"name": "sm", "op": "softmax", "inputs": ["same"], "outputs": ["y"]},
              {"name": "half", "op": "div", "inputs": ["q", "two"], "outputs": ["qh"]},
              {"name": "proj", "op": "matmul", "inputs": ["qh", "w"], "outputs": ["z"]}]})";
  Graph g = parse(json), before = g;
  auto log = run_one(g, "algebraic");
  EXPECT_EQ(count_op(g, "mul") + count_op(g, "div"), 0u) << print_graph(g);
  for (const auto& n : g.nodes) {
    if (n.name == "qk") { EXPECT_EQ(n.attrs.value("alpha", 1.0), static_cast<double>(0.3535533905932738f)); }  // the f32 constant
    if (n.name == "proj") { EXPECT_EQ(n.inputs[1], "w_scaled"); }  // folded into the constant weight
  }
  EXPECT_EQ(log.changes.size(), 3u);
  EXPECT_LT(relative_difference(before, g), 1e-12);
}

TEST(Passes, MergeParallelMatmulsRespectsSwiglu) {
  Graph g3 = testing::example("llama_block_small"), before = g3;
  run_one(g3, "merge-matmuls", "m3");
  EXPECT_EQ(count_op(g3, "matmul"), 1u + 2u + 1u + 2u + 1u);  // qkv, qk, pv, o, gate, up, down
  EXPECT_EQ(relative_difference(before, g3), 0.0);
  Graph g1 = before;
  run_one(g1, "merge-matmuls", "m1");  // no swiglu fusion on M1: gate and up merge too
  EXPECT_EQ(count_op(g1, "matmul"), 6u);
  EXPECT_EQ(relative_difference(before, g1), 0.0);
}

TEST(Passes, TargetPrecisionComputesBf16InF32WithoutNativeBf16) {
  const char* json = R"({"inputs": ["x"], "outputs": ["y"], "tensors": {"x": {"shape": [4], "dtype": "bf16"}},
    "nodes": [{"name": "e", "op": "exp", "inputs": ["x"], "outputs": ["y"]}]})";
  Graph g = parse(json);
  GraphTarget t = GraphTarget::from_name("m3");
  ASSERT_FALSE(t.has_native_bfloat);
  auto log = run_one(g, "target-precision");
  ASSERT_EQ(log.changes.size(), 1u);
  EXPECT_EQ(g.nodes[0].attrs.value("compute_dtype", ""), "f32");
  Graph g2 = parse(json);
  t.has_native_bfloat = true;
  EXPECT_TRUE(run_target_precision(g2, t).changes.empty());
}

TEST(Passes, WholePipelineKeepsEveryExampleEqual) {
  for (const char* name : {"llama_block_small", "resnet_block_small", "mlp_gelu_small"}) {
    Graph g = testing::example(name), before = g;
    run_passes(g, GraphTarget::from_name("m3"), {});
    EXPECT_LT(relative_difference(before, g), 1e-6) << name;
  }
  Graph g = parse(kRedundant);
  EXPECT_THROW(run_passes(g, GraphTarget::from_name("m3"), {"no-such-pass"}), GraphError);
}

}  // namespace
}  // namespace tmetal::graph
