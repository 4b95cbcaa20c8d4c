// The MSL tokenizer: token kinds, positions, trivia, pp-numbers, directives, and its errors.
#include "runtime/msl/token.h"

#include <gtest/gtest.h>

namespace tmetal::msl {
namespace {

TEST(MslTokenizer, KindsPositionsAndTrivia) {
  auto t = tokenize("kernel void f(device float* a /* c */ [[buffer(0)]]) {\n  a[0] = 1.5h + 0x1Fu; // x\n}\n");
  ASSERT_GE(t.size(), 10u);
  EXPECT_EQ(t[0].text, "kernel");
  EXPECT_EQ(t[0].kind, TokenKind::Identifier);
  EXPECT_EQ(t[4].text, "device");
  EXPECT_EQ(t[4].col, 15);
  EXPECT_EQ(t[6].text, "*");
  EXPECT_EQ(t[8].text, "[");
  EXPECT_EQ(t[8].lead, " /* c */ ");
  std::vector<std::string> line2;
  for (const auto& k : t)
    if (k.line == 2) line2.push_back(k.text);
  EXPECT_EQ(line2, (std::vector<std::string>{"a", "[", "0", "]", "=", "1.5h", "+", "0x1Fu", ";"}));
  EXPECT_EQ(t.back().kind, TokenKind::End);
  EXPECT_EQ(t.back().lead, "\n");
  EXPECT_EQ(t[t.size() - 2].lead, " // x\n");
}

TEST(MslTokenizer, NumbersWithExponentsAndMultiCharPunctuators) {
  auto t = tokenize("x = 1e-3f >> 2 <<= a->b :: c ... ;");
  std::vector<std::string> s;
  for (const auto& k : t) s.push_back(k.text);
  EXPECT_EQ(s, (std::vector<std::string>{"x", "=", "1e-3f", ">>", "2", "<<=", "a", "->", "b", "::", "c", "...", ";", ""}));
  EXPECT_EQ(t[2].kind, TokenKind::Number);
}

TEST(MslTokenizer, StringsCharsAndDirectives) {
  auto t = tokenize("#include <metal_stdlib>\n#define N \\\n 4\nint x = N; char c = '\\''; const char* s = \"a\\\"b\";\n");
  EXPECT_TRUE(t[0].directive_start);
  EXPECT_TRUE(t[1].directive);
  int directive_tokens = 0;
  for (const auto& k : t) directive_tokens += k.directive;
  EXPECT_EQ(directive_tokens, 9);  // # include < metal_stdlib > # define N 4
  bool saw_char = false, saw_string = false;
  for (const auto& k : t) {
    saw_char |= k.kind == TokenKind::Char && k.text == "'\\''";
    saw_string |= k.kind == TokenKind::String && k.text == "\"a\\\"b\"";
  }
  EXPECT_TRUE(saw_char);
  EXPECT_TRUE(saw_string);
}

TEST(MslTokenizer, LineDirectivesRenumberFollowingLines) {
  auto t = tokenize("# 10 \"k.metal\" 1\nint a;\n\n#line 20\nint b;\n");
  for (const auto& k : t) {
    if (k.is("a")) {
      EXPECT_EQ(k.line, 10);
    }
    if (k.is("b")) {
      EXPECT_EQ(k.line, 20);
    }
  }
  EXPECT_TRUE(t[0].linemarker);
  EXPECT_TRUE(t[1].linemarker);
  EXPECT_FALSE(t[4].linemarker);  // "int" of "int a;"
}

TEST(MslTokenizer, ErrorsCarryFileLineAndColumn) {
  try {
    tokenize("int a;\n  /* open", "k.metal");
    FAIL();
  } catch (const SyntaxError& e) {
    EXPECT_STREQ(e.what(), "k.metal:2:3: error: unterminated /* comment");
  }
  try {
    tokenize("int a = \"abc\n", "k.metal");
    FAIL();
  } catch (const SyntaxError& e) {
    EXPECT_STREQ(e.what(), "k.metal:1:9: error: missing terminating '\"' character");
  }
  try {
    tokenize("int a = 3 @ 4;", "k.metal");
    FAIL();
  } catch (const SyntaxError& e) {
    EXPECT_STREQ(e.what(), "k.metal:1:11: error: stray character '@' in program");
  }
}

}  // namespace
}  // namespace tmetal::msl
