// The Metal device: runtime::Device over a MetalApi. All policy lives here and in the files it uses
// (argument_binding, buffer_wrapping, pipeline_cache, function_constants, compile_error_map,
// msl_language_version, metallib_precompile), so it is built and unit-tested on every platform against a fake
// MetalApi; on a Mac, make_device("metal") gives it the real API of metal_api_apple.mm.
//
// compile = scan the MSL (entry, parameters, function constants; the emulator's front end), pick the MSL
//           version, look up the pipeline cache, else newLibraryWithSource (or a precompiled metallib) +
//           newFunctionWithName(:constantValues:) + newComputePipelineStateWithFunction; errors mapped to the
//           MSL file's line and the kernel's source line.
// launch  = check and lay out the bindings, copy in the buffers that are copies, dispatch, wait, copy back
//           what the kernel may have written; GPU time from GPUStartTime/GPUEndTime.
#pragma once

#include "runtime/metal/metal_api.h"
#include "triton_metal/runtime.h"

#include <memory>
#include <string>

namespace tmetal::runtime::metal {

struct MetalDeviceOptions {
  bool precompile = false;  // TRITON_METAL_PRECOMPILE=1: try `xcrun metal` into the on-disk cache
  std::string cache_dir;    // metal_cache_dir() by default
};

MetalDeviceOptions metal_device_options_from_env();

std::unique_ptr<Device> make_metal_device(const DeviceLimits& limits, std::unique_ptr<MetalApi> api,
                                          const MetalDeviceOptions& options = metal_device_options_from_env());

// What a Metal device has done so far (for tests and `triton-metal info`-style reports).
struct MetalDeviceCounters {
  std::size_t library_compiles = 0;   // make_pipeline calls from source
  std::size_t metallib_loads = 0;     // make_pipeline calls from a precompiled metallib
  std::size_t cache_hits = 0;         // compile() answered from the in-memory cache
  std::size_t no_copy_wraps = 0;      // wrap() without a copy
  std::size_t copy_wraps = 0;         // wrap() through a copy
  std::size_t dispatches = 0;
};

// Throws Error when `device` is not a Metal device.
MetalDeviceCounters metal_device_counters(const Device& device);

}  // namespace tmetal::runtime::metal
