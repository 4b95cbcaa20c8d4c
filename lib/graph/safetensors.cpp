// Reader for safetensors weight files (see safetensors.h).
#include "safetensors.h"

#include "file_confinement.h"
#include "npy.h"
#include "tensor_size.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>
#include <fstream>

namespace tmetal::graph {
namespace {
std::optional<DType> safetensors_dtype(const std::string& s) {
  if (s == "F32") return DType::F32;
  if (s == "F16") return DType::F16;
  if (s == "BF16") return DType::BF16;
  if (s == "I32") return DType::I32;
  if (s == "I64") return DType::I64;
  if (s == "I8") return DType::I8;
  if (s == "U8") return DType::U8;
  if (s == "BOOL") return DType::Bool;
  return std::nullopt;
}
}  // namespace

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : path_(path) {
  require_regular_file(path, "weights file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw GraphError(fmt::format("{}: cannot open weight file", path.string()));
  bytes_.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes_.size() < 8) throw GraphError(fmt::format("{}: not a safetensors file (too short)", path.string()));
  uint64_t n = 0;
  std::memcpy(&n, bytes_.data(), 8);
  if (n > bytes_.size() - 8) throw GraphError(fmt::format("{}: not a safetensors file (header length {} past end)", path.string(), n));
  try {
    // Depth-limited: a header nested thousands of levels deep is not a safetensors header.
    header_ = nlohmann::json::parse(bytes_.substr(8, n), [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
      if (depth > 8) throw GraphError(fmt::format("{}: malformed safetensors header: nested deeper than 8 levels", path.string()));
      return true;
    });
  } catch (const nlohmann::json::exception& e) {  // parse errors and out_of_range (a number too large)
    throw GraphError(fmt::format("{}: malformed safetensors header: {}", path.string(), e.what()));
  }
  if (!header_.is_object()) throw GraphError(fmt::format("{}: malformed safetensors header: not a JSON object", path.string()));
  data_start_ = 8 + n;
}

bool SafetensorsFile::contains(const std::string& key) const { return header_.contains(key) && key != "__metadata__"; }

SafetensorsEntry SafetensorsFile::read(const std::string& key) const {
  auto fail = [&](const std::string& why) { throw GraphError(fmt::format("{}: tensor '{}': {}", path_.string(), key, why)); };
  if (!contains(key)) fail("not in the file");
  const auto& h = header_.at(key);
  if (!h.is_object() || !h.contains("dtype") || !h.contains("shape") || !h.contains("data_offsets"))
    fail("malformed entry (needs 'dtype', 'shape' and 'data_offsets')");
  if (!h["dtype"].is_string()) fail("field 'dtype' must be a string such as \"F32\"");
  auto dtype = safetensors_dtype(h["dtype"].get<std::string>());
  if (!dtype) fail("unsupported dtype " + h["dtype"].dump());
  const auto& shape = h["shape"];
  if (!shape.is_array() || shape.size() > 16) fail("field 'shape' must be a list of at most 16 extents");
  SafetensorsEntry e{*dtype, {}, {}};
  for (const auto& d : shape) {
    if (!d.is_number_unsigned() || d.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) fail(fmt::format("field 'shape' must hold non-negative integers, found {}", d.dump()));
    e.shape.push_back(d.get<int64_t>());
  }
  if (auto why = tensor_size_problem(e.shape, *dtype); !why.empty()) fail("field 'shape': " + why);
  const auto& offsets = h["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
    fail("field 'data_offsets' must be [begin, end] byte offsets");
  uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
  // Compare against the data section's size; never add offsets to the start (a sum could wrap).
  uint64_t data_size = bytes_.size() - data_start_;
  if (begin > end || end > data_size)
    fail(fmt::format("data_offsets [{}, {}] lie outside the file's {} data bytes", begin, end, data_size));
  uint64_t need = *checked_numel(e.shape) * static_cast<uint64_t>(dtype_bytes(*dtype));  // bounded by tensor_size_problem
  if (end - begin != need) fail(fmt::format("holds {} bytes, shape {} needs {}", end - begin, shape_str(e.shape), need));
  uint64_t off0 = begin;
  e.data = decode_elements(bytes_.data() + data_start_ + off0, static_cast<size_t>(*checked_numel(e.shape)), *dtype);
  return e;
}

}  // namespace tmetal::graph
