// MSL language version selection (see msl_language_version.h). The macOS releases that introduced each
// version are Apple's MTLLanguageVersion availability: 3.0 macOS 13, 3.1 macOS 14, 3.2 macOS 15, 4.0 macOS 26.
#include "runtime/metal/msl_language_version.h"

#include <fmt/core.h>

#include <charconv>

namespace tmetal::runtime::metal {

namespace {
std::optional<int> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

std::optional<LanguageVersion> parse_language_version(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto major = parse_int(text.substr(0, dot));
  auto minor = parse_int(text.substr(dot + 1));
  if (!major || !minor) return std::nullopt;
  return LanguageVersion{*major, *minor};
}

std::optional<LanguageVersion> version_from_header(std::string_view msl) {
  // Only the leading comment block: a "(MSL x.y)" deeper in a kernel is not a header.
  std::size_t pos = 0;
  while (pos < msl.size()) {
    std::size_t end = msl.find('\n', pos);
    std::string_view line = msl.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (line.rfind("//", 0) != 0) break;
    if (auto at = line.find("(MSL "); at != std::string_view::npos) {
      auto close = line.find(')', at);
      if (close != std::string_view::npos) return parse_language_version(line.substr(at + 5, close - at - 5));
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return std::nullopt;
}

int macos_introducing(const LanguageVersion& v) {
  if (v.major == 3 && v.minor == 0) return 13;
  if (v.major == 3 && v.minor == 1) return 14;
  if (v.major == 3 && v.minor == 2) return 15;
  if (v.major == 4 && v.minor == 0) return 26;
  if (v.major < 3 && v.major >= 1) return 11;  // every supported macOS (Apple silicon: 11+) has 1.x and 2.x
  return 0;
}

std::optional<LanguageVersion> newest_for_macos(const OsVersion& os) {
  if (os.major >= 26) return LanguageVersion{4, 0};
  if (os.major == 15) return LanguageVersion{3, 2};
  if (os.major == 14) return LanguageVersion{3, 1};
  if (os.major == 13) return LanguageVersion{3, 0};
  return std::nullopt;
}

LanguageVersion choose_language_version(const std::string& requested, std::string_view msl, const OsVersion& os,
                                        const std::string& file, LanguageVersion fallback) {
  LanguageVersion v = fallback;
  if (!requested.empty()) {
    auto parsed = parse_language_version(requested);
    if (!parsed) throw CompileError(fmt::format("{}: error: MSL version '{}' is not MAJOR.MINOR (e.g. 3.1)", file, requested));
    v = *parsed;
  } else if (auto header = version_from_header(msl)) {
    v = *header;
  }
  if (macos_introducing(v) == 0)
    throw CompileError(fmt::format("{}: error: MSL {} is not a Metal Shading Language version this runtime knows "
                                   "(1.x, 2.x, 3.0, 3.1, 3.2, 4.0)", file, v.text()));
  if (os.major == 0) return v;
  auto newest = newest_for_macos(os);
  if (!newest)
    throw CompileError(fmt::format("{}: error: this Mac runs macOS {}.{}; triton-metal's Metal device needs macOS 13 or "
                                   "newer (MSL 3.0; macOS 14 for bfloat kernels)", file, os.major, os.minor));
  if (newest->raw() < v.raw()) return *newest;
  return v;
}

}  // namespace tmetal::runtime::metal
