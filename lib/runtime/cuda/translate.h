// MSL -> CUDA C++ translation for the CUDA proxy device: a token-level rewrite of the user's MSL (as
// scanned by the shared front end in lib/runtime/msl) into CUDA C++ that NVRTC compiles against the CUDA
// metal_stdlib (lib/runtime/cuda/include/metal_cuda), plus one extern "C" __global__ entry per kernel
// entry point. `#line` directives keep the user's line numbers in NVRTC's diagnostics.
#pragma once

#include "runtime/msl/module.h"

#include <map>
#include <string>
#include <vector>

namespace tmetal::runtime::cuda {

// How one CUDA kernel parameter of an entry is fed from a LaunchConfig (the Launch struct comes last).
struct EntryArg {
  enum Kind { BufferPointer, BufferValue } kind = BufferPointer;  // device pointer, or bytes by value
  int index = 0;                                                  // [[buffer(index)]]
  std::string name;
  std::string type;  // MSL spelling, for messages
};

struct EntryGlue {
  std::string symbol;              // extern "C" name in the compiled module
  std::vector<EntryArg> args;      // in CUDA parameter order, before the Launch struct
  std::vector<int> threadgroup_indices;  // [[threadgroup(i)]] parameters
};

struct Translation {
  std::string cuda;
  std::map<std::string, EntryGlue> entries;  // by entry-point name
};

// function_constants: C++ literal text for each function constant, keyed by its index ("0") or name.
// Throws msl::SyntaxError for MSL the proxy cannot translate.
Translation translate(const msl::Module& module, const std::map<std::string, std::string>& function_constants);

}  // namespace tmetal::runtime::cuda
