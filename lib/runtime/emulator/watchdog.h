// Stopping a running launch: the launch time limit (LaunchConfig::timeout_seconds,
// TRITON_METAL_LAUNCH_TIMEOUT), interruption (runtime::interrupt_launches(), called by the CLI's and the Python
// package's SIGINT handlers), and integer arithmetic faults (SIGFPE) in kernel code.
//
// Kernel code cannot be asked to stop: an infinite loop calls nothing. So one watchdog thread per process
// checks the running launches every few milliseconds and, for a launch that must stop, signals its worker
// threads; the handler (also the SIGFPE handler) jumps back (siglongjmp) to the worker's recovery point when
// the interrupted instruction is in the kernel object's code, and otherwise returns (the watchdog signals
// again; a SIGFPE outside kernel code keeps its default action). Kernel code holds no locks and allocates
// nothing, so abandoning it is safe; the fiber it ran on is abandoned with its stack (a leak on this error path).
#pragma once

#include <setjmp.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

namespace tmetal::runtime::emulator {

enum class StopReason : int { None = 0, Timeout = 1, Interrupted = 2 };

// Where a worker thread goes when its kernel code is abandoned; armed while the thread runs kernel code.
struct Recovery {
  sigjmp_buf jmp;
  const char* code_begin = nullptr;  // the kernel object's executable code
  const char* code_end = nullptr;
};
// The running thread's recovery point (null when it runs no kernel code).
void arm_recovery(Recovery* r);
// The signal that abandoned the kernel code: SIGFPE (an arithmetic fault) or the watchdog's.
int recovery_signal();

// One launch, registered with the watchdog for its duration.
class LaunchWatch {
 public:
  explicit LaunchWatch(double timeout_seconds);
  ~LaunchWatch();
  LaunchWatch(const LaunchWatch&) = delete;
  LaunchWatch& operator=(const LaunchWatch&) = delete;
  // Worker threads of the launch register while they run it (the watchdog signals only registered threads).
  void enter_worker();
  void leave_worker();
  StopReason reason() const { return static_cast<StopReason>(reason_.load()); }
  double timeout_seconds() const { return timeout_; }

 private:
  friend class Watchdog;
  double timeout_;
  std::int64_t deadline_ns_;  // steady clock; 0: none
  unsigned generation_;       // interrupt_launches() count at the start
  std::atomic<int> reason_{0};
  std::mutex mutex_;
  std::vector<unsigned long> threads_;  // pthread_t of registered workers
};

// The launch time limit from TRITON_METAL_LAUNCH_TIMEOUT (seconds; 0 or unset: none).
double timeout_from_environment();

}  // namespace tmetal::runtime::emulator
