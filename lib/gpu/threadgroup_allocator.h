// Threadgroup-memory planning by liveness.
//
// Input: the threadgroup buffers a kernel needs (staging tiles of a dot, scratch of a reduction or a layout
// conversion), each with a size, an alignment and the half-open interval of program points where it is live.
// Output: a byte offset per buffer such that buffers live at the same time never overlap, and the total
// (the peak) the kernel must request. Buffers are placed largest first, each at the lowest aligned offset that
// does not collide with an already placed buffer whose lifetime overlaps; this is the usual greedy
// interval-colouring heuristic and is optimal for the nested lifetimes that structured tile IR produces.
// When the peak exceeds the target's limit, plan() throws ThreadgroupMemoryOverflow naming the kernel, the
// bytes needed and the limit.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tmetal::gpu {

struct ThreadgroupBuffer {
  std::string name;      // for reports and errors: the IR value it stages
  int64_t bytes = 0;
  int64_t alignment = 16;
  int64_t live_begin = 0;  // first program point where the buffer is used
  int64_t live_end = 0;    // one past the last program point where the buffer is used
};

struct ThreadgroupPlan {
  std::vector<int64_t> offsets;  // parallel to the input buffers
  int64_t peak_bytes = 0;
};

class ThreadgroupMemoryOverflow : public std::runtime_error {
 public:
  ThreadgroupMemoryOverflow(const std::string& kernel, int64_t needed, int64_t limit);
  int64_t needed() const { return needed_; }
  int64_t limit() const { return limit_; }

 private:
  int64_t needed_;
  int64_t limit_;
};

ThreadgroupPlan plan_threadgroup_memory(const std::string& kernel, const std::vector<ThreadgroupBuffer>& buffers,
                                        int64_t limit_bytes);

}  // namespace tmetal::gpu
