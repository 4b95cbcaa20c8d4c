// One safetensors file holding named weights: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets}}, then the raw little-endian data.
#pragma once

#include "triton_metal/graph.h"

namespace tmetal::graph {

struct SafetensorsEntry {
  DType dtype;
  Shape shape;
  std::vector<double> data;
};

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::filesystem::path& path);  // throws GraphError on format problems
  bool contains(const std::string& key) const;
  SafetensorsEntry read(const std::string& key) const;

 private:
  std::filesystem::path path_;
  std::string bytes_;
  nlohmann::json header_;
  size_t data_start_ = 0;
};

}  // namespace tmetal::graph
