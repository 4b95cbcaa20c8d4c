// MSL -> C++ translation for the emulator: a token-level rewrite of the user's source into C++ that
// compiles against the emulator's metal_stdlib (include/metal_rt), plus the extern "C" entry points the
// host runtime calls. `#line` directives keep the user's line numbers in compiler diagnostics.
#pragma once

#include "runtime/msl/module.h"

#include <map>
#include <string>

namespace tmetal::runtime::emulator {

struct Translation {
  std::string cpp;
  // Entry-point name -> exported symbol of the compiled shared object.
  std::map<std::string, std::string> symbols;
};

// function_constants: C++ literal text for each function constant, keyed by its index ("0") or name.
// A constant without a value is "not defined" (is_function_constant_defined(...) is false).
Translation translate(const msl::Module& module, const std::map<std::string, std::string>& function_constants);

}  // namespace tmetal::runtime::emulator
