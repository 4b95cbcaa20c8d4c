// Glue between the host runtime and a translated kernel: builds each kernel argument from the thread's
// context (bound buffers as checked pointers or references, [[threadgroup(i)]] buffers, thread-position
// attributes in the parameter's declared scalar or vector type) and calls the kernel.
#pragma once

#include "metal_rt/pointers.h"

namespace metal_rt {

enum ArgRole : int { kArgBuffer = 0, kArgThreadgroup = 1, kArgPosition = 2 };
struct Arg {
  int role;
  int index;
  const char* name;
};

[[noreturn]] __attribute__((noinline)) inline void small_constant(const Region& r, unsigned long need) {
  char msg[512];
  snprintf(msg, sizeof msg, "kernel '%s': parameter '%s' [[buffer(%d)]] needs %lu bytes but the bound data has %llu",
           current_kernel(), r.name, r.index, need, r.bytes);
  fail(msg);
}

template <class P> struct arg_maker {
  // Thread-position attributes: scalar or vector of any integer type.
  static P make(ThreadCtx* c, Arg a) {
    const unsigned* v = c->pos[a.index];
    if constexpr (metal::is_vec_v<P>) {
      P p;
      for (int i = 0; i < metal::vec_n<P>; ++i) p.v[i] = static_cast<metal::elem_t<P>>(v[i]);
      return p;
    } else {
      return static_cast<P>(v[0]);
    }
  }
};
template <class T> struct arg_maker<ptr<T>> {
  static ptr<T> make(ThreadCtx* c, Arg a) {
    Region* r = a.role == kArgThreadgroup ? &c->tg_params[a.index] : &c->buffers[a.index];
    return ptr<T>(reinterpret_cast<T*>(r->base), r);
  }
};
template <class T> struct arg_maker<T&> {
  static T& make(ThreadCtx* c, Arg a) {
    Region& r = a.role == kArgThreadgroup ? c->tg_params[a.index] : c->buffers[a.index];
    if (r.bytes < sizeof(T)) small_constant(r, sizeof(T));
    if (r.counters) r.counters->read += sizeof(T);
    return *reinterpret_cast<T*>(r.base);
  }
};

template <class... P, class... A> inline void invoke(void (*f)(P...), ThreadCtx* c, A... args) {
  static_assert(sizeof...(P) == sizeof...(A), "kernel parameter count mismatch");
  f(arg_maker<P>::make(c, args)...);
}

}  // namespace metal_rt
