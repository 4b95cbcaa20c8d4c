// Specialization: parsing of the caller's `--signature` and `--constexpr` texts (see compile.h).
#include "triton_metal/compile.h"

#include "frontend/ftype.h"

#include <fmt/format.h>

#include <cstdlib>

namespace tmetal {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\n");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.push_back(trim(s.substr(start, at == std::string::npos ? std::string::npos : at - start)));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return out;
}

bool valid_name(const std::string& n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace

void Specialization::parse_signature(const std::string& text) {
  for (const std::string& entry : split(text, ',')) {
    if (entry.empty()) continue;
    size_t eq = entry.find('=');
    if (eq == std::string::npos) throw std::invalid_argument(fmt::format("bad --signature entry '{}': expected NAME=TYPE (e.g. x_ptr=*fp32 or n=i32:16)", entry));
    std::string name = trim(entry.substr(0, eq));
    std::string type = trim(entry.substr(eq + 1));
    if (!valid_name(name)) throw std::invalid_argument(fmt::format("bad --signature entry '{}': '{}' is not a parameter name", entry, name));
    ArgSpec spec;
    if (size_t colon = type.find(':'); colon != std::string::npos) {
      std::string div = trim(type.substr(colon + 1));
      type = trim(type.substr(0, colon));
      if (div != "16" && div != "1") throw std::invalid_argument(fmt::format("bad --signature entry '{}': the only divisibility hints are :16 and :1", entry));
      spec.divisibility = std::stoi(div);
    }
    std::string base = !type.empty() && type[0] == '*' ? type.substr(1) : type;
    auto dt = frontend::dt_from_name(base);
    if (!dt) throw std::invalid_argument(fmt::format("bad --signature entry '{}': unknown type '{}' (use i1 i8 i16 i32 i64 u8 u16 u32 u64 fp16 bf16 fp32, with * for pointers)", entry, type));
    if (*dt == frontend::DT::F64) throw std::invalid_argument(fmt::format("bad --signature entry '{}': fp64 is not supported (Metal has no double)", entry));
    if (spec.divisibility == 16 && type[0] != '*' && !frontend::dt_is_int(*dt)) throw std::invalid_argument(fmt::format("bad --signature entry '{}': :16 applies to integers and pointers only", entry));
    spec.type = type;
    if (args.count(name)) throw std::invalid_argument(fmt::format("--signature names '{}' twice", name));
    args[name] = spec;
  }
}

void Specialization::parse_constexpr(const std::string& text) {
  for (const std::string& entry : split(text, ',')) {
    if (entry.empty()) continue;
    size_t eq = entry.find('=');
    if (eq == std::string::npos) throw std::invalid_argument(fmt::format("bad --constexpr entry '{}': expected NAME=VALUE (e.g. BLOCK=1024)", entry));
    std::string name = trim(entry.substr(0, eq));
    std::string value = trim(entry.substr(eq + 1));
    if (!valid_name(name)) throw std::invalid_argument(fmt::format("bad --constexpr entry '{}': '{}' is not a parameter name", entry, name));
    if (value.empty()) throw std::invalid_argument(fmt::format("bad --constexpr entry '{}': missing value", entry));
    ConstexprValue v;
    char* end = nullptr;
    errno = 0;
    long long i = std::strtoll(value.c_str(), &end, 0);
    if (*end == '\0' && errno == 0) {
      v = static_cast<int64_t>(i);
    } else if (*end == '\0' && errno == ERANGE) {  // an integer literal past 64 bits (not a float: refused)
      throw std::invalid_argument(fmt::format("bad --constexpr entry '{}': {} does not fit in a signed 64-bit integer", entry, value));
    } else if (value == "True" || value == "true") {
      v = true;
    } else if (value == "False" || value == "false") {
      v = false;
    } else {
      errno = 0;
      double d = std::strtod(value.c_str(), &end);
      if (*end == '\0' && errno == 0) v = d;
      else {
        std::string n = value.rfind("tl.", 0) == 0 ? value.substr(3) : value;
        if (!frontend::dt_from_name(n) && !valid_name(n)) throw std::invalid_argument(fmt::format("bad --constexpr entry '{}': the value must be an integer, a float, True/False or a dtype name", entry));
        v = value;
      }
    }
    if (constexprs.count(name)) throw std::invalid_argument(fmt::format("--constexpr gives '{}' twice", name));
    constexprs[name] = v;
  }
}

std::string Specialization::key() const {
  std::string out;
  for (auto& [n, a] : args) out += fmt::format("{}={}{};", n, a.type, a.divisibility == 16 ? ":16" : "");
  for (auto& [n, c] : constexprs) {
    std::string v = std::visit([](auto&& x) {
      using T = std::decay_t<decltype(x)>;
      if constexpr (std::is_same_v<T, bool>) return std::string(x ? "True" : "False");
      else if constexpr (std::is_same_v<T, std::string>) return x;
      else return fmt::format("{}", x);
    }, c);
    out += fmt::format("{}={};", n, v);
  }
  return out;
}

}  // namespace tmetal
