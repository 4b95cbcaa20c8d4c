// The emulator's launch executor (see executor.h) and the hooks kernels call back into: failure,
// synchronization (barriers, simd collectives), the current thread, pointer-region lookup and
// threadgroup-variable registration.
//
// Active lanes: a lane of a simdgroup is active until it returns from the kernel. A collective completes
// when every active lane of its simdgroup waits at the same call site; lanes of a partial last simdgroup
// do not exist. A threadgroup barrier completes when every thread of the threadgroup waits at the same
// barrier; a thread that returned before a barrier others wait at is reported as a divergent barrier.
#include "runtime/emulator/executor.h"
#include "runtime/emulator/race_detector.h"
#include "runtime/emulator/stack_guard.h"
#include "runtime/emulator/watchdog.h"

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <fmt/core.h>
#include <signal.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

namespace tmetal::runtime::emulator {

namespace ctx = boost::context;
using metal_rt::Region;
using metal_rt::ThreadCtx;

namespace {

constexpr std::size_t kStackBytes = 512 * 1024;  // virtual; pages are committed only when touched

// Fiber stacks with a guard page, reused across threadgroups and launches.
class StackPool {
 public:
  ~StackPool() {
    for (void* s : all_) munmap(s, kStackBytes);
  }
  ctx::stack_context allocate() {
    void* base;
    if (!free_.empty()) {
      base = free_.back();
      free_.pop_back();
    } else {
      base = mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (base == MAP_FAILED) throw LaunchError("out of memory for fiber stacks");
      mprotect(base, 4096, PROT_NONE);
      all_.push_back(base);
    }
    ctx::stack_context sc;
    sc.size = kStackBytes;
    sc.sp = static_cast<char*>(base) + kStackBytes;
    return sc;
  }
  void deallocate(ctx::stack_context& sc) { free_.push_back(static_cast<char*>(sc.sp) - kStackBytes); }

