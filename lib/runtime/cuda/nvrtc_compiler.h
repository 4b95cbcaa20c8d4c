// Compiles translated CUDA C++ with NVRTC into a cubin for one GPU architecture, with an in-process cache
// keyed by source and options. NVRTC needs no GPU, so this also runs (and is tested) on machines without one.
#pragma once

#include <string>

namespace tmetal::runtime::cuda {

struct CompiledCuda {
  std::string binary;    // cubin (or PTX when ptx_only)
  double seconds = 0;    // NVRTC time; 0 for a cache hit
  bool from_cache = false;
};

// arch: "sm_90" and the like. file_name: the user's MSL file, whose `#line`d diagnostics NVRTC reports;
// they come back in CompileError as "FILE:LINE: error: ...". ptx_only returns PTX instead of a cubin.
CompiledCuda compile_cuda(const std::string& source, const std::string& file_name, const std::string& arch,
                          bool ptx_only = false);

// Where the CUDA metal_stdlib lives: $TRITON_METAL_CUDA_INCLUDE or the source-tree path baked in.
std::string cuda_stdlib_include_dir();

}  // namespace tmetal::runtime::cuda
