// libFuzzer target over the front end: the input is Python source. Every @jit-looking function in it is
// compiled through stages 1–2 with a specialization guessed from its parameter list (pointers for
// names containing "ptr", constexpr 16 for tl.constexpr parameters, i32 otherwise). A CompileFailure is
// the expected answer to bad input; any other exception, a crash, a sanitizer report or invalid IR
// after a pass is a bug (the fuzzer stops and saves the input; add it to test/unit/frontend).
#include "triton_metal/compile.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 20000) return 0;
  std::string source(reinterpret_cast<const char*>(data), size);
  static const std::regex def_re(R"(def\s+([A-Za-z_]\w*)\s*\(([^)]*)\))");
  int kernels = 0;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), def_re); it != std::sregex_iterator() && kernels < 4; ++it, ++kernels) {
    std::string name = (*it)[1];
    std::string params = (*it)[2];
    tmetal::Specialization spec;
    size_t start = 0;
    while (start <= params.size()) {
      size_t comma = params.find(',', start);
      std::string p = params.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      start = comma == std::string::npos ? params.size() + 1 : comma + 1;
      bool is_constexpr = p.find("constexpr") != std::string::npos;
      size_t b = p.find_first_not_of(" \t\n");
      if (b == std::string::npos) continue;
      size_t e = p.find_first_of(" \t\n:=", b);
      std::string pname = p.substr(b, e == std::string::npos ? std::string::npos : e - b);
      bool ok = !pname.empty() && (std::isalpha(static_cast<unsigned char>(pname[0])) || pname[0] == '_');
      for (char c : pname) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      if (!ok) continue;
      if (is_constexpr) spec.constexprs[pname] = int64_t{16};
      else if (pname.find("ptr") != std::string::npos) spec.args[pname] = tmetal::ArgSpec{"*fp32", 16};
      else spec.args[pname] = tmetal::ArgSpec{"i32", 1};
    }
    try {
      tmetal::compile_tile_ir(source, "fuzz.py", name, spec);
    } catch (const tmetal::CompileFailure&) {
      // expected for bad input
    } catch (const std::exception& e) {
      std::fprintf(stderr, "unexpected exception: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
