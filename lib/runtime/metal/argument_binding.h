// Argument binding of the Metal device: checks a LaunchConfig against the kernel's parameters (from the MSL
// scan), the device limits and the pipeline's own limit, and lays it out for the encoder: device buffers for
// setBuffer:offset:atIndex:, small blobs for setBytes:length:atIndex: (Metal allows at most 4 KiB), and
// [[threadgroup(i)]] lengths rounded up to setThreadgroupMemoryLength's multiple of 16 bytes.
#pragma once

#include "runtime/metal/metal_api.h"
#include "runtime/msl/module.h"
#include "triton_metal/runtime.h"

#include <string>
#include <vector>

namespace tmetal::runtime::metal {

inline constexpr std::size_t kMaxSetBytesLength = 4096;
inline constexpr int kMaxBufferIndex = 30;  // [[buffer(0..30)]]

struct BoundBuffer {
  std::uint32_t index = 0;
  Buffer* buffer = nullptr;
  std::size_t offset = 0;
  bool written = false;  // the parameter is a non-const device pointer or reference
};

struct BindingPlan {
  std::vector<BoundBuffer> buffers;
  std::vector<BytesArg> bytes;
  std::vector<ThreadgroupArg> threadgroup;
  std::uint64_t threadgroup_bytes = 0;  // dynamic lengths (rounded) plus the pipeline's static memory
};

struct PipelineLimits {
  std::uint32_t max_total_threads = 0;        // the pipeline's maxTotalThreadsPerThreadgroup (0: unknown)
  std::uint32_t declared_max_threads = 0;     // [[max_total_threads_per_threadgroup(N)]] (0: none)
  std::uint64_t static_threadgroup_bytes = 0; // staticThreadgroupMemoryLength
};

// Throws LaunchError naming the kernel (and the parameter) for every refused configuration.
BindingPlan plan_bindings(const std::string& kernel, const std::vector<msl::KernelParam>& params, const LaunchConfig& config,
                          const DeviceLimits& limits, const PipelineLimits& pipeline);

}  // namespace tmetal::runtime::metal
