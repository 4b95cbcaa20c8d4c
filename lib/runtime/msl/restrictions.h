// Metal's restrictions on C++, checked on the tokens of a scanned module so that neither the emulator nor
// the CUDA proxy compiles (and runs) what Apple's Metal compiler refuses: C++ constructs MSL lacks (double,
// new/delete, exceptions, virtual functions, goto, RTTI, thread_local, asm), function pointers, recursion,
// and anything that reaches outside Metal's standard library (std::, compiler builtins, extern
// declarations, attributes that run or place code).
#pragma once

#include "runtime/msl/module.h"

namespace tmetal::msl {

// Throws SyntaxError ("file:line:col: error: ...", naming the construct) at the first violation.
void check_metal_restrictions(const Module& module);

}  // namespace tmetal::msl
