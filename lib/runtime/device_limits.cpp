// Device limits of an Apple GPU target, read from the hardware model (lib/target).
#include "triton_metal/runtime.h"
#include "triton_metal/target.h"

namespace tmetal::runtime {

DeviceLimits limits_of(const target::Target& target) {
  DeviceLimits limits;
  limits.max_threads_per_threadgroup = static_cast<std::uint32_t>(target.max_threads_per_threadgroup());
  limits.max_threadgroup_memory_bytes = static_cast<std::uint64_t>(target.threadgroup_memory_bytes());
  limits.simd_width = static_cast<std::uint32_t>(target.simd_width());
  return limits;
}

}  // namespace tmetal::runtime
