// Memory layout manager: no-copy reshapes, transposes absorbed as views (consumer or producer side),
// conversions kept when a view would not coalesce, access layouts sized from the target.
#include "layout.h"
#include "passes.h"
#include "test_graphs.h"

namespace tmetal::graph {
namespace {

TEST(Layout, ReshapeViewFollowsNumpyRules) {
  TensorView contiguous{"r", 0, {4, 6}, {6, 1}};
  auto v = reshape_view(contiguous, {2, 2, 3, 2});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->strides, (std::vector<int64_t>{12, 6, 2, 1}));
  TensorView sliced{"r", 8, {4, 6}, {18, 1}};  // every row a slice of a wider buffer
  v = reshape_view(sliced, {4, 2, 3});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->strides, (std::vector<int64_t>{18, 3, 1}));
  EXPECT_EQ(v->offset, 8);
  EXPECT_FALSE(reshape_view(sliced, {24}));  // rows are not adjacent
  TensorView transposed{"r", 0, {6, 4}, {1, 6}};
  EXPECT_FALSE(reshape_view(transposed, {24}));
  EXPECT_TRUE(reshape_view(transposed, {6, 2, 2}));
}

TEST(Layout, DecoderTransposesAreViews) {
  Graph g = testing::example("llama_block_small");
  GraphTarget t = GraphTarget::from_name("m3");
  run_passes(g, t, {});
  auto r = plan_layouts(g, t);
  EXPECT_EQ(r.conversions, 0);
  ASSERT_TRUE(r.views.count("q_heads"));
  EXPECT_EQ(r.views.at("k_heads").offset, 32);  // k is the second third of the merged QKV projection
  EXPECT_EQ(r.views.at("k_heads").strides, (std::vector<int64_t>{16, 96, 1}));
  // producer-side: attention writes its output already in [S, H, Dh] order, so the merge is a view
  ASSERT_TRUE(r.views.count("attn_pv"));
  EXPECT_EQ(r.views.at("attn_pv").root, "ctx_heads");
  ASSERT_TRUE(r.views.count("ctx_merge"));
  for (const auto& d : r.decisions)
    if (d.tensor == "q_proj_merged_w") { EXPECT_EQ(d.access, "tiled(32x64)"); }
}

TEST(Layout, TransposeMovingTheContiguousAxisStaysAConversion) {
  const char* json = R"({"inputs": ["x"], "outputs": ["y"], "tensors": {"x": {"shape": [8, 4], "dtype": "f32"}},
    "nodes": [{"name": "t", "op": "transpose", "inputs": ["x"], "outputs": ["xt"]},
              {"name": "e", "op": "exp", "inputs": ["xt"], "outputs": ["y"]}]})";
  Graph g = testing::parse(json);
  auto r = plan_layouts(g, GraphTarget::from_name("m3"));
  EXPECT_EQ(r.conversions, 1);
  EXPECT_TRUE(r.views.empty());
  bool explained = false;
  for (const auto& d : r.decisions)
    explained = explained || d.reason.find("reads would not coalesce") != std::string::npos;
  EXPECT_TRUE(explained);
}

TEST(Layout, TileSizesComeFromTheTarget) {
  for (const char* name : {"m1", "m3", "m5"}) {
    auto tile = tmetal::target::resolve_target(name).matmul_tile(tmetal::DType::f32, tmetal::DType::f32);
    GraphTarget t = GraphTarget::from_name(name);
    EXPECT_EQ(t.matmul_block_m, tile.block_m) << name;
    EXPECT_EQ(t.matmul_block_n, tile.block_n) << name;
    EXPECT_EQ(t.matmul_block_k, tile.block_k) << name;
  }
  EXPECT_LT(GraphTarget::from_name("m1").matmul_block_n, GraphTarget::from_name("m3").matmul_block_n);  // smaller register budget
  EXPECT_EQ(GraphTarget::from_name("m1").register_budget_per_thread, 52);
  EXPECT_TRUE(GraphTarget::from_name("m3").has_dynamic_caching);
  EXPECT_FALSE(GraphTarget::from_name("m2").has_dynamic_caching);
  EXPECT_THROW(GraphTarget::from_name("m9"), GraphError);
  EXPECT_EQ(GraphTarget::from_name("Apple-M4").generation, Generation::M4);
}

}  // namespace
}  // namespace tmetal::graph
