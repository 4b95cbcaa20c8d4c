// Token re-emission with #line resynchronisation (see token_writer.h).
#include "runtime/msl/token_writer.h"

#include <fmt/format.h>

namespace tmetal::msl {

void TokenWriter::raw(const std::string& text) {
  out_ += text;
  for (char c : text)
    if (c == '\n') ++line_;
}

void TokenWriter::tok(const Token& t, const std::string& text) {
  if (t.directive && !t.directive_start) {
    raw(t.lead);
  } else {
    int newlines = 0;
    for (char c : t.lead) newlines += c == '\n';
    if (line_ + newlines == t.line) {
      raw(t.lead);
    } else {
      raw(fmt::format("\n#line {} \"{}\"\n{}", t.line, file_name_, std::string(static_cast<size_t>(t.col - 1), ' ')));
      line_ = t.line;
    }
  }
  raw(text);
  last_ = text;
}

}  // namespace tmetal::msl
