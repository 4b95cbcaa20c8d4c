// Typed attribute access for graph nodes (see attrs.h).
#include "attrs.h"

#include <fmt/core.h>

namespace tmetal::graph::attr {
namespace {
const nlohmann::json* find(const Node& node, const char* key) {
  auto it = node.attrs.find(key);
  return it == node.attrs.end() ? nullptr : &*it;
}
[[noreturn]] void bad(const char* key, const char* what, const nlohmann::json& value) {
  throw OpError(fmt::format("attribute '{}' must be {}, got {}", key, what, value.dump()));
}
}  // namespace

int64_t get_int(const Node& node, const char* key, int64_t fallback) {
  auto* v = find(node, key);
  if (!v) return fallback;
  if (!v->is_number_integer() || (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) bad(key, "an integer", *v);
  return v->get<int64_t>();
}
double get_float(const Node& node, const char* key, double fallback) {
  auto* v = find(node, key);
  if (!v) return fallback;
  if (!v->is_number()) bad(key, "a number", *v);
  return v->get<double>();
}
bool get_bool(const Node& node, const char* key, bool fallback) {
  auto* v = find(node, key);
  if (!v) return fallback;
  if (!v->is_boolean()) bad(key, "true or false", *v);
  return v->get<bool>();
}
std::string get_string(const Node& node, const char* key, const std::string& fallback) {
  auto* v = find(node, key);
  if (!v) return fallback;
  if (!v->is_string()) bad(key, "a string", *v);
  return v->get<std::string>();
}
std::vector<int64_t> get_ints(const Node& node, const char* key, std::vector<int64_t> fallback) {
  auto* v = find(node, key);
  if (!v) return fallback;
  if (!v->is_array()) bad(key, "a list of integers", *v);
  std::vector<int64_t> out;
  for (const auto& e : *v) {
    if (!e.is_number_integer() || (e.is_number_unsigned() && e.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) bad(key, "a list of integers", *v);
    out.push_back(e.get<int64_t>());
  }
  return out;
}
std::vector<int64_t> get_pair(const Node& node, const char* key, int64_t fallback, size_t count) {
  auto* v = find(node, key);
  if (!v) return std::vector<int64_t>(count, fallback);
  if (v->is_number_integer()) return std::vector<int64_t>(count, get_int(node, key, fallback));
  auto out = get_ints(node, key, {});
  if (out.size() != count) bad(key, count == 2 ? "an integer or a list of 2 integers" : "a list of 4 integers", *v);
  return out;
}
int64_t normalize_axis(int64_t axis, size_t rank, const char* key) {
  int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r)
    throw OpError(fmt::format("attribute '{}' = {} is out of range for rank {}", key, axis, rank));
  return axis < 0 ? axis + r : axis;
}

}  // namespace tmetal::graph::attr
