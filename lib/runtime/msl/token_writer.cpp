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
    const std::string* f = t.file.get();
    if (line_ + newlines == t.line && (f == file_ || (f && file_ && *f == *file_))) {
      raw(t.lead);
    } else {
      std::string name;
      for (char c : f ? *f : file_name_) name += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
      raw(fmt::format("\n#line {} \"{}\"\n{}", t.line, name, std::string(static_cast<size_t>(t.col - 1), ' ')));
      line_ = t.line;
      file_ = f;
    }
  }
  raw(text);
  last_ = text;
}

}  // namespace tmetal::msl
