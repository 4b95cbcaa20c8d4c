// Metal compiler diagnostics mapped to the MSL file and the kernel's source line (see compile_error_map.h).
#include "runtime/metal/compile_error_map.h"

#include <fmt/core.h>

#include <regex>
#include <set>
#include <sstream>
#include <vector>

namespace tmetal::runtime::metal {

namespace {
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      if (pos < text.size()) lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}
}  // namespace

std::optional<KernelSourceLine> kernel_source_line(std::string_view msl, int msl_line) {
  static const std::regex comment(R"(^\s*// (\S+?):(\d+): (.*)$)");
  std::vector<std::string_view> lines = split_lines(msl);
  if (msl_line < 1) return std::nullopt;
  for (int i = std::min<int>(msl_line, static_cast<int>(lines.size())) - 1; i >= 0; --i) {
    std::string line(lines[i]);
    std::smatch m;
    if (std::regex_match(line, m, comment)) return KernelSourceLine{m[1].str(), std::stoi(m[2].str()), m[3].str()};
  }
  return std::nullopt;
}

std::string map_compiler_log(std::string_view log, std::string_view msl, const std::string& file_name) {
  static const std::regex diag(R"(^program_source:(\d+):(\d+): (error|warning|note): (.*)$)");
  std::ostringstream out;
  bool any = false;
  std::set<int> noted;  // kernel source lines already named
  for (std::string_view raw : split_lines(log)) {
    std::string line(raw);
    if (!any && line.rfind("Compilation failed", 0) == 0) continue;
    if (!any && line.empty()) continue;
    std::smatch m;
    if (std::regex_match(line, m, diag)) {
      any = true;
      int msl_line = std::stoi(m[1].str());
      out << fmt::format("{}:{}:{}: {}: {}\n", file_name, m[1].str(), m[2].str(), m[3].str(), m[4].str());
      if (m[3].str() == "error") {
        auto src = kernel_source_line(msl, msl_line);
        if (src && noted.insert(src->line).second)
          out << fmt::format("{}:{}: note: MSL line {} was generated from this kernel line: {}\n", src->file, src->line, msl_line, src->text);
      }
      continue;
    }
    out << line << "\n";
  }
  std::string text = out.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (!any) {
    std::string trimmed(log);
    while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
    return fmt::format("{}: error: the Metal compiler refused the kernel: {}", file_name, trimmed.empty() ? "(no diagnostics)" : trimmed);
  }
  return text;
}

}  // namespace tmetal::runtime::metal
