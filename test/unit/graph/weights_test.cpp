// Dtype rounding, .npy (v1 and v2 headers) and safetensors weight files.
#include "npy.h"
#include "safetensors.h"
#include "test_graphs.h"

#include <cstring>
#include <fstream>

namespace tmetal::graph {
namespace {

std::filesystem::path temp(const std::string& name) { return std::filesystem::temp_directory_path() / ("tm_graph_" + name); }

TEST(DType, RoundsToStorage) {
  EXPECT_EQ(round_to_dtype(1.0 + 1.0 / 4096, DType::F16), 1.0);          // below half an f16 ulp at 1
  EXPECT_EQ(round_to_dtype(1.0 + 3.0 / 2048, DType::F16), 1.0 + 2.0 / 1024);  // ties to even
  EXPECT_EQ(round_to_dtype(70000.0, DType::F16), INFINITY);
  EXPECT_EQ(round_to_dtype(std::ldexp(1.0, -24), DType::F16), std::ldexp(1.0, -24));  // smallest subnormal
  EXPECT_EQ(round_to_dtype(1.0 + 1.0 / 256, DType::BF16), 1.0);
  EXPECT_EQ(round_to_dtype(1.0 + 1.0 / 64, DType::BF16), 1.0 + 1.0 / 64);
  EXPECT_EQ(round_to_dtype(-2.7, DType::I32), -2.0);
  EXPECT_EQ(half_bits_to_double(double_to_half_bits(-0.333251953125)), -0.333251953125);
  EXPECT_EQ(double_to_half_bits(1.0), 0x3c00);
}

TEST(Npy, RoundTripsEveryDtype) {
  for (DType d : {DType::F32, DType::F16, DType::BF16, DType::I32, DType::I64, DType::I8, DType::U8}) {
    std::vector<double> values = {1.5, -2.0, 3.25, 0.0, 7.0, -1.0};
    if (!is_float(d)) values = {1, -2, 3, 0, 7, -1};
    if (d == DType::U8) values = {1, 2, 3, 0, 7, 250};
    write_npy(temp("rt.npy"), {2, 3}, d, values);
    auto arr = read_npy(temp("rt.npy"));
    EXPECT_EQ(arr.shape, (Shape{2, 3})) << dtype_name(d);
    EXPECT_EQ(arr.descr, npy_descr(d));
    EXPECT_EQ(arr.data, values) << dtype_name(d);
  }
}

TEST(Npy, ReadsVersion2Headers) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  while ((12 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::ofstream out(temp("v2.npy"), std::ios::binary);
  out.write("\x93NUMPY\x02\x00", 8);
  uint32_t len = static_cast<uint32_t>(header.size());
  out.write(reinterpret_cast<const char*>(&len), 4);
  out << header;
  float v[3] = {1.f, -0.5f, 8.f};
  out.write(reinterpret_cast<const char*>(v), sizeof v);
  out.close();
  auto arr = read_npy(temp("v2.npy"));
  EXPECT_EQ(arr.data, (std::vector<double>{1.0, -0.5, 8.0}));
}

TEST(Npy, RejectsBadFiles) {
  std::ofstream(temp("bad.npy")) << "not numpy";
  EXPECT_THROW(read_npy(temp("bad.npy")), GraphError);
  write_npy(temp("trunc.npy"), {4}, DType::F32, {1, 2, 3, 4});
  std::filesystem::resize_file(temp("trunc.npy"), std::filesystem::file_size(temp("trunc.npy")) - 4);
  try {
    read_npy(temp("trunc.npy"));
    FAIL() << "no error";
  } catch (const GraphError& e) {
    EXPECT_NE(std::string(e.what()).find("holds 12 data bytes"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_npy(temp("missing-file.npy")), GraphError);
}

TEST(Safetensors, ReadsTensorsAndChecksSizes) {
  std::string header = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},)"
                       R"("bad":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})";
  std::ofstream out(temp("w.safetensors"), std::ios::binary);
  uint64_t n = header.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header;
  float w[4] = {1, 2, 3, 4};
  uint16_t b[2] = {0x3c00, 0xc000};  // 1.0, -2.0
  out.write(reinterpret_cast<const char*>(w), 16);
  out.write(reinterpret_cast<const char*>(b), 4);
  out.close();
  SafetensorsFile f(temp("w.safetensors"));
  EXPECT_EQ(f.read("w").data, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(f.read("b").data, (std::vector<double>{1, -2}));
  EXPECT_EQ(f.read("b").dtype, DType::F16);
  EXPECT_THROW(f.read("bad"), GraphError);
  EXPECT_FALSE(f.contains("nope"));

  // Weight paths are relative to the graph's folder (docs/security.md): parse as if the graph lay in the temp folder.
  std::string graph = R"({"weights": ")" + temp("w.safetensors").filename().string() + R"(", "inputs": ["x"], "outputs": ["y"],
    "tensors": {"x": {"shape": [2, 2], "dtype": "f32"}, "w": {"shape": [2, 2], "dtype": "f32", "safetensors": "w"}},
    "nodes": [{"name": "mm", "op": "matmul", "inputs": ["x", "w"], "outputs": ["y"]}]})";
  auto parse_in_temp = [](const std::string& json) { return parse_graph(json, "test.json", std::filesystem::temp_directory_path()); };
  auto error_in_temp = [&](const std::string& json) {
    try {
      parse_in_temp(json);
    } catch (const GraphError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  Graph g = parse_in_temp(graph);
  EXPECT_EQ(*g.tensor("w").data, (std::vector<double>{1, 2, 3, 4}));
  std::string wrong = graph;
  wrong.replace(wrong.find("\"safetensors\": \"w\""), 18, "\"safetensors\": \"b\"");
  EXPECT_NE(error_in_temp(wrong).find("key 'b' holds [2] f16, expected [2,2] f32"), std::string::npos) << error_in_temp(wrong);
}

}  // namespace
}  // namespace tmetal::graph
