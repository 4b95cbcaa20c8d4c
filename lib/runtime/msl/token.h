// Tokens of Metal Shading Language source, as produced by the MSL tokenizer.
//
// Each token keeps the exact text that preceded it (whitespace and comments, "trivia") so a rewriter can
// reproduce the source layout, and the 1-based line and column of its first character, so diagnostics
// can point at the user's MSL.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace tmetal::msl {

enum class TokenKind : std::uint8_t { Identifier, Number, String, Char, Punct, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;    // the token's spelling
  std::string lead;    // whitespace and comments before the token, verbatim
  int line = 1;        // 1-based position of the first character
  int col = 1;
  bool directive = false;        // part of a preprocessor directive line (starting with '#')
  bool directive_start = false;  // the '#' that opens a directive
  bool linemarker = false;       // part of a `#line N` or `# N "file"` directive (already applied to `line`)
  // The file the token comes from when a line marker named one (a header the preprocessor inlined); null
  // for the file being tokenized.
  std::shared_ptr<const std::string> file;

  const std::string& file_name(const std::string& main_file) const { return file ? *file : main_file; }

  bool is(std::string_view s) const { return text == s && kind != TokenKind::String && kind != TokenKind::Char; }
  bool ident() const { return kind == TokenKind::Identifier; }
};

// An error in the MSL text itself (an unterminated comment or string, a stray character).
class SyntaxError : public std::runtime_error {
 public:
  SyntaxError(const std::string& file, int line, int col, const std::string& message);
  int line;
  int col;
};

// Splits MSL source into tokens; the last token has kind End (its lead holds trailing trivia). Line
// directives (`#line N`, and the `# N "file"` markers a preprocessor writes) renumber the lines after them;
// a marker naming a file other than `file_name` sets the tokens' `file`.
std::vector<Token> tokenize(const std::string& source, const std::string& file_name = "kernel.metal");

}  // namespace tmetal::msl
