// make_device: the factory of runtime devices by name.
#include "runtime/emulator/emulator_device.h"
#ifdef TM_HAVE_CUDA
#include "runtime/cuda/cuda_device.h"
#endif
#ifdef __APPLE__
#include "runtime/metal/metal_device.h"
#endif
#include "triton_metal/runtime.h"

#include <fmt/core.h>

namespace tmetal::runtime {

namespace {
std::string available_devices() {
  std::string names = "emulator";
#ifdef __APPLE__
  names += ", metal";
#endif
#ifdef TM_HAVE_CUDA
  names += ", cuda";
#endif
  return names;
}
}  // namespace

std::unique_ptr<Device> make_device(std::string_view name, const DeviceLimits& limits) {
  if (name == "emulator") return emulator::make_emulator_device(limits);
  if (name == "metal") {
#ifdef __APPLE__
    return metal::make_metal_device(limits, metal::make_system_metal_api());
#else
    throw Error(fmt::format("the metal device runs on macOS only (Apple's Metal framework); this build has: {}", available_devices()));
#endif
  }
  if (name == "cuda") {
#ifdef TM_HAVE_CUDA
    return cuda::make_cuda_device(limits);
#else
    throw Error(fmt::format("the cuda device was not built: CUDA toolkit not found; this build has: {}", available_devices()));
#endif
  }
  throw Error(fmt::format("unknown device '{}' (available: {})", name, available_devices()));
}

}  // namespace tmetal::runtime
