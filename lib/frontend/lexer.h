// Lexer for the Python subset of Triton kernels: names, numbers, strings (all prefixes, triple quotes),
// operators, comments, implicit line joining inside brackets, backslash continuation, and INDENT/DEDENT
// tokens computed from leading whitespace as Python does (tabs advance to the next multiple of 8).
#pragma once

#include "frontend/diagnostic.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tmetal::frontend {

enum class Tok { Name, Int, Float, String, Op, Newline, Indent, Dedent, End };

struct Token {
  Tok kind = Tok::End;
  std::string text;  // source spelling; for strings the decoded value
  Pos pos;
  int64_t int_value = 0;
  bool int_too_big = false;  // integer literal outside the int64 range
  double float_value = 0;
  bool fstring = false;  // string literal with an f prefix
};

// Throws CompileError on bad input (unterminated strings, inconsistent dedent, stray characters).
std::vector<Token> tokenize(const SourceFile& file);

}  // namespace tmetal::frontend
