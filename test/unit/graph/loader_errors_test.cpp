// Every class of bad graph gives a GraphError naming the file, node and field.
#include "npy.h"
#include "test_graphs.h"

namespace tmetal::graph {
namespace {

using testing::parse_error;

// A valid two-node graph in which each test replaces one piece.
std::string graph(const std::string& tensors, const std::string& nodes, const std::string& io = R"("inputs": ["x"], "outputs": ["y"])") {
  return "{" + io + R"(, "tensors": {)" + tensors + R"(}, "nodes": [)" + nodes + "]}";
}
const std::string kTensors = R"("x": {"shape": [4, 8], "dtype": "f32"}, "w": {"shape": [8, 3], "dtype": "f32", "data": [)"
                             "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24]}";
const std::string kNodes = R"({"name": "mm", "op": "matmul", "inputs": ["x", "w"], "outputs": ["h"]},
                              {"name": "act", "op": "relu", "inputs": ["h"], "outputs": ["y"]})";

void expect_error(const std::string& json, const std::string& part) {
  std::string e = parse_error(json);
  EXPECT_NE(e.find(part), std::string::npos) << "error: '" << e << "'\nexpected to contain: " << part;
}

TEST(LoaderErrors, ValidGraphLoads) {
  Graph g = testing::parse(graph(kTensors, kNodes));
  EXPECT_EQ(g.tensor("y").shape, (Shape{4, 3}));
  EXPECT_EQ(g.nodes.size(), 2u);
}

TEST(LoaderErrors, MalformedJsonHasLineAndColumn) {
  expect_error("{\n  \"inputs\": [\"x\",\n  ]\n}", "test.json:3:3: malformed JSON");
}

TEST(LoaderErrors, Cycle) {
  std::string nodes = R"({"name": "a", "op": "add", "inputs": ["x", "c"], "outputs": ["b"]},
                         {"name": "b2", "op": "relu", "inputs": ["b"], "outputs": ["c"]},
                         {"name": "out", "op": "relu", "inputs": ["c"], "outputs": ["y"]})";
  expect_error(graph(kTensors, nodes), "the graph has a cycle: ");
  expect_error(graph(kTensors, nodes), "'a' -> 'b2' -> 'a'");
}

TEST(LoaderErrors, UnknownOp) {
  std::string nodes = kNodes;
  nodes.replace(nodes.find("\"relu\""), 6, "\"relux\"");
  expect_error(graph(kTensors, nodes), "test.json: node 'act' (relux): field 'op': unknown op 'relux'");
}

TEST(LoaderErrors, UnknownTensorReference) {
  std::string nodes = kNodes;
  nodes.replace(nodes.find("\"inputs\": [\"h\"]"), 15, "\"inputs\": [\"hh\"]");
  expect_error(graph(kTensors, nodes), "node 'act' (relu): field 'inputs': tensor 'hh' is not a graph input, a weight, or any node's output");
  expect_error(graph(kTensors, kNodes, R"("inputs": ["x"], "outputs": ["zz"])"), "field 'outputs': tensor 'zz' is not produced by any node");
}

TEST(LoaderErrors, ShapeMismatch) {
  std::string tensors = kTensors;
  tensors.replace(tensors.find("[4, 8]"), 6, "[4, 5]");
  expect_error(graph(tensors, kNodes), "test.json: node 'mm' (matmul): input 'w' has shape [8,3], expected inner dimension 5");
  std::string nodes = R"({"name": "sum", "op": "add", "inputs": ["x", "w"], "outputs": ["y"]})";
  expect_error(graph(kTensors, nodes), "node 'sum' (add): inputs 'x' [4,8] and 'w' [8,3] cannot be broadcast together");
}

TEST(LoaderErrors, DtypeMismatch) {
  std::string tensors = kTensors;
  tensors.replace(tensors.find("\"f32\""), 5, "\"f16\"");
  expect_error(graph(tensors, kNodes), "node 'mm' (matmul): input 'w' has dtype f32, expected f16 like input 'x'");
  std::string ids = R"("x": {"shape": [4], "dtype": "i32"})";
  expect_error(graph(ids, R"({"name": "e", "op": "exp", "inputs": ["x"], "outputs": ["y"]})"),
               "node 'e' (exp): input 'x' has dtype i32, expected a floating-point dtype");
  expect_error(graph(R"("x": {"shape": [4], "dtype": "f33"})", kNodes), "tensor 'x': field 'dtype': unknown dtype 'f33'");
}

