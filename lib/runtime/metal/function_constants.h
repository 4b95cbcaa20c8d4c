// Function-constant values for MTLFunctionConstantValues: each value the caller gave (by index "0" or by name)
// is matched to the kernel's `constant T x [[function_constant(i)]]` declaration and encoded in T's bytes,
// so the Objective-C++ side only calls setConstantValue:type:atIndex:.
#pragma once

#include "runtime/metal/metal_api.h"
#include "runtime/msl/module.h"
#include "triton_metal/runtime.h"

#include <optional>
#include <string>
#include <vector>

namespace tmetal::runtime::metal {

// "int" -> Int, "uint32_t" -> UInt, "half" -> Half, ...; nullopt for types that are not scalar.
std::optional<ConstantType> constant_type(const std::string& msl_type);

// Throws CompileError naming `file` for a constant that is not declared, a declared type that is not a
// scalar, or a value that does not fit the type (2.5 for an int, 300 for a uchar, 2 for a bool).
std::vector<ConstantValue> encode_function_constants(const std::vector<msl::FunctionConstantDecl>& decls,
                                                     const FunctionConstants& values, const std::string& file);

}  // namespace tmetal::runtime::metal
