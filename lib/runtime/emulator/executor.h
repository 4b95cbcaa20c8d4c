// Runs one launch of a compiled kernel: threadgroups in parallel over host threads; within a threadgroup,
// either one fiber per thread (kernels that use barriers or simd-group functions) scheduled so that every
// barrier and collective completes exactly as on the GPU, or a plain loop over the threads.
#pragma once

#include "metal_rt/abi.h"
#include "triton_metal/runtime.h"

#include <string>
#include <vector>

namespace tmetal::runtime::emulator {

using EntryFn = void (*)(metal_rt::ThreadCtx*);

struct LaunchPlan {
  std::string kernel;
  std::string file_name;
  EntryFn entry = nullptr;
  bool use_fibers = true;
  Size3 threadgroups;        // number of threadgroups per dimension
  Size3 threads_per_group;   // requested threadgroup size
  Size3 threads_per_grid;    // threads in the grid (dispatchThreads), or threadgroups * size
  bool nonuniform = false;   // the last threadgroup of a dimension may be partial
  std::vector<metal_rt::Region> buffers;    // kMaxBuffers
  std::vector<std::size_t> threadgroup_lengths;  // kMaxThreadgroupBufs
  std::vector<std::string> threadgroup_names;    // parameter names for [[threadgroup(i)]]
  DeviceLimits limits;
  bool racecheck = false;  // race_detector.h
  bool threadgroup_counters = false;  // count threadgroup bytes (LaunchConfig::threadgroup_counters)
  double timeout_seconds = 0;  // 0: none (watchdog.h)
  const char* code_begin = nullptr;  // the kernel object's executable code
  const char* code_end = nullptr;
};

class Executor {
 public:
  Executor();
  ~Executor();
  LaunchStats run(const LaunchPlan& plan);

  struct Worker;  // per host thread: fiber stacks, thread contexts, counters

 private:
  std::vector<std::unique_ptr<Worker>> workers_;
};

// Installs the emulator's hooks into a freshly loaded kernel object.
const metal_rt::Hooks* emulator_hooks();

}  // namespace tmetal::runtime::emulator
