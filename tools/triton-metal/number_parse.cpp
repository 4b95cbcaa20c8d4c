// Strict number parsing of the command line (see number_parse.h).
#include "number_parse.h"

#include "command_registry.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

namespace tmetal::cli {

namespace {

[[noreturn]] void bad(const std::string& what, const std::string& text, const std::string& why) {
  throw UsageError(fmt::format("{}: '{}' {}", what, text, why));
}

// Digits of an integer literal: optional sign, decimal or 0x hex. False when anything else is present.
bool split_integer(const std::string& text, bool& negative, std::string_view& digits, int& base) {
  std::string_view s(text);
  negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  digits = s;
  if (s.empty()) return false;
  for (char c : s)
    if (!(base == 10 ? (c >= '0' && c <= '9') : std::isxdigit(static_cast<unsigned char>(c)))) return false;
  return true;
}

// The magnitude and sign of an integer literal (the whole text); nullopt when the magnitude passes 64 bits.
std::optional<uint64_t> magnitude(const std::string& text, const std::string& what, bool& negative) {
  std::string_view digits;
  int base;
  if (!split_integer(text, negative, digits, base)) bad(what, text, "is not an integer");
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (ec == std::errc::result_out_of_range) return std::nullopt;
  if (ec != std::errc() || ptr != digits.data() + digits.size()) bad(what, text, "is not an integer");
  return v;
}

}  // namespace

uint64_t parse_unsigned(const std::string& text, uint64_t max, const std::string& what) {
  bool negative;
  std::optional<uint64_t> v = magnitude(text, what, negative);
  if (!v || (!negative && *v > max) || (negative && *v != 0)) bad(what, text, fmt::format("is out of range (0 to {})", max));
  return *v;
}

int64_t parse_integer(const std::string& text, int64_t min, int64_t max, const std::string& what) {
  bool negative;
  std::optional<uint64_t> mag = magnitude(text, what, negative);
  auto range = [&] { bad(what, text, fmt::format("is out of range ({} to {})", min, max)); };
  if (!mag) range();
  if (!negative && *mag > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) range();
  if (negative && *mag > uint64_t{1} << 63) range();
  int64_t v = negative ? static_cast<int64_t>(0 - *mag) : static_cast<int64_t>(*mag);
  if (v < min || v > max) range();
  return v;
}

double parse_real(const std::string& text, bool allow_nonfinite, const std::string& what) {
  std::string t = text;
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!t.empty() && t[0] == '+') t.erase(0, 1);  // from_chars takes '-' but not '+'
  if (!t.empty() && (t[0] == '+' || t[0] == '-') && text[0] == '+') bad(what, text, "is not a number");
  std::string_view body(t);
  bool neg = !body.empty() && body[0] == '-';
  if (neg) body.remove_prefix(1);
  if (body == "nan" || body == "inf" || body == "infinity") {
    if (!allow_nonfinite) bad(what, text, "must be a finite number here");
    return body == "nan" ? std::numeric_limits<double>::quiet_NaN() : neg ? -INFINITY : INFINITY;
  }
  if (body.empty() || body.find_first_not_of("0123456789.e+-") != std::string_view::npos) bad(what, text, "is not a number");
  double v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc::result_out_of_range) bad(what, text, "is out of the range of a double");
  if (ec != std::errc() || ptr != t.data() + t.size()) bad(what, text, "is not a number");
  return v;
}

std::optional<IntRange> integer_range(const std::string& dtype) {
  if (dtype == "i1" || dtype == "bool") return IntRange{0, 1};
  if (dtype == "i8") return IntRange{-128, 127};
  if (dtype == "i16") return IntRange{-32768, 32767};
  if (dtype == "i32") return IntRange{std::numeric_limits<int32_t>::min(), static_cast<uint64_t>(std::numeric_limits<int32_t>::max())};
  if (dtype == "i64") return IntRange{std::numeric_limits<int64_t>::min(), static_cast<uint64_t>(std::numeric_limits<int64_t>::max())};
  if (dtype == "u8") return IntRange{0, 255};
  if (dtype == "u16") return IntRange{0, 65535};
  if (dtype == "u32") return IntRange{0, std::numeric_limits<uint32_t>::max()};
  if (dtype == "u64") return IntRange{0, std::numeric_limits<uint64_t>::max()};
  return std::nullopt;
}

TypedValue parse_value_of_type(const std::string& text, const std::string& dtype, const std::string& what) {
  TypedValue out;
  if (auto r = integer_range(dtype)) {
    if (r->min == 0 && r->max > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      uint64_t u = parse_unsigned(text, r->max, what + " (" + dtype + ")");
      out.i = static_cast<int64_t>(u);
      out.f = static_cast<double>(u);
      return out;
    }
    if (text.find_first_of(".eE") != std::string::npos && text.find("0x") == std::string::npos &&
        text.find_first_not_of("0123456789+-.eE") == std::string::npos)
      bad(what, text, fmt::format("is not an integer (the {} parameter takes integers only)", dtype));
    if (text == "nan" || text == "inf" || text == "-inf") bad(what, text, fmt::format("cannot be stored in {} (an integer type)", dtype));
    out.i = parse_integer(text, r->min, static_cast<int64_t>(r->max), what + " (" + dtype + ")");
    out.f = static_cast<double>(out.i);
    return out;
  }
  out.is_float = true;
  out.f = parse_real(text, true, what);
  double limit = dtype == "f16" ? 65504.0 : dtype == "f64" ? std::numeric_limits<double>::max() : std::numeric_limits<float>::max();
  if (std::isfinite(out.f) && std::fabs(out.f) > limit) bad(what, text, fmt::format("overflows {} (largest finite value {:g})", dtype, limit));
  out.i = 0;
  return out;
}

std::array<uint32_t, 3> parse_dims(const std::string& text, uint64_t max, const std::string& what) {
  std::array<uint32_t, 3> g{1, 1, 1};
  size_t start = 0, i = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (i == 3) throw UsageError(fmt::format("{} '{}' has more than 3 dimensions", what, text));
    if (part.empty()) throw UsageError(fmt::format("{} '{}': expected positive integers X[,Y[,Z]]", what, text));
    uint64_t v = parse_unsigned(part, max, fmt::format("{} '{}': dimension {}", what, text, i));
    if (v == 0) throw UsageError(fmt::format("{} '{}': dimension {} must be at least 1", what, text, i));
    g[i++] = static_cast<uint32_t>(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return g;
}

}  // namespace tmetal::cli
