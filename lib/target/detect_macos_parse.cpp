// String handling of macOS GPU detection (see detect_macos_parse.h).
#include "detect_macos_parse.h"

namespace tmetal::target {

std::string clean_reported_string(std::string_view raw) {
  std::size_t end = raw.size();
  while (end > 0 && (raw[end - 1] == '\0' || raw[end - 1] == ' ' || raw[end - 1] == '\t' || raw[end - 1] == '\n')) --end;
  std::size_t nul = raw.substr(0, end).find('\0');
  if (nul != std::string_view::npos) end = nul;  // a C string inside a longer buffer
  std::size_t begin = 0;
  while (begin < end && (raw[begin] == ' ' || raw[begin] == '\t')) ++begin;
  return std::string(raw.substr(begin, end - begin));
}

namespace {
bool names_apple_m_chip(const std::string& s) {
  // "Apple M1", "Apple M3 Max", "Apple M4 Pro": "Apple M" followed by a generation digit.
  return s.size() > 7 && s.compare(0, 7, "Apple M") == 0 && s[7] >= '1' && s[7] <= '9';
}
}  // namespace

std::string choose_gpu_name(std::string_view iokit_model, std::string_view brand_string) {
  std::string model = clean_reported_string(iokit_model);
  if (names_apple_m_chip(model)) return model;
  std::string brand = clean_reported_string(brand_string);
  if (names_apple_m_chip(brand)) return brand;
  return {};
}

int sanitize_core_count(long long reported) { return reported >= 1 && reported <= 1024 ? static_cast<int>(reported) : 0; }

}  // namespace tmetal::target
