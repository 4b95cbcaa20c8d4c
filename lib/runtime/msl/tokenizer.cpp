// MSL tokenizer: splits Metal Shading Language source (a C++14-based language) into identifiers,
// numbers (pp-numbers, so suffixes such as 1.0h stay one token), string and character literals and
// punctuators, keeping comments and whitespace as each token's leading trivia.
#include <climits>
#include "runtime/msl/token.h"

#include <fmt/core.h>

#include <array>
#include <cctype>

namespace tmetal::msl {

SyntaxError::SyntaxError(const std::string& file, int l, int c, const std::string& message)
    : std::runtime_error(fmt::format("{}:{}:{}: error: {}", file, l, c, message)), line(l), col(c) {}

namespace {

// Longest first, so maximal munch picks the right one.
constexpr std::array<std::string_view, 24> kMultiPunct = {
    "<<=", ">>=", "...", "->*", "::", "->", "++", "--", "<<", ">>", "<=", ">=", "==",
    "!=",  "&&",  "||",  "+=",  "-=", "*=", "/=", "%=", "&=", "|=", "^="};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Lexer {
 public:
  Lexer(const std::string& src, const std::string& file) : src_(src), file_(file) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    bool at_line_start = true;  // only whitespace since the last newline
    bool in_directive = false;
    while (true) {
      std::string lead;
      // Trivia: whitespace, comments, line continuations.
      while (pos_ < src_.size()) {
        char c = src_[pos_];
        if (c == '\n') {
          if (in_directive && !lead.empty() && lead.back() == '\\') {
            // continued directive line
          } else {
            in_directive = false;
            at_line_start = true;
          }
          lead += advance();
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\\') {
          lead += advance();
        } else if (c == '/' && peek(1) == '/') {
          while (pos_ < src_.size() && src_[pos_] != '\n') lead += advance();
        } else if (c == '/' && peek(1) == '*') {
          int l = line_, cl = col_;
          lead += advance();
          lead += advance();
          while (pos_ < src_.size() && !(src_[pos_] == '*' && peek(1) == '/')) lead += advance();
          if (pos_ >= src_.size()) throw SyntaxError(file_, l, cl, "unterminated /* comment");
          lead += advance();
          lead += advance();
        } else {
          break;
        }
      }
      Token t;
      t.lead = std::move(lead);
      t.line = line_;
      t.col = col_;
      if (pos_ >= src_.size()) {
        t.kind = TokenKind::End;
        out.push_back(std::move(t));
        return out;
      }
      char c = src_[pos_];
      if (c == '#' && at_line_start) {
        in_directive = true;
        t.directive_start = true;
      }
      at_line_start = false;
      t.directive = in_directive;
      if (ident_start(c)) {
        t.kind = TokenKind::Identifier;
        while (pos_ < src_.size() && ident_char(src_[pos_])) t.text += advance();
      } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && std::isdigit(static_cast<unsigned char>(peek(1))))) {
        t.kind = TokenKind::Number;
        // pp-number: digits, letters, '.', and signs after an exponent letter.
        while (pos_ < src_.size()) {
          char d = src_[pos_];
          if ((d == '+' || d == '-') && !t.text.empty() &&
              (t.text.back() == 'e' || t.text.back() == 'E' || t.text.back() == 'p' || t.text.back() == 'P') &&
              !(t.text.size() > 1 && (t.text[1] == 'x' || t.text[1] == 'X') && (t.text.back() == 'e' || t.text.back() == 'E'))) {
            t.text += advance();
          } else if (ident_char(d) || d == '.' || d == '\'') {
            t.text += advance();
          } else {
            break;
          }
        }
      } else if (c == '"' || c == '\'') {
        t.kind = c == '"' ? TokenKind::String : TokenKind::Char;
        char quote = c;
        t.text += advance();
        while (true) {
          if (pos_ >= src_.size() || src_[pos_] == '\n')
            throw SyntaxError(file_, t.line, t.col, quote == '"' ? "missing terminating '\"' character" : "missing terminating ' character");
          char d = advance();
          t.text += d;
          if (d == '\\' && pos_ < src_.size()) {
            t.text += advance();
          } else if (d == quote) {
            break;
          }
        }
      } else {
        t.kind = TokenKind::Punct;
        for (auto p : kMultiPunct) {
          if (src_.compare(pos_, p.size(), p) == 0) {
            for (size_t i = 0; i < p.size(); ++i) t.text += advance();
            break;
          }
        }
        if (t.text.empty()) {
          if (std::string_view("{}[]()<>;:,.?+-*/%^&|~!=#").find(c) == std::string_view::npos)
            throw SyntaxError(file_, line_, col_, fmt::format("stray character '{}' in program", c));
          t.text += advance();
          if (c == '#' && pos_ < src_.size() && src_[pos_] == '#') t.text += advance();
        }
      }
      out.push_back(std::move(t));
    }
  }

 private:
  char peek(size_t k) const { return pos_ + k < src_.size() ? src_[pos_ + k] : '\0'; }
  char advance() {
    char c = src_[pos_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    return c;
  }

  const std::string& src_;
  const std::string& file_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

}  // namespace

// The file name of a line marker's string literal ("a\\b.h" -> a\b.h).
std::string marker_file(const std::string& literal) {
  std::string f;
  for (size_t i = 1; i + 1 < literal.size(); ++i) {
    if (literal[i] == '\\' && i + 2 < literal.size()) ++i;
    f += literal[i];
  }
  return f;
}

// Applies `#line N` / `# N "file"` directives: the line after the directive is line N (of that file).
void apply_line_directives(std::vector<Token>& tokens, const std::string& main_file) {
  int offset = 0;
  std::shared_ptr<const std::string> file;
  for (size_t i = 0; i < tokens.size(); ++i) {
    Token& t = tokens[i];
    if (t.directive_start) {
      size_t k = i + 1;
      if (k < tokens.size() && tokens[k].directive && tokens[k].is("line")) ++k;
      if (k < tokens.size() && tokens[k].directive && tokens[k].kind == TokenKind::Number) {
        int physical = t.line;
        int n = 0;
        for (char c : tokens[k].text) {
          if (c < '0' || c > '9') break;
          if (n > (INT_MAX - 9) / 10) break;  // a line number past int's range is kept at its last fitting prefix
          n = n * 10 + (c - '0');
        }
        for (size_t j = i; j < tokens.size() && tokens[j].directive && (j == i || !tokens[j].directive_start); ++j) {
          tokens[j].linemarker = true;
          tokens[j].line += offset;
        }
        // Count the directive's own continuation lines: the next line after it is physical + 1 + continued.
        offset = n - (physical + 1);
        if (k + 1 < tokens.size() && tokens[k + 1].directive && !tokens[k + 1].directive_start &&
            tokens[k + 1].kind == TokenKind::String) {
          std::string f = marker_file(tokens[k + 1].text);
          if (f == main_file) file.reset();
          else if (!file || *file != f) file = std::make_shared<const std::string>(std::move(f));
        }
        size_t j = i;
        while (j + 1 < tokens.size() && tokens[j + 1].directive && !tokens[j + 1].directive_start) ++j;
        i = j;
        continue;
      }
    }
    t.line += offset;
    t.file = file;
  }
}

std::vector<Token> tokenize(const std::string& source, const std::string& file_name) {
  auto tokens = Lexer(source, file_name).run();
  apply_line_directives(tokens, file_name);
  return tokens;
}

}  // namespace tmetal::msl
