// Confinement of compiled kernels: before the emulator loads a kernel's shared object, the object's
// undefined dynamic symbols are read from its ELF symbol table and checked against an allow-list (the C
// math functions metal_stdlib's float functions lower to, memcpy/memset, snprintf for diagnostics, and the
// C++ runtime's support routines). A kernel that would call anything else (system, fopen, dlopen, ...) is
// refused before any of its code runs.
#pragma once

#include "runtime/msl/module.h"

#include <string>
#include <vector>

namespace tmetal::runtime::emulator {

// Undefined dynamic symbols of an ELF shared object. Throws Error when the file is not a readable ELF64 object.
std::vector<std::string> undefined_symbols(const std::string& shared_object);

// Throws CompileError naming the first symbol outside the allow-list (at the first use of its name in the
// module's source when there is one: "k.metal:3:5: error: ...").
void check_object_symbols(const std::string& shared_object, const msl::Module& module);

}  // namespace tmetal::runtime::emulator
