// Function-constant encoding for the Metal device (see function_constants.h).
#include "runtime/metal/function_constants.h"

#include <fmt/core.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

namespace tmetal::runtime::metal {

namespace {

template <class T> std::vector<std::uint8_t> bytes_of(T v) {
  std::vector<std::uint8_t> b(sizeof(T));
  std::memcpy(b.data(), &v, sizeof(T));
  return b;
}

// IEEE binary16 bits of a float, round to nearest even (overflow to infinity; NaN stays NaN).
std::uint16_t half_bits(float f) {
  std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  std::uint32_t sign = (x >> 16) & 0x8000u;
  std::uint32_t abs = x & 0x7fffffffu;
  if (abs > 0x7f800000u) return static_cast<std::uint16_t>(sign | 0x7e00u);
  if (abs >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // rounds to >= 65520: infinity
  if (abs < 0x38800000u) {  // subnormal half (or zero)
    float scaled = std::bit_cast<float>(abs) * 16777216.0f;  // * 2^24: the subnormal's integer mantissa
    return static_cast<std::uint16_t>(sign | static_cast<std::uint32_t>(std::nearbyint(scaled)));
  }
  std::uint32_t mant = abs & 0x7fffffu;
  std::uint32_t exp = (abs >> 23) - 127 + 15;
  std::uint32_t h = (exp << 10) | (mant >> 13);
  std::uint32_t rest = mant & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;
  return static_cast<std::uint16_t>(sign | h);
}

std::string value_text(const FunctionConstantValue& v) {
  if (std::holds_alternative<bool>(v)) return std::get<bool>(v) ? "true" : "false";
  if (std::holds_alternative<std::int64_t>(v)) return std::to_string(std::get<std::int64_t>(v));
  return fmt::format("{}", std::get<double>(v));
}

template <class T>
std::vector<std::uint8_t> integer_bytes(const FunctionConstantValue& v, const msl::FunctionConstantDecl& d, const std::string& file) {
  long double x;
  if (std::holds_alternative<bool>(v)) x = std::get<bool>(v) ? 1 : 0;
  else if (std::holds_alternative<std::int64_t>(v)) x = static_cast<long double>(std::get<std::int64_t>(v));
  else x = std::get<double>(v);
  if (!std::isfinite(static_cast<double>(x)) || x != std::floor(x) || x < static_cast<long double>(std::numeric_limits<T>::min()) ||
      x > static_cast<long double>(std::numeric_limits<T>::max()))
    throw CompileError(fmt::format("{}:{}:{}: error: function constant '{}' is a {}; {} does not fit it", file, d.line, d.col, d.name,
                                   d.type_text, value_text(v)));
  if (std::holds_alternative<std::int64_t>(v)) return bytes_of(static_cast<T>(std::get<std::int64_t>(v)));
  return bytes_of(static_cast<T>(x));
}

}  // namespace

std::optional<ConstantType> constant_type(const std::string& t) {
  static const std::map<std::string, ConstantType> types = {
      {"bool", ConstantType::Bool},     {"char", ConstantType::Char},       {"int8_t", ConstantType::Char},
      {"uchar", ConstantType::UChar},   {"uint8_t", ConstantType::UChar},   {"short", ConstantType::Short},
      {"int16_t", ConstantType::Short}, {"ushort", ConstantType::UShort},   {"uint16_t", ConstantType::UShort},
      {"int", ConstantType::Int},       {"int32_t", ConstantType::Int},     {"uint", ConstantType::UInt},
      {"uint32_t", ConstantType::UInt}, {"unsigned int", ConstantType::UInt}, {"long", ConstantType::Long},
      {"int64_t", ConstantType::Long},  {"ulong", ConstantType::ULong},     {"uint64_t", ConstantType::ULong},
      {"half", ConstantType::Half},     {"float", ConstantType::Float}};
  auto it = types.find(t);
  if (it == types.end()) return std::nullopt;
  return it->second;
}

std::vector<ConstantValue> encode_function_constants(const std::vector<msl::FunctionConstantDecl>& decls,
                                                     const FunctionConstants& values, const std::string& file) {
  std::vector<ConstantValue> out;
  for (const auto& [key, value] : values) {
    const msl::FunctionConstantDecl* d = nullptr;
    for (const auto& c : decls)
      if (c.name == key || std::to_string(c.index) == key) d = &c;
    if (!d) throw CompileError(fmt::format("{}: error: no function constant '{}' is declared in the kernel", file, key));
    auto type = constant_type(d->type_text);
    if (!type)
      throw CompileError(fmt::format("{}:{}:{}: error: function constant '{}' has type {}: the metal device sets scalar constants only",
                                     file, d->line, d->col, d->name, d->type_text));
    ConstantValue cv{d->index, d->name, *type, {}};
    switch (*type) {
      case ConstantType::Bool: {
        bool b;
        if (std::holds_alternative<bool>(value)) b = std::get<bool>(value);
        else if (std::holds_alternative<std::int64_t>(value) && (std::get<std::int64_t>(value) == 0 || std::get<std::int64_t>(value) == 1))
          b = std::get<std::int64_t>(value) == 1;
        else
          throw CompileError(fmt::format("{}:{}:{}: error: function constant '{}' is a bool; {} is not true/false", file, d->line, d->col,
                                         d->name, value_text(value)));
        cv.bytes = bytes_of(static_cast<std::uint8_t>(b));
        break;
      }
      case ConstantType::Char: cv.bytes = integer_bytes<std::int8_t>(value, *d, file); break;
      case ConstantType::UChar: cv.bytes = integer_bytes<std::uint8_t>(value, *d, file); break;
      case ConstantType::Short: cv.bytes = integer_bytes<std::int16_t>(value, *d, file); break;
      case ConstantType::UShort: cv.bytes = integer_bytes<std::uint16_t>(value, *d, file); break;
      case ConstantType::Int: cv.bytes = integer_bytes<std::int32_t>(value, *d, file); break;
      case ConstantType::UInt: cv.bytes = integer_bytes<std::uint32_t>(value, *d, file); break;
      case ConstantType::Long: cv.bytes = integer_bytes<std::int64_t>(value, *d, file); break;
      case ConstantType::ULong: cv.bytes = integer_bytes<std::uint64_t>(value, *d, file); break;
      case ConstantType::Half:
      case ConstantType::Float: {
        double x = std::holds_alternative<double>(value) ? std::get<double>(value)
                   : std::holds_alternative<std::int64_t>(value) ? static_cast<double>(std::get<std::int64_t>(value))
                                                                 : (std::get<bool>(value) ? 1.0 : 0.0);
        if (std::holds_alternative<bool>(value))
          throw CompileError(fmt::format("{}:{}:{}: error: function constant '{}' is a {}; {} is a bool", file, d->line, d->col, d->name,
                                         d->type_text, value_text(value)));
        if (*type == ConstantType::Float) cv.bytes = bytes_of(static_cast<float>(x));
        else cv.bytes = bytes_of(half_bits(static_cast<float>(x)));
        break;
      }
    }
    out.push_back(std::move(cv));
  }
  return out;
}

}  // namespace tmetal::runtime::metal
