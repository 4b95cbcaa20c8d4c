// Printing and comparison of tile-IR attributes (see attribute.h).
#include "ir/attribute.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace tmetal::ir {

bool FloatAttr::operator==(const FloatAttr& o) const {
  return std::memcmp(&value, &o.value, sizeof value) == 0 && type == o.type;
}

std::string quote_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) out += fmt::format("\\x{:02x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

std::string Attribute::str() const {
  struct Visitor {
    std::string operator()(std::monostate) const { return "unit"; }
    std::string operator()(const IntAttr& a) const { return fmt::format("{} : {}", a.value, a.type.str()); }
    std::string operator()(const FloatAttr& a) const { return fmt::format("{} : {}", format_double(a.value), a.type.str()); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const std::string& s) const { return quote_string(s); }
    std::string operator()(const Type& t) const { return "type<" + t.str() + ">"; }
    std::string operator()(const ArrayAttr& a) const {
      std::string out = "array<";
      for (size_t i = 0; i < a.values.size(); ++i) out += (i ? ", " : "") + std::to_string(a.values[i]);
      return out + ">";
    }
  };
  return std::visit(Visitor{}, v_);
}

}  // namespace tmetal::ir
