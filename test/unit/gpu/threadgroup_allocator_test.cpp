// Threadgroup planning: no two simultaneously live buffers overlap, disjoint lifetimes share memory, alignment is
// honoured, and a plan over the limit fails naming the kernel and both byte counts.
#include "gpu/threadgroup_allocator.h"

#include <gtest/gtest.h>

#include <random>

namespace tmetal::gpu {
namespace {

void expect_valid(const std::vector<ThreadgroupBuffer>& buffers, const ThreadgroupPlan& plan) {
  for (size_t i = 0; i < buffers.size(); ++i) {
    EXPECT_EQ(plan.offsets[i] % buffers[i].alignment, 0);
    EXPECT_LE(plan.offsets[i] + buffers[i].bytes, plan.peak_bytes);
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      bool live_together = buffers[i].live_begin < buffers[j].live_end && buffers[j].live_begin < buffers[i].live_end;
      bool overlap = plan.offsets[i] < plan.offsets[j] + buffers[j].bytes &&
                     plan.offsets[j] < plan.offsets[i] + buffers[i].bytes;
      EXPECT_FALSE(live_together && overlap) << buffers[i].name << " and " << buffers[j].name;
    }
  }
}

TEST(ThreadgroupAllocator, DisjointLifetimesShareMemory) {
  std::vector<ThreadgroupBuffer> buffers = {{"a_tile", 8192, 16, 0, 10}, {"b_tile", 8192, 16, 0, 10},
                                            {"reduce_scratch", 4096, 16, 10, 20}};
  ThreadgroupPlan plan = plan_threadgroup_memory("k", buffers, 32768);
  expect_valid(buffers, plan);
  EXPECT_EQ(plan.peak_bytes, 16384);
}

TEST(ThreadgroupAllocator, RandomProblemsStayValid) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<ThreadgroupBuffer> buffers;
    int n = 1 + static_cast<int>(rng() % 8);
    int64_t sum = 0;
    for (int i = 0; i < n; ++i) {
      int64_t begin = rng() % 20;
      buffers.push_back({"b" + std::to_string(i), static_cast<int64_t>(4 * (1 + rng() % 500)),
                         int64_t{1} << (rng() % 5), begin, begin + 1 + static_cast<int64_t>(rng() % 10)});
      sum += buffers.back().bytes + 16;
    }
    ThreadgroupPlan plan = plan_threadgroup_memory("k", buffers, 1 << 20);
    expect_valid(buffers, plan);
    EXPECT_LE(plan.peak_bytes, sum + 16);
  }
}

TEST(ThreadgroupAllocator, OverflowNamesKernelAndBytes) {
  std::vector<ThreadgroupBuffer> buffers = {{"a", 20000, 16, 0, 5}, {"b", 20000, 16, 0, 5}};
  try {
    plan_threadgroup_memory("matmul_kernel", buffers, 32768);
    FAIL() << "expected an overflow";
  } catch (const ThreadgroupMemoryOverflow& e) {
    EXPECT_EQ(e.needed(), 40000);
    EXPECT_EQ(e.limit(), 32768);
    EXPECT_STREQ(e.what(),
                 "kernel 'matmul_kernel' needs 40000 bytes of threadgroup memory, but the target allows 32768 bytes");
  }
}

}  // namespace
}  // namespace tmetal::gpu
