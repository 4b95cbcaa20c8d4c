// Target selection: resolves user-supplied names ("m3", "Apple M3 Max", "m3_max-40c", ...) to chip-table
// rows, and picks the default target (TRITON_METAL_TARGET, else the detected GPU on macOS, else apple-m3).
#include "triton_metal/target.h"
#include "triton_metal/target_detect.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <optional>

namespace tmetal::target {
namespace {

struct ParsedName {
  Generation generation;
  Variant variant;
  int cores;  // 0 = no bin given
};

std::vector<std::string> tokens_of(std::string_view name) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(current);
    current.clear();
  };
  for (char ch : name) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '-' || c == '_' || std::isspace(c)) {
      flush();
    } else if (std::isalnum(c)) {
      // A digit after letters of a core-count suffix ("core40") or letters after digits ("40c") stay in
      // one token; "m3max" is split into "m3" and "max" below.
      current.push_back(static_cast<char>(std::tolower(c)));
    } else {
      return {};  // any other character: not a target name
    }
  }
  flush();
  return tokens;
}

std::optional<int> parse_count(std::string_view s) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  int n = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n > 0 ? std::optional<int>(n) : std::nullopt;
}

std::optional<ParsedName> parse_name(std::string_view raw) {
  std::vector<std::string> t = tokens_of(raw);
  std::size_t i = 0;
  if (i < t.size() && t[i] == "apple") ++i;
  if (i >= t.size() || t[i].size() < 2 || t[i][0] != 'm' || t[i][1] < '1' || t[i][1] > '5') return std::nullopt;
  ParsedName p{static_cast<Generation>(t[i][1] - '0'), Variant::Base, 0};
  std::string rest = t[i].substr(2);  // "m3max" -> "max"
  ++i;
  if (!rest.empty()) t.insert(t.begin() + static_cast<std::ptrdiff_t>(i), rest);
  if (i < t.size()) {
    const std::string& v = t[i];
    if (v == "base") { p.variant = Variant::Base; ++i; }
    else if (v == "pro") { p.variant = Variant::Pro; ++i; }
    else if (v == "max") { p.variant = Variant::Max; ++i; }
    else if (v == "ultra") { p.variant = Variant::Ultra; ++i; }
  }
  if (i < t.size()) {
    std::string bin = t[i++];
    for (std::string_view suffix : {"cores", "core", "c"}) {
      if (bin.size() > suffix.size() && bin.ends_with(suffix)) {
        bin.resize(bin.size() - suffix.size());
        break;
      }
    }
    auto n = parse_count(bin);
    if (!n) return std::nullopt;
    p.cores = *n;
    if (i < t.size() && (t[i] == "core" || t[i] == "cores" || t[i] == "c")) ++i;
    if (i < t.size() && t[i] == "gpu") ++i;
  }
  if (i != t.size()) return std::nullopt;
  return p;
}

std::string valid_names_text() {
  return fmt::format("{}", fmt::join(target_names(), ", "));
}

[[noreturn]] void throw_unknown(std::string_view name, std::string_view origin) {
  throw UnknownTargetError(std::string(name),
                           fmt::format("unknown target '{}'{}; valid targets: {} (short forms such as 'm3', "
                                       "'m3-max' or 'M3 Max' pick the largest GPU of that chip)",
                                       name, origin, valid_names_text()));
}

Target resolve_or_throw(std::string_view name, std::string_view origin) {
  auto parsed = parse_name(name);
  if (!parsed) throw_unknown(name, origin);
  const ChipSpec* best = nullptr;
  for (const auto& row : chip_table()) {
    if (row.generation != parsed->generation || row.variant != parsed->variant) continue;
    if (parsed->cores != 0) {
      if (row.gpu_cores == parsed->cores) return Target(row);
    } else if (best == nullptr || row.gpu_cores > best->gpu_cores) {
      best = &row;
    }
  }
  if (best == nullptr) throw_unknown(name, origin);
  return Target(*best);
}

}  // namespace

Target resolve_target(std::string_view name) { return resolve_or_throw(name, ""); }

Target default_target() {
  const char* env = std::getenv(std::string(kTargetEnvVar).c_str());
  if (env != nullptr && *env != '\0') {
    return resolve_or_throw(env, fmt::format(" (from {})", kTargetEnvVar));
  }
  if (auto detected = detect_host_target()) return *detected;
  return resolve_target(kDefaultTargetName);
}

}  // namespace tmetal::target
