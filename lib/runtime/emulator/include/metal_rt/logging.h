// Metal's shader logging (<metal_logging>, MSL 3.2) on the emulator: os_log's log / log_debug / log_info /
// log_error / log_fault format their printf arguments into one line and hand it to the host runtime
// (Hooks::log), which writes it to stdout. Kernels cannot reach the host's files any other way.
#pragma once

#include "metal_rt/pointers.h"

namespace metal_rt {

template <class T>
inline auto log_arg(T v) {
  if constexpr (__is_same(T, float) || __is_same(T, half) || __is_same(T, bfloat)) return static_cast<double>(static_cast<float>(v));
  else return v;
}

struct os_log {
  constexpr os_log() = default;
  constexpr os_log(const char*, const char*) {}
  template <class... A>
  void log(const char* format, A... args) const {
    char text[1024];
    snprintf(text, sizeof text, format, log_arg(args)...);
    g_hooks->log(text);
  }
  template <class... A> void log_debug(const char* f, A... a) const { log(f, a...); }
  template <class... A> void log_info(const char* f, A... a) const { log(f, a...); }
  template <class... A> void log_error(const char* f, A... a) const { log(f, a...); }
  template <class... A> void log_fault(const char* f, A... a) const { log(f, a...); }
};

}  // namespace metal_rt

namespace metal {
using ::metal_rt::os_log;
inline constexpr os_log os_log_default{};
}  // namespace metal
