// The device-independent first half of compiling a pipeline, shared by the emulator and the CUDA proxy: the
// MSL is preprocessed when it uses macros or conditionals, scanned, the entry point looked up, and the
// function-constant values checked against the constants the source declares and rendered as C++ literals.
#pragma once

#include "runtime/msl/module.h"
#include "triton_metal/runtime.h"

#include <map>
#include <string>

namespace tmetal::runtime {

struct KernelSource {
  msl::Module module;
  std::map<std::string, std::string> function_constants;  // by index or name, as C++ literals
};

// Throws CompileError naming the file for a syntax error, an unknown entry (listing the kernels) or an
// undeclared function constant; Error for a non-finite constant value.
KernelSource prepare_kernel_source(const std::string& source, const std::string& entry, const CompileOptions& options);

}  // namespace tmetal::runtime