TEST(LoaderErrors, MissingOrMisSizedWeights) {
  std::string tensors = R"("x": {"shape": [4, 8], "dtype": "f32"}, "w": {"shape": [8, 3], "dtype": "f32", "data": [)"
                        "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22]}";
  expect_error(graph(tensors, kNodes), "tensor 'w': field 'data' has 22 values, shape [8,3] needs 24");
  std::string file = R"("x": {"shape": [4, 8], "dtype": "f32"}, "w": {"shape": [8, 3], "dtype": "f32", "file": "no/such/w.npy"})";
  expect_error(graph(file, kNodes), "tensor 'w': field 'file': ");
  expect_error(graph(file, kNodes), "weight file 'no/such/w.npy': no such file in the graph's folder");
  std::string undeclared = R"("x": {"shape": [4, 8], "dtype": "f32"})";
  expect_error(graph(undeclared, kNodes), "field 'inputs': tensor 'w' is not a graph input, a weight, or any node's output");
}

TEST(LoaderErrors, NpyShapeAndDtypeMismatch) {
  auto dir = std::filesystem::temp_directory_path();
  std::string base = R"("x": {"shape": [4, 8], "dtype": "f32"}, "w": {"shape": [8, 3], "dtype": "f32", "file": ")";
  std::string graph_small = graph(base + "tm_graph_w.npy\"}", kNodes);  // relative to the graph's folder (here the temp folder)
  auto parse_error = [&](const std::string& json) {
    try {
      parse_graph(json, "test.json", dir);
    } catch (const GraphError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  auto expect_error = [&](const std::string& json, const std::string& part) {
    std::string e = parse_error(json);
    EXPECT_NE(e.find(part), std::string::npos) << "error: '" << e << "'\nexpected to contain: " << part;
  };
  // 3x8 instead of 8x3
  {
    std::vector<double> v(24, 1.0);
    write_npy(dir / "tm_graph_w.npy", {3, 8}, DType::F32, v);
    expect_error(graph_small, "holds shape [3,8], expected [8,3]");
    write_npy(dir / "tm_graph_w.npy", {8, 3}, DType::F16, v);
    expect_error(graph_small, "holds dtype '<f2', expected '<f4' for f32");
    write_npy(dir / "tm_graph_w.npy", {8, 3}, DType::F32, v);
    EXPECT_EQ(parse_error(graph_small), "");
  }
}

TEST(LoaderErrors, FieldsAndAttributes) {
  expect_error(graph(kTensors, R"({"name": "mm", "op": "matmul", "inputs": ["x", "w"], "outputs": ["y"], "atrs": {}})"),
               "node 'mm' (matmul): unknown field 'atrs'");
  expect_error(graph(kTensors, R"({"name": "mm", "op": "matmul", "inputs": ["x", "w"], "outputs": ["y"], "attrs": {"transpose_a": 1}})"),
               "node 'mm' (matmul): attribute 'transpose_a' must be true or false, got 1");
  expect_error(graph(kTensors, R"({"name": "s", "op": "softmax", "inputs": ["x"], "outputs": ["y"], "attrs": {"axis": 2}})"),
               "node 's' (softmax): attribute 'axis' = 2 is out of range for rank 2");
  expect_error(graph(kTensors, R"({"name": "r", "op": "relu", "inputs": ["x", "w"], "outputs": ["y"]})"),
               "node 'r' (relu): field 'inputs': has 2 inputs, expected 1");
  expect_error(graph(kTensors + R"(, "y": {"shape": [4, 4], "dtype": "f32"})", kNodes),
               "node 'act' (relu): output 'y' is declared [4,4] f32 but the op produces [4,3] f32");
  expect_error(graph(kTensors, kNodes + R"(, {"name": "mm", "op": "relu", "inputs": ["y"], "outputs": ["z"]})"),
               "node 'mm': name is used by more than one node");
  expect_error(graph(kTensors, R"({"name": "c", "op": "conv2d", "inputs": ["x", "w"], "outputs": ["y"]})"),
               "node 'c' (conv2d): input 'x' has shape [4,8], expected rank 4 (NCHW)");
}

}  // namespace
}  // namespace tmetal::graph
