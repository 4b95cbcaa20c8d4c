// The float64 reference executor's ops against values computed by hand or by identities between ops
// (NHWC conv = transposed NCHW conv, grouped conv = per-group convs, softmax rows sum to one, ...).
#include "test_graphs.h"

#include <cmath>
#include <random>

namespace tmetal::graph {
namespace {

using testing::parse;

std::vector<double> randoms(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> d(-1, 1);
  std::vector<double> v(n);
  for (auto& x : v) x = static_cast<float>(d(rng));  // exactly representable in f32 tensors
  return v;
}

// One node applied to constant inputs named a, b, c, ... (shapes given), output y.
TensorValue apply(const std::string& op, const std::vector<Shape>& shapes, const std::string& attrs, std::vector<std::vector<double>> data = {},
                  const std::string& dtype = "f32") {
  nlohmann::json j;
  j["inputs"] = nlohmann::json::array();
  j["tensors"] = nlohmann::json::object();
  j["outputs"] = {"y"};
  std::vector<std::string> names;
  for (size_t i = 0; i < shapes.size(); ++i) {
    std::string n(1, static_cast<char>('a' + i));
    names.push_back(n);
    auto values = i < data.size() ? data[i] : randoms(static_cast<size_t>(numel(shapes[i])), 11 + i);
    j["tensors"][n] = {{"shape", shapes[i]}, {"dtype", i == 1 && op == "embedding" ? "i32" : dtype}, {"data", values}};
  }
  j["nodes"] = {{{"name", "n"}, {"op", op}, {"inputs", names}, {"outputs", {"y"}}, {"attrs", nlohmann::json::parse(attrs)}}};
  Graph g = parse(j.dump());
  return run_reference(g, {}).at("y");
}

TEST(Reference, MatmulTransposesAndBroadcastsBatch) {
  auto a = randoms(2 * 3 * 4, 1), b = randoms(4 * 5, 2);
  auto y = apply("matmul", {{2, 3, 4}, {4, 5}}, "{}", {a, b});
  ASSERT_EQ(y.shape, (Shape{2, 3, 5}));
  double expect = 0;
  for (int k = 0; k < 4; ++k) expect += a[1 * 12 + 2 * 4 + k] * b[k * 5 + 3];
  EXPECT_NEAR(y.data[1 * 15 + 2 * 5 + 3], expect, 1e-12);
  // (A^T)^T B^T with transposed storage equals A B
  std::vector<double> at(a.size()), bt(b.size());
  for (int bb = 0; bb < 2; ++bb)
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 4; ++k) at[bb * 12 + k * 3 + i] = a[bb * 12 + i * 4 + k];
  for (int k = 0; k < 4; ++k)
    for (int j = 0; j < 5; ++j) bt[j * 4 + k] = b[k * 5 + j];
  auto y2 = apply("matmul", {{2, 4, 3}, {5, 4}}, R"({"transpose_a": true, "transpose_b": true, "alpha": 2.0})", {at, bt});
  for (size_t i = 0; i < y.data.size(); ++i) EXPECT_NEAR(y2.data[i], 2 * y.data[i], 1e-12);
}

TEST(Reference, ElementwiseOps) {
  std::vector<double> x = {-2, -0.5, 0.5, 3};
  auto gelu = apply("gelu", {{4}}, "{}", {x});
  EXPECT_NEAR(gelu.data[3], 0.5 * 3 * (1 + std::erf(3 / std::sqrt(2.0))), 1e-12);
  auto gelu_t = apply("gelu", {{4}}, R"({"approximate": "tanh"})", {x});
  EXPECT_NEAR(gelu_t.data[0], -0.04540230591222, 1e-9);
  EXPECT_NEAR(apply("silu", {{4}}, "{}", {x}).data[2], 0.5 / (1 + std::exp(-0.5)), 1e-12);
  EXPECT_NEAR(apply("rsqrt", {{1}}, "{}", {{4.0}}).data[0], 0.5, 1e-15);
  auto sub = apply("sub", {{2, 2}, {2}}, "{}", {{1, 2, 3, 4}, {10, 20}});
  EXPECT_EQ(sub.data, (std::vector<double>{-9, -18, -7, -16}));
  auto pw = apply("pow", {{2}, {}}, "{}", {{2, 3}, {2}});
  EXPECT_EQ(pw.data, (std::vector<double>{4, 9}));
  auto cast = apply("cast", {{2}}, R"({"dtype": "f16"})", {{1.0 + 1.0 / 4096, 2.5}});
  EXPECT_EQ(cast.data, (std::vector<double>{1.0, 2.5}));
  auto mask = apply("causal_mask", {{2, 3}}, "{}", {{1, 2, 3, 4, 5, 6}});  // 2 queries, 3 keys: offset 1
  EXPECT_EQ(mask.data[0], 1);
  EXPECT_EQ(mask.data[1], 2);
  EXPECT_TRUE(std::isinf(mask.data[2]));
  EXPECT_EQ(mask.data[5], 6);
}

TEST(Reference, SoftmaxNormsAndReductions) {
  auto s = apply("softmax", {{3, 5}}, R"({"axis": 0})");
  for (int j = 0; j < 5; ++j) EXPECT_NEAR(s.data[j] + s.data[5 + j] + s.data[10 + j], 1.0, 1e-12);
  auto ls = apply("log_softmax", {{2, 3}}, "{}", {{1, 2, 3, 0, 0, 0}});
  EXPECT_NEAR(ls.data[3], -std::log(3.0), 1e-12);
  auto ln = apply("layer_norm", {{1, 4}, {4}, {4}}, R"({"eps": 0})", {{1, 2, 3, 4}, {1, 1, 1, 2}, {0, 0, 0, 1}});
  double sd = std::sqrt(1.25);
  EXPECT_NEAR(ln.data[0], -1.5 / sd, 1e-12);
  EXPECT_NEAR(ln.data[3], 2 * 1.5 / sd + 1, 1e-12);
  auto rms = apply("rms_norm", {{1, 2}}, R"({"eps": 0})", {{3, 4}});
  EXPECT_NEAR(rms.data[1], 4 / std::sqrt(12.5), 1e-12);
  auto rs = apply("reduce_sum", {{2, 3}}, R"({"axes": [0], "keepdims": true})", {{1, 2, 3, 4, 5, 6}});
  EXPECT_EQ(rs.shape, (Shape{1, 3}));
  EXPECT_EQ(rs.data, (std::vector<double>{5, 7, 9}));
  EXPECT_EQ(apply("reduce_max", {{2, 3}}, "{}", {{1, 9, 3, 4, 5, 6}}).data, (std::vector<double>{9, 6}));
  EXPECT_EQ(apply("reduce_mean", {{2, 2}}, R"({"axes": [0, 1]})", {{1, 2, 3, 6}}).data, (std::vector<double>{3}));
  auto bn = apply("batch_norm", {{1, 2, 1, 1}, {2}, {2}, {2}, {2}}, R"({"eps": 0})", {{3, 5}, {2, 1}, {1, 0}, {1, 1}, {4, 16}});
  EXPECT_EQ(bn.data, (std::vector<double>{3, 1}));  // (3-1)/2*2+1, (5-1)/4*1+0
}

TEST(Reference, ConvLayoutsGroupsAndDilation) {
  Shape xs{1, 4, 7, 6}, ws{6, 2, 3, 2};
  auto x = randoms(static_cast<size_t>(numel(xs)), 3), w = randoms(static_cast<size_t>(numel(ws)), 4), b = randoms(6, 5);
  const char* attrs = R"({"stride": [2, 1], "padding": [1, 2], "dilation": [1, 2], "groups": 2})";
  auto nchw = apply("conv2d", {xs, ws, {6}}, attrs, {x, w, b});
  ASSERT_EQ(nchw.shape, (Shape{1, 6, 4, 8}));  // OW = (6 + 4 - 2 - 1) / 1 + 1
  // a direct sum for one output element: n=0, co=4 (group 1), y=2, x=3
  double expect = b[4];
  for (int ci = 0; ci < 2; ++ci)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 2; ++j) {
        int hy = 2 * 2 - 1 + i, wx = 3 - 2 + 2 * j;
        if (hy < 0 || hy >= 7 || wx < 0 || wx >= 6) continue;
        expect += x[(2 + ci) * 42 + hy * 6 + wx] * w[((4 * 2 + ci) * 3 + i) * 2 + j];
      }
  EXPECT_NEAR(nchw.data[4 * 32 + 2 * 8 + 3], expect, 1e-12);
  // NHWC gives the same values, transposed
  std::vector<double> xh(x.size());
  for (int c = 0; c < 4; ++c)
    for (int h = 0; h < 7; ++h)
      for (int ww = 0; ww < 6; ++ww) xh[(h * 6 + ww) * 4 + c] = x[c * 42 + h * 6 + ww];
  std::string nhwc_attrs = std::string(attrs);
  nhwc_attrs.insert(1, R"("layout": "NHWC", )");
  auto nhwc = apply("conv2d", {{1, 7, 6, 4}, ws, {6}}, nhwc_attrs, {xh, w, b});
  ASSERT_EQ(nhwc.shape, (Shape{1, 4, 8, 6}));
  for (int c = 0; c < 6; ++c)
    for (int h = 0; h < 4; ++h)
      for (int ww = 0; ww < 8; ++ww) EXPECT_NEAR(nhwc.data[(h * 8 + ww) * 6 + c], nchw.data[c * 32 + h * 8 + ww], 1e-12);
}