 private:
  std::vector<void*> free_, all_;
};

struct PoolAllocator {
  StackPool* pool;
  const void** bottom;  // receives the stack's lowest address (for AddressSanitizer's fiber annotations)
  ctx::stack_context allocate() {
    ctx::stack_context sc = pool->allocate();
    *bottom = static_cast<char*>(sc.sp) - sc.size;
    return sc;
  }
  void deallocate(ctx::stack_context& sc) noexcept { pool->deallocate(sc); }
};

// AddressSanitizer must be told about every stack switch (Boost's fcontext fibers do not), or it reports
// false stack overflows. The scheduler's stack bounds are learned on the first switch into a fiber.
#if defined(__SANITIZE_ADDRESS__)
thread_local const void* tls_sched_bottom = nullptr;
thread_local std::size_t tls_sched_size = 0;
void asan_enter_fiber(void** fake, const void* bottom) { __sanitizer_start_switch_fiber(fake, bottom, kStackBytes); }
void asan_entered_fiber(void* fake) { __sanitizer_finish_switch_fiber(fake, &tls_sched_bottom, &tls_sched_size); }
void asan_leave_fiber(void** fake) { __sanitizer_start_switch_fiber(fake, tls_sched_bottom, tls_sched_size); }
void asan_back_in_scheduler(void* fake) { __sanitizer_finish_switch_fiber(fake, nullptr, nullptr); }
#else
void asan_enter_fiber(void**, const void*) {}
void asan_entered_fiber(void*) {}
void asan_leave_fiber(void**) {}
void asan_back_in_scheduler(void*) {}
#endif

enum class LaneState { Ready, Waiting, Done };

struct Lane {
  ctx::fiber self;
  ctx::fiber caller;
  ThreadCtx* c = nullptr;
  LaneState state = LaneState::Ready;
  int kind = 0, line = 0, col = 0;
  const char* what = "";
  std::exception_ptr error;
  const void* stack_bottom = nullptr;
};

}  // namespace

struct Executor::Worker {
  StackPool stacks;
  std::vector<ThreadCtx> threads;
  std::vector<Lane> lanes;
  std::vector<metal_rt::SimdShared> simd;
  std::vector<Region> buffers, tg_params;
  std::vector<std::vector<unsigned char>> tg_memory;
  std::deque<Region> tg_regions;  // arrays registered by the running threadgroup (stable addresses: ptrs hold them)
  std::uint64_t tg_static_bytes = 0, tg_dynamic_bytes = 0;
  metal_rt::Counters counters{};           // device address space
  metal_rt::Counters constant_counters{};  // constant address space (scalar arguments, constant buffers)
  metal_rt::Watch watch{};  // threadgroup accesses of the running thread (abi.h)
  bool watching = false;     // plan->racecheck || plan->threadgroup_counters
  std::uint64_t barriers = 0, collectives = 0, products = 0;
  RaceDetector races;  // used when plan->racecheck
  Recovery recovery;   // where abandoned kernel code returns to (watchdog.h)
  LaunchWatch* launch = nullptr;
  const LaunchPlan* plan = nullptr;
  const Region* last_lookup = nullptr;  // most recent hit of hook_lookup (reset whenever regions change)
  bool fibers = false;
};

namespace {

thread_local Executor::Worker* tls_worker = nullptr;
thread_local ThreadCtx* tls_current = nullptr;

std::string thread_name(const ThreadCtx* c) {
  return fmt::format("thread_position_in_threadgroup ({},{},{})", c->pos[1][0], c->pos[1][1], c->pos[1][2]);
}
std::string group_name(const ThreadCtx* c) {
  return fmt::format("threadgroup ({},{},{})", c->pos[2][0], c->pos[2][1], c->pos[2][2]);
}

void hook_fail(const char* message) { throw LaunchError(message); }

std::string full_thread_name(const ThreadCtx* c) {
  return fmt::format("thread_position_in_grid ({},{},{}), thread_position_in_threadgroup ({},{},{}), threadgroup_position_in_grid ({},{},{})",
                     c->pos[0][0], c->pos[0][1], c->pos[0][2], c->pos[1][0], c->pos[1][1], c->pos[1][2], c->pos[2][0],
                     c->pos[2][1], c->pos[2][2]);
}

// Throws the error of a launch the watchdog stops (watchdog.h); `c` is the thread that was running, if known.
[[noreturn]] void throw_stopped(const Executor::Worker& w, StopReason reason, const ThreadCtx* c) {
  const LaunchPlan& p = *w.plan;
  std::string who = c ? fmt::format(" ({} was running)", full_thread_name(c)) : std::string();
  if (reason == StopReason::Interrupted) throw LaunchInterrupted(fmt::format("kernel '{}': the launch was interrupted{}", p.kernel, who));
  throw LaunchError(fmt::format("kernel '{}': the launch ran past its time limit of {} s and was stopped{} (set the limit with "
                                "LaunchConfig::timeout_seconds, the CLI's --timeout or TRITON_METAL_LAUNCH_TIMEOUT)",
                                p.kernel, w.launch->timeout_seconds(), who));
}

ThreadCtx* hook_current() { return tls_current; }

metal_rt::Watch* hook_watch() { return tls_worker && tls_worker->watching ? &tls_worker->watch : nullptr; }

// Launches running now that watch threadgroup accesses (kernels test it before asking for their Watch).
std::atomic<int> g_watching{0};

// "threadgroup array 'tile' (byte offset 12 of 256)" for an address of the running threadgroup's memory or buffers.
std::string describe_address(const Executor::Worker& w, const char* a) {
  auto in = [&](const Region& r) { return r.base && a >= r.base && a < r.base + r.bytes; };
  for (const Region& r : w.tg_regions)
    if (in(r)) return fmt::format("threadgroup array '{}' (byte offset {} of {})", r.name, a - r.base, r.bytes);
  for (const Region& r : w.tg_params)
    if (in(r)) return fmt::format("threadgroup buffer '{}' [[threadgroup({})]] (byte offset {} of {})", r.name, r.index, a - r.base, r.bytes);
  for (const Region& r : w.buffers) {
    if (in(r) && r.index < 0) return fmt::format("{} (reached by address; byte offset {} of {})", r.name, a - r.base, r.bytes);
    if (in(r)) return fmt::format("device buffer '{}' [[buffer({})]] (byte offset {} of {})", r.name, r.index, a - r.base, r.bytes);
  }
  return fmt::format("address {}", static_cast<const void*>(a));
}

std::string race_message(const Executor::Worker& w, const Race& r) {
  const LaunchPlan& p = *w.plan;
  auto access = [&](const RaceAccess& x) {
    std::string where = x.line ? fmt::format("{}:{}", p.file_name, x.line) : std::string("an unknown line (a threadgroup array subscript)");
    return fmt::format("{} {} it at {}", thread_name(&w.threads[x.thread]), x.write ? "writes" : "reads", where);
  };
  return fmt::format("kernel '{}': data race on {} at address {} in {}: {}, and {}, with no {} between them", p.kernel,
                     describe_address(w, r.address), static_cast<const void*>(r.address), group_name(&w.threads[r.second.thread]),
                     access(r.first), access(r.second), r.first.thread / 32 == r.second.thread / 32 ? "barrier" : "threadgroup_barrier");
}

// A settled access under racecheck.
void hook_race(const void* address, unsigned long long bytes, unsigned line, int write, int device) {
  Executor::Worker* w = tls_worker;
  ThreadCtx* c = tls_current;
  if (!w || !c) return;
  if (auto r = w->races.access(static_cast<const char*>(address), bytes, c->pos[5][0], line, write != 0, device != 0))
    throw LaunchError(race_message(*w, *r));
}

// The host side of metal_rt::settle (pointers.h): settles the running thread's last watched access when it
// reaches a scheduling point or returns.
void settle_watch(Executor::Worker& w) {
  metal_rt::Watch& x = w.watch;
  if (!x.pending) return;
  std::size_t n = std::min<std::size_t>(x.pending_size, metal_rt::kWatchBytes);
  bool wrote = std::memcmp(x.pending, x.old, n) != 0;
  if (!x.pending_device) (wrote ? x.tg.written : x.tg.read) += x.pending_size;
  char* a = x.pending;
  x.pending = nullptr;
  if (x.racecheck) hook_race(a, x.pending_size, x.pending_line, wrote, x.pending_device);
}

void hook_sync(ThreadCtx* c, int kind, int line, int col, const char* what) {
  Executor::Worker* w = tls_worker;
  if (!w || !w->fibers) {
    throw LaunchError(fmt::format("kernel '{}': {} called from a kernel the emulator runs without fibers "
                                  "(internal error: the source scan missed it)", c->kernel, what));
  }
  if (w->launch && w->launch->reason() != StopReason::None) throw_stopped(*w, w->launch->reason(), c);
  Lane& l = *static_cast<Lane*>(c->host);
  l.state = LaneState::Waiting;
  l.kind = kind;
  l.line = line;
  l.col = col;
  l.what = what;
  void* fake = nullptr;
  asan_leave_fiber(&fake);
  try {
    l.caller = std::move(l.caller).resume();
  } catch (const ctx::detail::forced_unwind&) {  // the launch was stopped: unwind this fiber
    asan_entered_fiber(fake);
    throw;
  }
  asan_entered_fiber(fake);
}

const Region* hook_lookup(const void* address) {
  Executor::Worker* w = tls_worker;
  if (!w) return nullptr;
  const char* a = static_cast<const char*>(address);
  if (const Region* r = w->last_lookup; r && a >= r->base && a < r->base + r->bytes) return r;
  auto find = [&](const auto& list) -> const Region* {
    for (const Region& r : list)
      if (r.base && a >= r.base && a < r.base + r.bytes) return w->last_lookup = &r;
    return nullptr;
  };
  if (const Region* r = find(w->tg_regions)) return r;
  if (const Region* r = find(w->buffers)) return r;
  return find(w->tg_params);
}

// Threadgroup memory starts every threadgroup with this byte (its content is undefined on a GPU); it also makes
// a first store of zeros count as a write.
constexpr unsigned char kPoison = 0xA5;

void hook_tg_register(ThreadCtx* c, void* address, unsigned long long bytes, const char* name) {
  Executor::Worker* w = tls_worker;
  for (const Region& r : w->tg_regions)
    if (r.base == address) return;
  w->tg_static_bytes += bytes;
  std::uint64_t limit = w->plan->limits.max_threadgroup_memory_bytes;
  if (w->tg_static_bytes + w->tg_dynamic_bytes > limit) {
    throw LaunchError(fmt::format("kernel '{}': threadgroup memory of {} bytes (threadgroup arrays {} bytes, up to '{}', "
                                  "plus [[threadgroup(i)]] buffers {} bytes) exceeds the device limit of {} bytes",
                                  c->kernel, w->tg_static_bytes + w->tg_dynamic_bytes, w->tg_static_bytes, name,
                                  w->tg_dynamic_bytes, limit));
  }
  w->tg_regions.push_back(Region{static_cast<char*>(address), bytes, name, 0, metal_rt::kThreadgroupArray, nullptr,
                                  w->watching ? &w->watch : nullptr});
  std::memset(address, kPoison, bytes);
}

// os_log from a kernel (tl.device_print): one line to stdout, whole lines even when workers print at once.
std::mutex g_log_mutex;
LogSink g_log_sink;
void hook_log(const char* line) {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  if (g_log_sink) {
    g_log_sink(line);
    return;
  }
  std::fputs(line, stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

const metal_rt::Hooks kHooks = {hook_fail, hook_sync, hook_current, hook_lookup, hook_tg_register, hook_watch, hook_race,
                                 reinterpret_cast<const int*>(&g_watching), hook_log};
static_assert(sizeof(std::atomic<int>) == sizeof(int) && std::atomic<int>::is_always_lock_free);

unsigned ceil_div(unsigned a, unsigned b) { return (a + b - 1) / b; }

void set_pos(ThreadCtx& c, int i, unsigned x, unsigned y = 0, unsigned z = 0) {
  c.pos[i][0] = x;
  c.pos[i][1] = y;
  c.pos[i][2] = z;
}

// Releases the lanes in `which` from their wait.
void release(std::vector<Lane*>& which) {
  for (Lane* l : which) l->state = LaneState::Ready;
}

std::string site(const LaunchPlan& p, const Lane& l) {
  if (l.col > 0) return fmt::format("{} at {}:{}:{}", l.what, p.file_name, l.line, l.col);
  return fmt::format("{} at {}:{}", l.what, p.file_name, l.line);
}

// Destroys a lane's fiber; a suspended fiber is unwound (its destructors run) on its own stack.
void destroy(Lane& l) {
  if (!l.self) return;
  void* fake = nullptr;
  asan_enter_fiber(&fake, l.stack_bottom);
  l.self = ctx::fiber();
  asan_back_in_scheduler(fake);
}

// One threadgroup with one fiber per thread.
void run_fibers(Executor::Worker& w, unsigned n) {
  const LaunchPlan& p = *w.plan;
  for (unsigned t = 0; t < n; ++t) {
    Lane& l = w.lanes[t];
    l = Lane{};
    l.c = &w.threads[t];
    l.c->host = &l;
    Lane* lp = &l;
    EntryFn entry = p.entry;
    l.self = ctx::fiber(std::allocator_arg, PoolAllocator{&w.stacks, &l.stack_bottom}, [lp, entry](ctx::fiber&& caller) {
      asan_entered_fiber(nullptr);
      lp->caller = std::move(caller);
      try {
        entry(lp->c);
      } catch (const ctx::detail::forced_unwind&) {
        asan_leave_fiber(nullptr);
        throw;
      } catch (...) {
        lp->error = std::current_exception();
      }
      lp->state = LaneState::Done;
      asan_leave_fiber(nullptr);  // this fiber's stack is done
      return std::move(lp->caller);
    });
  }
  unsigned nsimd = ceil_div(n, 32);
  auto fail = [&](const std::string& msg) {
    for (unsigned t = 0; t < n; ++t) destroy(w.lanes[t]);  // unwinds suspended fibers
    throw LaunchError(fmt::format("kernel '{}': {}", p.kernel, msg));
  };
  while (true) {
    for (unsigned t = 0; t < n; ++t) {
      Lane& l = w.lanes[t];
      if (l.state != LaneState::Ready) continue;
      tls_current = l.c;
      void* fake = nullptr;
      asan_enter_fiber(&fake, l.stack_bottom);
      set_running_fiber(l.stack_bottom, kStackBytes, p.kernel.c_str());
      l.self = std::move(l.self).resume();
      set_running_fiber(nullptr, 0, nullptr);
      asan_back_in_scheduler(fake);
      if (!l.error) {
        try {
          settle_watch(w);
        } catch (...) {
          l.error = std::current_exception();
        }
      }
      tls_current = nullptr;
      if (l.error) {
        std::exception_ptr e = l.error;
        for (unsigned u = 0; u < n; ++u) destroy(w.lanes[u]);
        std::rethrow_exception(e);
      }
    }
    bool progress = false, all_done = true;
    std::vector<Lane*> group;
    for (unsigned s = 0; s < nsimd; ++s) {
      unsigned lo = s * 32, hi = std::min(n, lo + 32);
      Lane* first = nullptr;  // first lane waiting at a simd collective
      Lane* other = nullptr;  // a live lane not waiting at that collective
      group.clear();
      unsigned mask = 0;
      for (unsigned t = lo; t < hi; ++t) {
        Lane& l = w.lanes[t];
        if (l.state == LaneState::Done) continue;
        all_done = false;
        mask |= 1u << (t - lo);
        if (l.kind != metal_rt::kThreadgroupBarrier) {
          if (!first) first = &l;
          else if (!other && (l.kind != first->kind || l.line != first->line || l.col != first->col || l.what != first->what)) other = &l;
          group.push_back(&l);
        } else if (!other) {
          other = &l;
        }
      }
      if (!first) continue;
      if (other) {
        fail(fmt::format("{} in simdgroup {} of {} was not reached by all active lanes: lane {} ({}) waits there, "
                         "lane {} ({}) waits at {}",
                         site(p, *first), s, group_name(first->c), first->c->lane, thread_name(first->c), other->c->lane,
                         thread_name(other->c), site(p, *other)));
      }
      unsigned par = (first->c->gen - 1) & 1u;
      if (first->kind == metal_rt::kSimdCollective || first->kind == metal_rt::kSimdMatrix) {
        w.simd[s].mask[par] = mask;
        ++(first->kind == metal_rt::kSimdMatrix ? w.products : w.collectives);
      }
      if (p.racecheck) w.races.simd_sync(s);
      release(group);
      progress = true;
    }
    if (all_done) return;
    if (progress) continue;
    // Every live thread waits at a threadgroup barrier.
    Lane* first = nullptr;
    Lane* done = nullptr;
    unsigned ndone = 0;
    group.clear();
    for (unsigned t = 0; t < n; ++t) {
      Lane& l = w.lanes[t];
      if (l.state == LaneState::Done) {
        if (!done) done = &l;
        ++ndone;
        continue;
      }
      if (!first) first = &l;
      else if (l.line != first->line || l.col != first->col)
        fail(fmt::format("threads of {} wait at different barriers: {} ({}) and {} ({})", group_name(first->c),
                         site(p, *first), thread_name(first->c), site(p, l), thread_name(l.c)));
      group.push_back(&l);
    }
    if (done) {
      fail(fmt::format("{} in {} is not reached by every thread: {} of {} threads returned without reaching it "
                       "(first: {}) while {} waits there",
                       site(p, *first), group_name(first->c), ndone, n, thread_name(done->c), thread_name(first->c)));
    }
    ++w.barriers;
    if (p.racecheck) w.races.barrier();
    release(group);
  }
}

// After a jump out of kernel code (watchdog.h): the fiber that ran is abandoned (its context and stack are
// leaked: it cannot be resumed or unwound), the suspended ones are unwound.
void abandon_running_kernel(Executor::Worker& w, unsigned n) {
  set_running_fiber(nullptr, 0, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGFPE);
  sigaddset(&set, SIGRTMIN + 5);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  if (!w.fibers) return;
  if (ThreadCtx* c = tls_current) {
    Lane& l = *static_cast<Lane*>(c->host);
    (void)new ctx::fiber(std::move(l.caller));  // deliberately leaked
    l.state = LaneState::Done;
  }
  for (unsigned t = 0; t < n; ++t) destroy(w.lanes[t]);
}

[[noreturn]] void throw_fault(const Executor::Worker& w, const ThreadCtx* c) {
  throw LaunchError(fmt::format("kernel '{}': integer division overflow (the most negative value divided by -1, or a remainder of "
                                "it by -1) by {}; Metal leaves the result undefined, the emulator stops the launch",
                                w.plan->kernel, c ? full_thread_name(c) : std::string("an unknown thread")));
}

}  // namespace

const metal_rt::Hooks* emulator_hooks() { return &kHooks; }

Executor::Executor() = default;
Executor::~Executor() = default;

LaunchStats Executor::run(const LaunchPlan& p) {
  auto start = std::chrono::steady_clock::now();
  const std::uint64_t ngroups = p.threadgroups.volume();
  unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  if (const char* e = std::getenv("TRITON_METAL_EMULATOR_THREADS"); e && std::atoi(e) > 0) hw = static_cast<unsigned>(std::atoi(e));
  unsigned nworkers = static_cast<unsigned>(std::min<std::uint64_t>(hw, std::max<std::uint64_t>(ngroups, 1)));
  while (workers_.size() < nworkers) workers_.push_back(std::make_unique<Worker>());

  const unsigned max_threads = static_cast<unsigned>(p.threads_per_group.volume());
  std::uint64_t dynamic_bytes = 0;
  for (auto len : p.threadgroup_lengths) dynamic_bytes += len;
  for (unsigned i = 0; i < nworkers; ++i) {
    Worker& w = *workers_[i];
    w.plan = &p;
    w.last_lookup = nullptr;
    w.fibers = p.use_fibers;
    w.counters = {};
    w.constant_counters = {};
    w.barriers = w.collectives = w.products = 0;
    w.watch = metal_rt::Watch{};
    w.watch.racecheck = p.racecheck;
    w.watching = p.racecheck || p.threadgroup_counters;
    w.buffers = p.buffers;
    for (auto& r : w.buffers) {
      r.counters = r.kind == metal_rt::kConstantBuffer ? &w.constant_counters : &w.counters;
      r.watch = p.racecheck ? &w.watch : nullptr;
    }
    w.tg_params.assign(metal_rt::kMaxThreadgroupBufs, Region{});
    w.tg_memory.resize(metal_rt::kMaxThreadgroupBufs);
    for (int k = 0; k < metal_rt::kMaxThreadgroupBufs; ++k) {
      if (p.threadgroup_lengths[k] == 0) continue;
      w.tg_memory[k].resize(p.threadgroup_lengths[k]);
      w.tg_params[k] = Region{reinterpret_cast<char*>(w.tg_memory[k].data()), p.threadgroup_lengths[k],
                              p.threadgroup_names[k].c_str(), k, metal_rt::kThreadgroupParam, nullptr,
                              w.watching ? &w.watch : nullptr};
    }
    w.tg_dynamic_bytes = dynamic_bytes;
    w.threads.resize(max_threads);
    w.lanes.resize(max_threads);
    w.simd.resize(ceil_div(max_threads, 32));
  }

  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  std::exception_ptr error;

  LaunchWatch launch_watch(p.timeout_seconds);
  const bool watching = p.racecheck || p.threadgroup_counters;
  if (watching) g_watching.fetch_add(1);
  struct Unwatch {
    bool on;
    ~Unwatch() {
      if (on) g_watching.fetch_sub(1);
    }
  } unwatch{watching};
  auto work = [&](Worker& w) {
    tls_worker = &w;
    w.launch = &launch_watch;
    launch_watch.enter_worker();
    if (w.fibers) install_stack_guard();
    w.recovery.code_begin = p.code_begin;
    w.recovery.code_end = p.code_end;
    const Size3 req = p.threads_per_group;
    while (!stop.load(std::memory_order_relaxed)) {
      if (StopReason r = launch_watch.reason(); r != StopReason::None) {
        try {
          throw_stopped(w, r, nullptr);
        } catch (...) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (!error) error = std::current_exception();
          stop = true;
        }
        break;
      }
      std::uint64_t g = next.fetch_add(1);
      if (g >= ngroups) break;
      unsigned gx = static_cast<unsigned>(g % p.threadgroups.x);
      unsigned gy = static_cast<unsigned>((g / p.threadgroups.x) % p.threadgroups.y);
      unsigned gz = static_cast<unsigned>(g / (std::uint64_t{p.threadgroups.x} * p.threadgroups.y));
      Size3 act = req;
      if (p.nonuniform) {
        act.x = std::min(req.x, p.threads_per_grid.x - gx * req.x);
        act.y = std::min(req.y, p.threads_per_grid.y - gy * req.y);
        act.z = std::min(req.z, p.threads_per_grid.z - gz * req.z);
      }
      unsigned n = static_cast<unsigned>(act.volume());
      w.tg_regions.clear();
      w.last_lookup = nullptr;
      w.tg_static_bytes = 0;
      w.watch.pending = nullptr;
      if (p.racecheck) w.races.begin_threadgroup(ceil_div(n, 32));
      for (auto& m : w.tg_memory)
        if (!m.empty()) std::memset(m.data(), kPoison, m.size());
      try {
        for (unsigned t = 0; t < n; ++t) {
          ThreadCtx& c = w.threads[t];
          unsigned lx = t % act.x, ly = (t / act.x) % act.y, lz = t / (act.x * act.y);
          c.kernel = p.kernel.c_str();
          c.buffers = w.buffers.data();
          c.tg_params = w.tg_params.data();
          c.lane = t % 32;
          c.simd_index = t / 32;
          c.gen = 0;
          c.simd = &w.simd[t / 32];
          set_pos(c, 0, gx * req.x + lx, gy * req.y + ly, gz * req.z + lz);
          set_pos(c, 1, lx, ly, lz);
          set_pos(c, 2, gx, gy, gz);
          set_pos(c, 3, act.x, act.y, act.z);
          set_pos(c, 4, p.threadgroups.x, p.threadgroups.y, p.threadgroups.z);
          set_pos(c, 5, t);
          set_pos(c, 6, t % 32);
          set_pos(c, 7, t / 32);
          set_pos(c, 8, ceil_div(n, 32));
          set_pos(c, 9, 32);
          set_pos(c, 10, p.threads_per_grid.x, p.threads_per_grid.y, p.threads_per_grid.z);
          set_pos(c, 11, req.x, req.y, req.z);
          set_pos(c, 12, 32);
          set_pos(c, 13, t % 4);
          set_pos(c, 14, t / 4);
          set_pos(c, 15, ceil_div(n, 4));
          set_pos(c, 16, ceil_div(static_cast<unsigned>(req.volume()), 32));
          set_pos(c, 17, ceil_div(static_cast<unsigned>(req.volume()), 4));
          set_pos(c, 18, 0, 0, 0);
          set_pos(c, 19, p.threads_per_grid.x, p.threads_per_grid.y, p.threads_per_grid.z);
        }
        if (sigsetjmp(w.recovery.jmp, 0) != 0) {  // kernel code abandoned (watchdog.h)
          const ThreadCtx* c = tls_current;
          int sig = recovery_signal();
          abandon_running_kernel(w, n);
          if (sig == SIGFPE) throw_fault(w, c);
          throw_stopped(w, launch_watch.reason() == StopReason::None ? StopReason::Timeout : launch_watch.reason(), c);
        }
        arm_recovery(&w.recovery);
        if (w.fibers) {
          run_fibers(w, n);
        } else {
          for (unsigned t = 0; t < n; ++t) {
            tls_current = &w.threads[t];
            p.entry(&w.threads[t]);
            if (w.watch.pending) settle_watch(w);
          }
          tls_current = nullptr;
        }
        arm_recovery(nullptr);
      } catch (...) {
        arm_recovery(nullptr);
        tls_current = nullptr;
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        stop = true;
      }
    }
    launch_watch.leave_worker();
    w.launch = nullptr;
    tls_worker = nullptr;
  };

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < nworkers; ++i) threads.emplace_back(work, std::ref(*workers_[i]));
  work(*workers_[0]);
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);

  LaunchStats s;
  for (unsigned i = 0; i < nworkers; ++i) {
    s.device_bytes_read += workers_[i]->counters.read;
    s.device_bytes_written += workers_[i]->counters.written;
    s.constant_bytes_read += workers_[i]->constant_counters.read;
    s.barriers += workers_[i]->barriers;
    s.simd_collectives += workers_[i]->collectives;
    s.simdgroup_multiply_accumulates += workers_[i]->products;
    s.threadgroup_bytes_read += workers_[i]->watch.tg.read;
    s.threadgroup_bytes_written += workers_[i]->watch.tg.written;
  }
  s.threadgroups = ngroups;
  s.threads = p.nonuniform ? p.threads_per_grid.volume() : ngroups * p.threads_per_group.volume();
  s.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s;
}

}  // namespace tmetal::runtime::emulator

namespace tmetal::runtime {

LogSink set_emulator_log_sink(LogSink sink) {
  std::lock_guard<std::mutex> lock(emulator::g_log_mutex);
  std::swap(sink, emulator::g_log_sink);
  return sink;
}

}  // namespace tmetal::runtime
