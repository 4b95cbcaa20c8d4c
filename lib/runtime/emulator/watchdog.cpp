// The launch watchdog (see watchdog.h).
#include "runtime/emulator/watchdog.h"

#include "triton_metal/runtime.h"

#include <pthread.h>
#include <signal.h>
#include <ucontext.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <string>
#include <thread>

namespace tmetal::runtime {

namespace {
std::atomic<unsigned> g_interrupts{0};
std::atomic<int> g_running{0};  // launches registered with the watchdog
}

bool interrupt_launches() noexcept {
  g_interrupts.fetch_add(1, std::memory_order_relaxed);
  return g_running.load(std::memory_order_relaxed) > 0;
}

}  // namespace tmetal::runtime

namespace tmetal::runtime::emulator {

namespace {

thread_local Recovery* tls_recovery = nullptr;
thread_local volatile sig_atomic_t tls_signal = 0;

int watchdog_signal() { return SIGRTMIN + 5; }

const char* interrupted_pc(void* uctx) {
  auto* u = static_cast<ucontext_t*>(uctx);
#if defined(__x86_64__)
  return reinterpret_cast<const char*>(u->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return reinterpret_cast<const char*>(u->uc_mcontext.pc);
#else
  (void)u;
  return nullptr;
#endif
}

struct sigaction previous_fpe;

void on_signal(int sig, siginfo_t*, void* uctx) {
  Recovery* r = tls_recovery;
  const char* pc = interrupted_pc(uctx);
  if (r && pc && pc >= r->code_begin && pc < r->code_end) {
    tls_recovery = nullptr;
    tls_signal = sig;
    siglongjmp(r->jmp, 1);
  }
  if (sig == SIGFPE) sigaction(SIGFPE, &previous_fpe, nullptr);  // not kernel code: fault again, as before
}

void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(watchdog_signal(), &sa, nullptr);
    sigaction(SIGFPE, &sa, &previous_fpe);
  });
}

}  // namespace

void arm_recovery(Recovery* r) {
  if (r) tls_signal = 0;
  tls_recovery = r;
}
int recovery_signal() { return tls_signal; }

double timeout_from_environment() {
  const char* e = std::getenv("TRITON_METAL_LAUNCH_TIMEOUT");
  if (!e || !*e) return 0;
  char* end = nullptr;
  double v = std::strtod(e, &end);
  if (end == e || *end || !(v >= 0))
    throw Error(std::string("TRITON_METAL_LAUNCH_TIMEOUT='") + e + "' is not a number of seconds");
  return v;
}

class Watchdog {
 public:
  static Watchdog& get() {
    static Watchdog* w = new Watchdog;  // never destroyed: its thread runs for the life of the process
    return *w;
  }
  void add(LaunchWatch* l) {
    std::lock_guard<std::mutex> lock(mutex_);
    launches_.push_back(l);
    if (!started_) {
      started_ = true;
      std::thread([this] { loop(); }).detach();
    }
  }
  void remove(LaunchWatch* l) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase(launches_, l);
  }

 private:
  void loop() {
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::lock_guard<std::mutex> lock(mutex_);
      std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
      unsigned gen = g_interrupts.load(std::memory_order_relaxed);
      for (LaunchWatch* l : launches_) {
        if (l->reason_.load() == 0) {
          if (gen != l->generation_) l->reason_ = static_cast<int>(StopReason::Interrupted);
          else if (l->deadline_ns_ && now > l->deadline_ns_) l->reason_ = static_cast<int>(StopReason::Timeout);
        }
        if (l->reason_.load() != 0) {
          std::lock_guard<std::mutex> tl(l->mutex_);
          for (unsigned long t : l->threads_) pthread_kill(static_cast<pthread_t>(t), watchdog_signal());
        }
      }
    }
  }
  std::mutex mutex_;
  std::vector<LaunchWatch*> launches_;
  bool started_ = false;
};

LaunchWatch::LaunchWatch(double timeout_seconds) : timeout_(timeout_seconds), generation_(g_interrupts.load()) {
  install_handlers();
  deadline_ns_ = 0;
  if (timeout_seconds > 0) {
    auto now = std::chrono::steady_clock::now().time_since_epoch();
    deadline_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() + static_cast<std::int64_t>(timeout_seconds * 1e9);
  }
  Watchdog::get().add(this);
  g_running.fetch_add(1);
}

LaunchWatch::~LaunchWatch() {
  g_running.fetch_sub(1);
  Watchdog::get().remove(this);
}

void LaunchWatch::enter_worker() {
  std::lock_guard<std::mutex> lock(mutex_);
  threads_.push_back(static_cast<unsigned long>(pthread_self()));
}

void LaunchWatch::leave_worker() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase(threads_, static_cast<unsigned long>(pthread_self()));
}

}  // namespace tmetal::runtime::emulator
