// What Metal refuses, the emulator refuses, at the user's file:line:col and naming the construct; and a
// kernel can reach nothing outside Metal's standard library: host headers are not includable and a call to
// anything else is refused before any of the kernel's code is loaded.
#include "emulator_test_support.h"

#include <filesystem>
#include <unistd.h>

namespace tmetal::test {
namespace {

using ::testing::HasSubstr;

std::string compile_error(const std::string& body, const std::string& file = "refused.metal") {
  runtime::CompileOptions o;
  o.file_name = file;
  try {
    device().compile("#include <metal_stdlib>\nusing namespace metal;\n" + body, "k", o);
  } catch (const runtime::CompileError& e) {
    return e.what();
  }
  return "<compiled>";
}

const char* kKernel = "kernel void k(device float* o [[buffer(0)]], uint i [[thread_position_in_grid]]) { ";

struct Case {
  const char* what;
  std::string src;
  const char* where;    // file:line:col
  const char* message;  // the construct named
};

TEST(Refusals, EachRefusedConstructNamesItsPosition) {
  const std::string k = kKernel;
  const std::vector<Case> cases = {
      {"double", k + "double d = o[i]; o[i] = float(d); }\n", "refused.metal:3:", "'double'"},
      {"long double", k + "long double d = 1; o[i] = d; }\n", "refused.metal:3:", "'double'"},
      {"long double literal", k + "o[i] = 1.5L; }\n", "refused.metal:3:", "long double literal"},
      {"new", k + "float* p = new float; o[i] = *p; }\n", "refused.metal:3:", "'new'"},
      {"delete", k + "float* p = 0; delete p; }\n", "refused.metal:3:", "'delete'"},
      {"exceptions", k + "try { o[i] = 1; } catch (...) {} }\n", "refused.metal:3:", "exceptions"},
      {"throw", k + "if (i > 99) throw 1; }\n", "refused.metal:3:", "exceptions"},
      {"virtual", "struct A { virtual float f() { return 1; } };\n" + k + "}\n", "refused.metal:3:12", "virtual functions"},
      {"asm", k + "asm(\"nop\"); }\n", "refused.metal:3:", "inline assembly"},
      {"__asm__", k + "__asm__ volatile(\"nop\"); }\n", "refused.metal:3:", "inline assembly"},
      {"goto", k + "goto end; end: o[i] = 1; }\n", "refused.metal:3:", "'goto'"},
      {"typeid", k + "(void)typeid(o); }\n", "refused.metal:3:", "run-time type information"},
      {"function pointer", "float twice(float x) { return 2 * x; }\n" + k + "float (*f)(float) = twice; o[i] = f(o[i]); }\n",
       "refused.metal:4:", "function pointers"},
      {"recursion", "int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }\n" + k + "o[i] = fact(int(i)); }\n",
       "refused.metal:3:43", "recursive call to 'fact'"},
      {"mutual recursion",
       "int odd(int n);\nint even(int n) { return n == 0 ? 1 : odd(n - 1); }\nint odd(int n) { return n == 0 ? 0 : even(n - 1); }\n" + k +
           "o[i] = even(int(i)); }\n",
       "refused.metal:", "Metal does not allow recursion"},
      {"std::", k + "o[i] = std::max(o[i], 1.0f); }\n", "refused.metal:3:", "'std::'"},
      {"builtin", k + "__builtin_trap(); }\n", "refused.metal:3:", "compiler builtins"},
      {"extern", "extern \"C\" int system(const char*);\n" + k + "system(\"true\"); }\n", "refused.metal:3:1", "'extern'"},
      {"constructor attribute", "__attribute__((constructor)) void boot() {}\n" + k + "}\n", "refused.metal:3:16",
       "__attribute__((constructor))"},
      {"implicit float -> bfloat", k + "bfloat b = o[i]; o[i] = float(b); }\n", "refused.metal:3:", "bfloat"},
      {"host header", "#include <stdio.h>\n" + k + "}\n", "refused.metal:3:", "#include of 'stdio.h' refused"},
      {"host header (C++)", "#include <cstdlib>\n" + k + "}\n", "refused.metal:3:", "only Metal's <metal_*> headers"},
  };
  for (const auto& c : cases) {
    std::string e = compile_error(c.src);
    EXPECT_THAT(e, HasSubstr(c.where)) << c.what << ": " << e;
    EXPECT_THAT(e, HasSubstr("error:")) << c.what;
    EXPECT_THAT(e, HasSubstr(c.message)) << c.what << ": " << e;
  }
}

TEST(Refusals, ACallOutsideMetalsStdlibIsRefusedAndNothingRuns) {
  namespace fs = std::filesystem;
  fs::path marker = fs::temp_directory_path() / ("tm_refusal_marker_" + std::to_string(getpid()));
  fs::remove(marker);
  // No extern, no include: a plain C++ declaration of the C library's function (the symbol check refuses it).
  std::string src = "int system(const char*);\nstruct Boot { Boot() { system(\"touch " + marker.string() +
                    "\"); } };\nconstant Boot boot;\n" + kKernel + "system(\"touch " + marker.string() + "\"); }\n";
  std::string e = compile_error(src, "hostile.metal");
  EXPECT_THAT(e, HasSubstr("hostile.metal:3:"));
  EXPECT_THAT(e, HasSubstr("system"));
  EXPECT_THAT(e, HasSubstr("not part of Metal's standard library"));
  EXPECT_FALSE(fs::exists(marker));
}

TEST(Refusals, UndefinedSymbolsOfAKernelObjectAreOnlyRuntimeOnes) {
  // A kernel using math, atomics, threadgroup arrays and barriers compiles and passes the check (it ran).
  auto p = pipeline("softmax.metal", "softmax_rows");
  EXPECT_EQ(p->entry(), "softmax_rows");
}

}  // namespace
}  // namespace tmetal::test
