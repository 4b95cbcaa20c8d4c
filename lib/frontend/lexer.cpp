// Python-subset lexer with indentation tracking (see lexer.h).
#include "frontend/lexer.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tmetal::frontend {
namespace {

class Lexer {
 public:
  explicit Lexer(const SourceFile& f) : s_(f.text) {}

  std::vector<Token> run() {
    indents_.push_back(0);
    bool at_line_start = true;
    while (i_ < s_.size()) {
      if (at_line_start && depth_ == 0) {
        if (!indentation()) continue;  // blank or comment-only line
        at_line_start = false;
      }
      char c = s_[i_];
      if (c == '\n') {
        if (depth_ == 0) push(Tok::Newline, "\n", here());
        advance();
        at_line_start = depth_ == 0;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') { advance(); continue; }
      if (c == '#') { while (i_ < s_.size() && s_[i_] != '\n') advance(); continue; }
      if (c == '\\' && i_ + 1 < s_.size() && (s_[i_ + 1] == '\n' || s_[i_ + 1] == '\r')) {
        advance();
        if (s_[i_] == '\r') advance();
        if (i_ < s_.size()) advance();
        continue;
      }
      if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
        number();
        continue;
      }
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80) {
        Pos p = here();
        size_t start = i_;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || static_cast<unsigned char>(s_[i_]) >= 0x80)) advance();
        std::string word = s_.substr(start, i_ - start);
        if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'') && is_prefix(word)) {
          string(p, word);
          continue;
        }
        push(Tok::Name, word, p);
        continue;
      }
      if (c == '"' || c == '\'') { string(here(), ""); continue; }
      op();
    }
    if (!tokens_.empty() && tokens_.back().kind != Tok::Newline) push(Tok::Newline, "\n", here());
    while (indents_.size() > 1) {
      indents_.pop_back();
      push(Tok::Dedent, "", here());
    }
    push(Tok::End, "", here());
    return std::move(tokens_);
  }

 private:
  Pos here() const { return {line_, col_}; }
  void advance() {
    if (s_[i_] == '\n') { ++line_; col_ = 1; } else ++col_;
    ++i_;
  }
  [[noreturn]] void fail(Pos p, const std::string& m) { throw CompileError(p, m); }
  void push(Tok k, std::string text, Pos p) {
    Token t;
    t.kind = k;
    t.text = std::move(text);
    t.pos = p;
    tokens_.push_back(std::move(t));
  }

  // Measures the indentation of a new logical line; returns false for blank/comment lines (consumed).
  bool indentation() {
    int width = 0;
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\f')) {
      width = s_[i_] == '\t' ? (width / 8 + 1) * 8 : width + 1;
      advance();
    }
    if (i_ >= s_.size()) return true;
    if (s_[i_] == '\n' || s_[i_] == '#' || s_[i_] == '\r') {
      while (i_ < s_.size() && s_[i_] != '\n') advance();
      if (i_ < s_.size()) advance();
      return false;
    }
    if (width > indents_.back()) {
      indents_.push_back(width);
      push(Tok::Indent, "", here());
    } else {
      while (width < indents_.back()) {
        indents_.pop_back();
        push(Tok::Dedent, "", here());
      }
      if (width != indents_.back()) fail(here(), "unindent does not match any outer indentation level");
    }
    return true;
  }

  static bool is_prefix(const std::string& w) {
    if (w.size() > 2) return false;
    for (char c : w)
      if (!std::strchr("rRbBfFuU", c)) return false;
    return true;
  }

  void string(Pos p, const std::string& prefix) {
    bool raw = prefix.find_first_of("rR") != std::string::npos;
    bool fstr = prefix.find_first_of("fF") != std::string::npos;
    char q = s_[i_];
    bool triple = s_.compare(i_, 3, std::string(3, q)) == 0;
    for (int k = 0; k < (triple ? 3 : 1); ++k) advance();
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail(p, "unterminated string literal");
      char c = s_[i_];
      if (!triple && c == '\n') fail(p, "unterminated string literal");
      if (c == q && (!triple || s_.compare(i_, 3, std::string(3, q)) == 0)) {
        for (int k = 0; k < (triple ? 3 : 1); ++k) advance();
        break;
      }
      if (c == '\\' && !raw && i_ + 1 < s_.size()) {
        advance();
        char e = s_[i_];
        advance();
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '0': out += '\0'; break;
          case '\n': break;
          default: out += e;
        }
        continue;
      }
      out += c;
      advance();
    }
    push(Tok::String, out, p);
    tokens_.back().fstring = fstr;
  }

  void number() {
    Pos p = here();
    size_t start = i_;
    bool is_float = false;
    if (s_[i_] == '0' && i_ + 1 < s_.size() && std::strchr("xXoObB", s_[i_ + 1])) {
      advance();
      advance();
      while (i_ < s_.size() && (std::isxdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) advance();
    } else {
      while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) advance();
      if (i_ < s_.size() && s_[i_] == '.') {
        is_float = true;
        advance();
        while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) advance();
      }
      if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
        is_float = true;
        advance();
        if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) advance();
        if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) fail(p, "malformed number");
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) advance();
      }
    }
    if (i_ < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) fail(p, "malformed number");
    std::string text = s_.substr(start, i_ - start), clean;
    for (char c : text)
      if (c != '_') clean += c;
    Token t;
    t.pos = p;
    t.text = text;
    errno = 0;
    if (is_float) {
      t.kind = Tok::Float;
      t.float_value = std::strtod(clean.c_str(), nullptr);
    } else {
      t.kind = Tok::Int;
      int base = 10;
      std::string digits = clean;
      if (clean.size() > 1 && clean[0] == '0' && std::isalpha(static_cast<unsigned char>(clean[1]))) {
        char b = static_cast<char>(std::tolower(clean[1]));
        base = b == 'x' ? 16 : b == 'o' ? 8 : 2;
        digits = clean.substr(2);
        if (digits.empty()) fail(p, "malformed number");
      } else if (clean.size() > 1 && clean[0] == '0' && clean.find_first_not_of('0') != std::string::npos) {
        fail(p, "leading zeros in decimal integer literals are not permitted");
      }
      char* end = nullptr;
      unsigned long long v = std::strtoull(digits.c_str(), &end, base);
      if (*end != '\0') fail(p, "malformed number");
      if (errno == ERANGE || v > static_cast<unsigned long long>(INT64_MAX)) t.int_too_big = true;
      t.int_value = static_cast<int64_t>(v);
    }
    tokens_.push_back(std::move(t));
  }

  void op() {
    static const char* ops3[] = {"**=", "//=", ">>=", "<<=", "..."};
    static const char* ops2[] = {"**", "//", ">>", "<<", "<=", ">=", "==", "!=", "->", "+=", "-=", "*=", "/=",
                                 "%=", "&=", "|=", "^=", "@=", ":="};
    Pos p = here();
    for (const char* o : ops3)
      if (s_.compare(i_, 3, o) == 0) return emit_op(o, 3, p);
    for (const char* o : ops2)
      if (s_.compare(i_, 2, o) == 0) return emit_op(o, 2, p);
    char c = s_[i_];
    if (std::strchr("+-*/%&|^~<>()[]{},:.;=@", c)) {
      if (c == '(' || c == '[' || c == '{') ++depth_;
      if ((c == ')' || c == ']' || c == '}') && depth_ > 0) --depth_;
      return emit_op(std::string(1, c), 1, p);
    }
    fail(p, fmt::format("unexpected character '{}'", static_cast<unsigned char>(c) < 0x20 ? std::string("\\x") + fmt::format("{:02x}", static_cast<unsigned char>(c)) : std::string(1, c)));
  }
  void emit_op(const std::string& text, int n, Pos p) {
    for (int k = 0; k < n; ++k) advance();
    push(Tok::Op, text, p);
  }

  const std::string& s_;
  size_t i_ = 0;
  int line_ = 1, col_ = 1;
  int depth_ = 0;
  std::vector<int> indents_;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(const SourceFile& file) { return Lexer(file).run(); }

}  // namespace tmetal::frontend