TEST(Reference, PoolingAndDataMovement) {
  std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  auto mp = apply("max_pool2d", {{1, 1, 3, 3}}, R"({"kernel": 2, "stride": 1})", {x});
  EXPECT_EQ(mp.data, (std::vector<double>{5, 6, 8, 9}));
  auto ap = apply("avg_pool2d", {{1, 1, 3, 3}}, R"({"kernel": 2, "stride": 2, "padding": 1})", {x});
  EXPECT_EQ(ap.data, (std::vector<double>{1, 2.5, 5.5, 7}));
  auto tr = apply("transpose", {{2, 3}}, R"({"perm": [1, 0]})", {{1, 2, 3, 4, 5, 6}});
  EXPECT_EQ(tr.data, (std::vector<double>{1, 4, 2, 5, 3, 6}));
  auto sl = apply("slice", {{2, 4}}, R"({"axes": [1], "starts": [1], "ends": [100], "steps": [2]})", {{1, 2, 3, 4, 5, 6, 7, 8}});
  EXPECT_EQ(sl.data, (std::vector<double>{2, 4, 6, 8}));
  auto cc = apply("concat", {{2, 1}, {2, 2}}, R"({"axis": 1})", {{1, 2}, {3, 4, 5, 6}});
  EXPECT_EQ(cc.data, (std::vector<double>{1, 3, 4, 2, 5, 6}));
  auto rs = apply("reshape", {{2, 3}}, R"({"shape": [3, -1]})", {{1, 2, 3, 4, 5, 6}});
  EXPECT_EQ(rs.shape, (Shape{3, 2}));
  auto em = apply("embedding", {{3, 2}, {2}}, "{}", {{1, 2, 3, 4, 5, 6}, {2, 0}});
  EXPECT_EQ(em.data, (std::vector<double>{5, 6, 1, 2}));
  auto c = apply("constant", {}, R"({"value": 0.5, "shape": [2], "dtype": "f32"})");
  EXPECT_EQ(c.data, (std::vector<double>{0.5, 0.5}));
}

TEST(Reference, RopeRotatesPairsByPosition) {
  // position 0 is the identity; position 1 rotates (x_i, x_{i+half}) by theta_i = base^(-2i/dim)
  std::vector<double> x = {1, 2, 3, 4, 1, 2, 3, 4};
  auto y = apply("rope", {{2, 4}}, R"({"base": 100.0})", {x});
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(y.data[i], x[i], 1e-15);
  double t0 = 1.0, t1 = std::pow(100.0, -0.5);
  EXPECT_NEAR(y.data[4], 1 * std::cos(t0) - 3 * std::sin(t0), 1e-12);
  EXPECT_NEAR(y.data[5], 2 * std::cos(t1) - 4 * std::sin(t1), 1e-12);
  EXPECT_NEAR(y.data[6], 3 * std::cos(t0) + 1 * std::sin(t0), 1e-12);
}

TEST(Reference, EmbeddingIdOutOfRangeIsAnError) {
  EXPECT_THROW(apply("embedding", {{3, 2}, {1}}, "{}", {{1, 2, 3, 4, 5, 6}, {3}}), GraphError);
}

}  // namespace
}  // namespace tmetal::graph
