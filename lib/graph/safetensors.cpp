// Reader for safetensors weight files (see safetensors.h).
#include "safetensors.h"

#include "npy.h"

#include <fmt/core.h>

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
  std::ifstream in(path, std::ios::binary);
  if (!in) throw GraphError(fmt::format("{}: cannot open weight file", path.string()));
  bytes_.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes_.size() < 8) throw GraphError(fmt::format("{}: not a safetensors file (too short)", path.string()));
  uint64_t n = 0;
  std::memcpy(&n, bytes_.data(), 8);
  if (n > bytes_.size() - 8) throw GraphError(fmt::format("{}: not a safetensors file (header length {} past end)", path.string(), n));
  try {
    header_ = nlohmann::json::parse(bytes_.substr(8, n));
  } catch (const nlohmann::json::parse_error& e) {
    throw GraphError(fmt::format("{}: malformed safetensors header: {}", path.string(), e.what()));
  }
  data_start_ = 8 + n;
}

bool SafetensorsFile::contains(const std::string& key) const { return header_.contains(key) && key != "__metadata__"; }

SafetensorsEntry SafetensorsFile::read(const std::string& key) const {
  auto fail = [&](const std::string& why) { throw GraphError(fmt::format("{}: tensor '{}': {}", path_.string(), key, why)); };
  if (!contains(key)) fail("not in the file");
  const auto& h = header_.at(key);
  if (!h.is_object() || !h.contains("dtype") || !h.contains("shape") || !h.contains("data_offsets")) fail("malformed entry");
  auto dtype = safetensors_dtype(h["dtype"].get<std::string>());
  if (!dtype) fail("unsupported dtype " + h["dtype"].dump());
  SafetensorsEntry e{*dtype, h["shape"].get<Shape>(), {}};
  auto off = h["data_offsets"].get<std::vector<uint64_t>>();
  if (off.size() != 2 || off[0] > off[1] || data_start_ + off[1] > bytes_.size()) fail("data_offsets out of the file");
  uint64_t need = static_cast<uint64_t>(numel(e.shape)) * static_cast<uint64_t>(dtype_bytes(*dtype));
  if (off[1] - off[0] != need) fail(fmt::format("holds {} bytes, shape {} needs {}", off[1] - off[0], shape_str(e.shape), need));
  e.data = decode_elements(bytes_.data() + data_start_ + off[0], static_cast<size_t>(numel(e.shape)), *dtype);
  return e;
}

}  // namespace tmetal::graph
