// Source-line lookup and rendering of front-end diagnostics (see diagnostic.h).
#include "frontend/diagnostic.h"

#include <fmt/format.h>

namespace tmetal::frontend {

SourceFile::SourceFile(std::string n, std::string t)
    : name(std::move(n)), text(std::move(t)), shared_name(std::make_shared<const std::string>(name)) {
  line_starts.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') line_starts.push_back(i + 1);
}

std::string SourceFile::line(int l) const {
  if (l < 1 || static_cast<size_t>(l) > line_starts.size()) return "";
  size_t start = line_starts[static_cast<size_t>(l - 1)];
  size_t end = text.find('\n', start);
  std::string s = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

std::string render_diagnostic(const SourceFile& file, Pos pos, const std::string& message) {
  std::string out = fmt::format("{}:{}:{}: error: {}\n", file.name, pos.line, pos.col, message);
  std::string src = file.line(pos.line);
  if (src.empty()) return out;
  out += src + "\n";
  std::string caret;
  for (int i = 1; i < pos.col && static_cast<size_t>(i - 1) < src.size(); ++i) caret += src[static_cast<size_t>(i - 1)] == '\t' ? '\t' : ' ';
  return out + caret + "^\n";
}

}  // namespace tmetal::frontend
