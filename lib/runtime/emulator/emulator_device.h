// The Metal emulator as a runtime::Device: compile = parse + translate + host-compile (cached) + dlopen;
// launch = validate the configuration against the kernel's signature and the device limits, then run it
// on the Executor.
#pragma once

#include "triton_metal/runtime.h"

namespace tmetal::runtime::emulator {

std::unique_ptr<Device> make_emulator_device(const DeviceLimits& limits);

}  // namespace tmetal::runtime::emulator
