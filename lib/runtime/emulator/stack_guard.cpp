// SIGSEGV handler for fiber stack overflows (see stack_guard.h). Only async-signal-safe calls in the
// handler: write(2), _exit(2), sigaction(2), and reads of this thread's static TLS.
#include "runtime/emulator/stack_guard.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace tmetal::runtime::emulator {

namespace {

thread_local const char* tls_stack_bottom = nullptr;
thread_local std::size_t tls_stack_bytes = 0;
thread_local const char* tls_kernel = nullptr;
#if !defined(__SANITIZE_ADDRESS__)
thread_local bool tls_altstack = false;
#endif
struct sigaction previous_action;

void put(const char* s) {
  ssize_t r = write(2, s, std::strlen(s));
  (void)r;
}

void on_segv(int sig, siginfo_t* info, void* uctx) {
  const char* addr = static_cast<const char*>(info->si_addr);
  const char* bottom = tls_stack_bottom;
  // The guard page is the lowest page of the stack mapping; allow for probes a little below it.
  if (bottom && addr >= bottom - 65536 && addr < bottom + 4096) {
    put("triton-metal: error: kernel '");
    put(tls_kernel ? tls_kernel : "?");
    put("': a thread overflowed its emulator stack (");
    char num[32];
    std::size_t kib = tls_stack_bytes / 1024, n = 0;
    char rev[32];
    do {
      rev[n++] = static_cast<char>('0' + kib % 10);
      kib /= 10;
    } while (kib && n < sizeof rev);
    for (std::size_t i = 0; i < n; ++i) num[i] = rev[n - 1 - i];
    num[n] = '\0';
    put(num);
    put(" KiB); thread-private arrays that large do not fit (Metal's are far smaller)\n");
    _exit(1);
  }
  // Not ours: restore the previous disposition and let the fault happen again.
  sigaction(SIGSEGV, &previous_action, nullptr);
  (void)sig;
  (void)uctx;
}

}  // namespace

void install_stack_guard() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous_action);
  });
  // AddressSanitizer gives every thread an alternate stack of its own (and frees it at thread exit).
#if !defined(__SANITIZE_ADDRESS__)
  if (!tls_altstack) {
    static thread_local std::unique_ptr<char[]> alt;  // freed when the thread exits
    constexpr std::size_t kAltBytes = 64 * 1024;
    alt.reset(new char[kAltBytes]);
    stack_t ss{};
    ss.ss_sp = alt.get();
    ss.ss_size = kAltBytes;
    sigaltstack(&ss, nullptr);
    tls_altstack = true;
  }
#endif
}

void set_running_fiber(const void* stack_bottom, std::size_t stack_bytes, const char* kernel) {
  tls_stack_bottom = static_cast<const char*>(stack_bottom);
  tls_stack_bytes = stack_bytes;
  tls_kernel = kernel;
}

}  // namespace tmetal::runtime::emulator
