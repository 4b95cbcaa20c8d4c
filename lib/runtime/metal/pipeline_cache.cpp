// Pipeline cache keys of the Metal device (see pipeline_cache.h).
#include "runtime/metal/pipeline_cache.h"

#include <fmt/core.h>

#include <algorithm>

namespace tmetal::runtime::metal {

std::uint64_t source_hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string canonical_constants(std::vector<ConstantValue> constants) {
  std::sort(constants.begin(), constants.end(), [](const ConstantValue& a, const ConstantValue& b) { return a.index < b.index; });
  std::string out;
  for (const auto& c : constants) {
    out += fmt::format("{}:{}:", c.index, static_cast<int>(c.type));
    for (auto b : c.bytes) out += fmt::format("{:02x}", b);
    out += ";";
  }
  return out;
}

}  // namespace tmetal::runtime::metal
