// Front-end diagnostics: a source file with line lookup, and CompileError, the one exception type for
// every mistake a user can make in a kernel. Rendered as
//   add.py:7:18: error: message
//       x = a + b
//               ^
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace tmetal::frontend {

struct SourceFile {
  SourceFile(std::string name, std::string text);
  std::string name;
  std::string text;
  std::shared_ptr<const std::string> shared_name;  // for IR locations
  std::vector<size_t> line_starts;
  std::string line(int line) const;  // 1-based; "" when out of range
};

struct Pos {
  int line = 0;
  int col = 0;  // 1-based
};

class CompileError : public std::runtime_error {
 public:
  CompileError(Pos pos, std::string message) : std::runtime_error(message), pos(pos) {}
  Pos pos;
};

// `file:line:col: error: message` + source line + caret.
std::string render_diagnostic(const SourceFile& file, Pos pos, const std::string& message);

}  // namespace tmetal::frontend
