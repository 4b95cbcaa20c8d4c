// Argument binding of the Metal device (see argument_binding.h). The checks mirror the emulator's, so a
// launch the emulator accepts is accepted here and one it refuses is refused with the same kind of message.
#include "runtime/metal/argument_binding.h"

#include <fmt/core.h>

namespace tmetal::runtime::metal {

BindingPlan plan_bindings(const std::string& kernel, const std::vector<msl::KernelParam>& params, const LaunchConfig& cfg,
                          const DeviceLimits& limits, const PipelineLimits& pipeline) {
  const Size3& tg = cfg.threads_per_threadgroup;
  if (tg.x == 0 || tg.y == 0 || tg.z == 0 || cfg.grid.x == 0 || cfg.grid.y == 0 || cfg.grid.z == 0)
    throw LaunchError(fmt::format("kernel '{}': grid and threadgroup sizes must be positive in every dimension", kernel));
  if (tg.volume() > limits.max_threads_per_threadgroup)
    throw LaunchError(fmt::format("kernel '{}': {} threads per threadgroup ({}x{}x{}) exceed the device limit of {}", kernel, tg.volume(),
                                  tg.x, tg.y, tg.z, limits.max_threads_per_threadgroup));
  if (pipeline.declared_max_threads && tg.volume() > pipeline.declared_max_threads)
    throw LaunchError(fmt::format("kernel '{}': {} threads per threadgroup exceed its [[max_total_threads_per_threadgroup({})]]", kernel,
                                  tg.volume(), pipeline.declared_max_threads));
  if (pipeline.max_total_threads && tg.volume() > pipeline.max_total_threads)
    throw LaunchError(fmt::format("kernel '{}': {} threads per threadgroup exceed the {} this compiled pipeline allows on this GPU "
                                  "(maxTotalThreadsPerThreadgroup: the kernel uses many registers; use fewer warps)",
                                  kernel, tg.volume(), pipeline.max_total_threads));
  BindingPlan plan;
  plan.threadgroup_bytes = pipeline.static_threadgroup_bytes;
  for (const auto& q : params) {
    if (q.role == msl::ParamRole::Buffer) {
      if (q.index < 0 || q.index > kMaxBufferIndex)
        throw LaunchError(fmt::format("kernel '{}': parameter '{}' uses [[buffer({})]], outside 0..30", kernel, q.name, q.index));
      auto it = cfg.buffers.find(static_cast<std::uint32_t>(q.index));
      if (it == cfg.buffers.end())
        throw LaunchError(fmt::format("kernel '{}': parameter '{}' [[buffer({})]] has nothing bound", kernel, q.name, q.index));
      const Binding& b = it->second;
      auto index = static_cast<std::uint32_t>(q.index);
      if (b.buffer) {
        if (b.offset >= b.buffer->size())
          throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] offset {} is past the buffer's {} bytes", kernel, q.index, b.offset,
                                        b.buffer->size()));
        // Metal: offsets of constant-address-space buffers are 256-byte aligned on macOS (setBuffer:offset:atIndex:).
        if (q.space == msl::AddressSpace::Constant && b.offset % 256 != 0)
          throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] '{}' is in the constant address space; its offset {} must be a "
                                        "multiple of 256 bytes on macOS", kernel, q.index, q.name, b.offset));
        bool written = q.space == msl::AddressSpace::Device && !q.is_const;
        plan.buffers.push_back({index, b.buffer.get(), b.offset, written});
      } else {
        if (b.bytes.empty())
          throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] '{}' is bound to empty data", kernel, q.index, q.name));
        if (b.bytes.size() > kMaxSetBytesLength)
          throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] '{}' is bound to {} bytes of data; Metal's setBytes takes at most {}: "
                                        "bind a buffer", kernel, q.index, q.name, b.bytes.size(), kMaxSetBytesLength));
        plan.bytes.push_back({index, b.bytes});
      }
    } else if (q.role == msl::ParamRole::Threadgroup) {
      if (q.index < 0 || q.index > kMaxBufferIndex)
        throw LaunchError(fmt::format("kernel '{}': parameter '{}' uses [[threadgroup({})]], outside 0..30", kernel, q.name, q.index));
      auto it = cfg.threadgroup_memory.find(static_cast<std::uint32_t>(q.index));
      if (it == cfg.threadgroup_memory.end() || it->second == 0)
        throw LaunchError(fmt::format("kernel '{}': parameter '{}' [[threadgroup({})]] has no threadgroup memory length set", kernel,
                                      q.name, q.index));
      std::size_t rounded = (it->second + 15) / 16 * 16;
      plan.threadgroup.push_back({static_cast<std::uint32_t>(q.index), rounded});
      plan.threadgroup_bytes += rounded;
    }
  }
  if (plan.threadgroup_bytes > limits.max_threadgroup_memory_bytes)
    throw LaunchError(fmt::format("kernel '{}': threadgroup memory totals {} bytes (lengths rounded up to 16 bytes, plus {} declared in "
                                  "the kernel), over the device limit of {} bytes",
                                  kernel, plan.threadgroup_bytes, pipeline.static_threadgroup_bytes, limits.max_threadgroup_memory_bytes));
  return plan;
}

}  // namespace tmetal::runtime::metal
