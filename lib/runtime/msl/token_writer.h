// Output side of the MSL rewriters (the emulator's MSL → C++, the CUDA proxy's MSL → CUDA): re-emits tokens
// with their original spacing and comments, and keeps the generated text's lines mapped to the user's MSL
// with `#line` directives whenever a rewrite moved code to another line, so compiler errors name the user's
// line and column.
#pragma once

#include "runtime/msl/token.h"

#include <string>

namespace tmetal::msl {

class TokenWriter {
 public:
  explicit TokenWriter(std::string file_name) : file_name_(std::move(file_name)) {}

  // Appends generated text as is.
  void raw(const std::string& text);
  // Emits the token's leading trivia (or a #line resync) and then `text` in the token's place.
  void tok(const Token& t, const std::string& text);
  void tok(const Token& t) { tok(t, t.text); }
  // Emits only the trivia of a dropped token (keeps the layout).
  void drop(const Token& t) { tok(t, ""); }
  // Restarts line counting (after a `#line 1` the caller wrote).
  void reset_line() { line_ = 1; }

  const std::string& last() const { return last_; }  // text of the last token emitted
  std::string take() { return std::move(out_); }

 private:
  std::string file_name_;
  const std::string* file_ = nullptr;  // file of the line being written (null: file_name_)
  std::string out_, last_;
  int line_ = 1;
};

}  // namespace tmetal::msl
