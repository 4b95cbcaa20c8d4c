// make_device: the factory of runtime devices by name.
#include "runtime/emulator/emulator_device.h"
#ifdef TM_HAVE_CUDA
#include "runtime/cuda/cuda_device.h"
#endif
#include "triton_metal/runtime.h"

#include <fmt/core.h>

namespace tmetal::runtime {

std::unique_ptr<Device> make_device(std::string_view name, const DeviceLimits& limits) {
  if (name == "emulator") return emulator::make_emulator_device(limits);
  if (name == "cuda") {
#ifdef TM_HAVE_CUDA
    return cuda::make_cuda_device(limits);
#else
    throw Error("the cuda device was not built: CUDA toolkit not found");
#endif
  }
#ifdef TM_HAVE_CUDA
  throw Error(fmt::format("unknown device '{}' (available: emulator, cuda)", name));
#else
  throw Error(fmt::format("unknown device '{}' (available: emulator)", name));
#endif
}

}  // namespace tmetal::runtime
