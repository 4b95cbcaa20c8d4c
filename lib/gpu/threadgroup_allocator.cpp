// Greedy liveness-aware placement of threadgroup buffers (see threadgroup_allocator.h).
#include "gpu/threadgroup_allocator.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace tmetal::gpu {
namespace {

int64_t align_up(int64_t value, int64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

bool lifetimes_overlap(const ThreadgroupBuffer& a, const ThreadgroupBuffer& b) {
  return a.live_begin < b.live_end && b.live_begin < a.live_end;
}

}  // namespace

ThreadgroupMemoryOverflow::ThreadgroupMemoryOverflow(const std::string& kernel, int64_t needed, int64_t limit)
    : std::runtime_error(fmt::format("kernel '{}' needs {} bytes of threadgroup memory, but the target allows {} bytes",
                                     kernel, needed, limit)),
      needed_(needed),
      limit_(limit) {}

ThreadgroupPlan plan_threadgroup_memory(const std::string& kernel, const std::vector<ThreadgroupBuffer>& buffers,
                                        int64_t limit_bytes) {
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return buffers[a].bytes > buffers[b].bytes; });

  ThreadgroupPlan plan;
  plan.offsets.assign(buffers.size(), -1);
  std::vector<size_t> placed;
  for (size_t index : order) {
    const ThreadgroupBuffer& buffer = buffers[index];
    if (buffer.bytes < 0 || buffer.alignment <= 0 || (buffer.alignment & (buffer.alignment - 1)) != 0) {
      throw std::invalid_argument(fmt::format("threadgroup buffer '{}' has a bad size or alignment", buffer.name));
    }
    // Collect the intervals occupied by live-overlapping placed buffers, sorted by offset, and take the first gap.
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t other : placed) {
      if (lifetimes_overlap(buffer, buffers[other])) {
        busy.emplace_back(plan.offsets[other], plan.offsets[other] + buffers[other].bytes);
      }
    }
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (align_up(offset, buffer.alignment) + buffer.bytes <= begin) break;
      offset = std::max(offset, end);
    }
    offset = align_up(offset, buffer.alignment);
    plan.offsets[index] = offset;
    plan.peak_bytes = std::max(plan.peak_bytes, offset + buffer.bytes);
    placed.push_back(index);
  }
  plan.peak_bytes = align_up(plan.peak_bytes, 16);  // Metal requires threadgroup lengths in multiples of 16 bytes
  if (plan.peak_bytes > limit_bytes) throw ThreadgroupMemoryOverflow(kernel, plan.peak_bytes, limit_bytes);
  return plan;
}

}  // namespace tmetal::gpu
