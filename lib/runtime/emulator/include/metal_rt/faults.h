// Integer division and remainder by zero in kernel code. The kernel object is compiled with
// -fsanitize=integer-divide-by-zero (emulator/compiler.cpp); the check calls the handler below with the source
// position, which is the MSL's (the translated C++ keeps the MSL's lines with #line), and the launch stops with
// a LaunchError naming the kernel, the line and the thread. Metal leaves the result undefined; a crash of the
// process (SIGFPE) is what the host would do. (The most negative value divided by -1 traps too; the executor
// turns that SIGFPE into a LaunchError without the line.) One definition per kernel object: all.h includes this
// header once per translation unit.
#pragma once

#include "metal_rt/pointers.h"

namespace metal_rt {

struct ubsan_location {
  const char* file;
  unsigned line;
  unsigned column;
};
struct ubsan_divrem_data {
  ubsan_location location;
  const void* type;
};

[[noreturn]] __attribute__((noinline)) inline void division_by_zero(const void* data) {
  const ubsan_location& l = static_cast<const ubsan_divrem_data*>(data)->location;
  char thread[256], msg[768];
  describe_thread(thread, sizeof thread);
  snprintf(msg, sizeof msg, "kernel '%s': integer division or remainder by zero at %s:%u by %s (Metal leaves the result undefined)",
           current_kernel(), l.file ? l.file : "?", l.line, thread);
  fail(msg);
}

}  // namespace metal_rt

extern "C" void __ubsan_handle_divrem_overflow(void* data, void*, void*) { ::metal_rt::division_by_zero(data); }
extern "C" void __ubsan_handle_divrem_overflow_abort(void* data, void*, void*) { ::metal_rt::division_by_zero(data); }
