// make_device: the factory of runtime devices by name.
#include "runtime/emulator/emulator_device.h"
#include "triton_metal/runtime.h"

#include <fmt/core.h>

namespace tmetal::runtime {

std::unique_ptr<Device> make_device(std::string_view name, const DeviceLimits& limits) {
  if (name == "emulator") return emulator::make_emulator_device(limits);
  throw Error(fmt::format("unknown device '{}' (available: emulator)", name));
}

}  // namespace tmetal::runtime
