// Checked memory for emulated kernels. `device`/`constant`/`threadgroup` pointers become ptr<T>: an address
// plus the Region (bound buffer or threadgroup allocation) it points into; every dereference is checked
// against the region and counted (bytes read through const pointers, written through the others; constant-address-space
// regions count into their own counter),
// and an out-of-bounds access stops the launch with the kernel, buffer, element and thread. Threadgroup
// arrays declared in a kernel body become tg_array<T, dims...> with checked indexing.
#pragma once

#include "metal_rt/abi.h"
#include "metal_rt/vec.h"

extern "C" int snprintf(char*, unsigned long, const char*, ...);

namespace metal_rt {

inline const Hooks* g_hooks = nullptr;

[[noreturn]] inline void fail(const char* message) {
  g_hooks->fail(message);
  __builtin_unreachable();
}

// "thread_position_in_grid (x,y,z), threadgroup (a,b,c)" of the running thread.
inline void describe_thread(char* out, unsigned long n) {
  ThreadCtx* c = g_hooks->current();
  if (!c) { snprintf(out, n, "an unknown thread"); return; }
  snprintf(out, n, "thread_position_in_grid (%u,%u,%u), thread_position_in_threadgroup (%u,%u,%u), threadgroup_position_in_grid (%u,%u,%u)",
           c->pos[0][0], c->pos[0][1], c->pos[0][2], c->pos[1][0], c->pos[1][1], c->pos[1][2], c->pos[2][0], c->pos[2][1], c->pos[2][2]);
}
inline const char* current_kernel() {
  ThreadCtx* c = g_hooks->current();
  return c ? c->kernel : "?";
}

[[noreturn]] __attribute__((noinline)) inline void out_of_bounds(const Region* r, const void* p, unsigned long elem_size, long long elem_index) {
  char thread[256], msg[1024];
  describe_thread(thread, sizeof thread);
  if (!r) {
    snprintf(msg, sizeof msg, "kernel '%s': access through a pointer that points into no buffer or threadgroup memory (address %p) by %s "
             "(a pointer made from an integer must point into an array bound to the launch or reachable by address)",
             current_kernel(), p, thread);
    fail(msg);
  }
  if (!r->base && r->kind != kThreadgroupArray) {
    snprintf(msg, sizeof msg, "kernel '%s': access to %s '%s' [[buffer(%d)]], which has nothing bound, by %s", current_kernel(),
             r->kind == kConstantBuffer ? "constant buffer" : "device buffer", r->name, r->index, thread);
    fail(msg);
  }
  long long byte = static_cast<const char*>(p) - r->base;
  const char* what = r->kind == kDeviceBuffer ? "device buffer" : r->kind == kConstantBuffer ? "constant buffer"
                   : r->kind == kThreadgroupParam ? "threadgroup buffer" : "threadgroup array";
  const char* attr = r->kind == kThreadgroupParam ? "threadgroup" : "buffer";
  if (r->kind == kThreadgroupArray) {
    snprintf(msg, sizeof msg, "kernel '%s': out-of-bounds access to threadgroup array '%s' at byte offset %lld (%lu-byte element %lld; the array has %llu bytes) by %s",
             current_kernel(), r->name, byte, elem_size, elem_index, r->bytes, thread);
  } else if (r->index < 0) {
    snprintf(msg, sizeof msg, "kernel '%s': out-of-bounds access to %s (reached by address) at element %lld (%lu-byte elements, byte offset %lld; it has %llu bytes) by %s",
             current_kernel(), r->name, elem_index, elem_size, byte, r->bytes, thread);
  } else {
    snprintf(msg, sizeof msg, "kernel '%s': out-of-bounds access to %s '%s' [[%s(%d)]] at element %lld (%lu-byte elements, byte offset %lld; the buffer has %llu bytes) by %s",
             current_kernel(), what, r->name, attr, r->index, elem_index, elem_size, byte, r->bytes, thread);
  }
  fail(msg);
}

template <class T, unsigned long N, unsigned long... R> struct tg_array;

// Settles the watched access not settled yet (see Watch in abi.h): a read or a write, counted (threadgroup
// memory) and reported to the race detector (racecheck).
__attribute__((noinline)) inline void settle(Watch* w) {
  unsigned long long n = w->pending_size;
  bool wrote = __builtin_memcmp(w->pending, w->old, n < kWatchBytes ? n : kWatchBytes) != 0;
  if (!w->pending_device) (wrote ? w->tg.written : w->tg.read) += n;
  char* a = w->pending;
  w->pending = nullptr;
  if (w->racecheck) g_hooks->race(a, n, w->pending_line, wrote, w->pending_device);
}
inline void watch_access(Watch* w, void* q, unsigned long long n, unsigned line, int device) {
  if (w->pending) settle(w);
  w->pending = static_cast<char*>(q);
  w->pending_size = n;
  w->pending_line = line;
  w->pending_device = device;
  __builtin_memcpy(w->old, q, n < kWatchBytes ? n : kWatchBytes);
}
// An atomic operation on `q` (n bytes) is not a plain read or write and never races: forget the access that
// produced its address; threadgroup atomics count as threadgroup bytes written.
inline void watch_atomic(const void* q, unsigned long long n) {
  if (!*g_hooks->watching) return;
  Watch* w = g_hooks->watch();
  if (!w) return;
  if (w->pending == q) {
    w->pending = nullptr;
    if (w->pending_device) return;
  } else if (const Region* r = g_hooks->lookup(q); !r || r->kind <= kConstantBuffer) {
    return;
  }
  w->tg.written += n;
}
// `&a[i]` followed by a conversion to a pointer takes an address; it is not an access.
inline void watch_address_taken(const Region* r, const void* q) {
  if (r && r->watch && r->watch->pending == q) r->watch->pending = nullptr;
}

// An index with the MSL line of the subscript (the translated C++ keeps the MSL's lines with #line).
struct index_at {
  long long v;
  unsigned line;
  template <class I, std::enable_if_t<std::is_integral_v<I> || std::is_enum_v<I>, int> = 0>
  index_at(I i, unsigned l = __builtin_LINE()) : v(static_cast<long long>(i)), line(l) {}
};

template <class T>
struct ptr {
  T* p = nullptr;
  const Region* r = nullptr;

  ptr() = default;
  ptr(decltype(nullptr)) {}
  ptr(T* raw, const Region* region) : p(raw), r(region) {}
  // From a raw address (&tile[i], &buf[j]): find the region it points into.
  // No hooks yet: a program-scope initializer (a constant object built from a string literal) runs at load.
  ptr(T* raw) : p(raw), r(raw && g_hooks ? g_hooks->lookup(raw) : nullptr) { if (g_hooks) watch_address_taken(r, raw); }
  template <class U, std::enable_if_t<std::is_convertible_v<U*, T*>, int> = 0>
  ptr(const ptr<U>& o) : p(o.p), r(o.r) {}
  // A threadgroup array decays to a pointer to its first element.
  template <class U, unsigned long N, std::enable_if_t<std::is_convertible_v<U*, T*>, int> = 0>
  ptr(tg_array<U, N>& a) : ptr(static_cast<U*>(a.a)) {}
  // (device float4*)p, static_cast<device uchar*>(p): reinterpretation keeps the region.
  template <class U, std::enable_if_t<!std::is_convertible_v<U*, T*>, int> = 0>
  explicit ptr(const ptr<U>& o) : p((T*)(o.p)), r(o.r) {}

  T& operator[](index_at i) const { return at(i.v, i.line); }
  T& operator*() const { return at(0); }
  T* operator->() const { at(0); return p; }
  T& at(long long i, unsigned line = 0) const {
    T* q = p + i;
    const char* a = reinterpret_cast<const char*>(q);
    if (__builtin_expect(!r || a < r->base || a + sizeof(T) > r->base + r->bytes, 0)) {
      out_of_bounds(r, q, sizeof(T), r ? (a - r->base) / (long long)sizeof(T) : i);
    }
    if (r->counters) {
      if constexpr (std::is_const_v<T>) r->counters->read += sizeof(T);
      else r->counters->written += sizeof(T);
    }
    if (r->watch) {
      bool device = r->kind <= kConstantBuffer;
      if (!(device && std::is_const_v<T>)) watch_access(r->watch, const_cast<std::remove_const_t<T>*>(q), sizeof(T), line, device);
    }
    return *q;
  }
  T* raw() const { return p; }

  ptr operator+(long long i) const { return ptr(p + i, r); }
  ptr operator-(long long i) const { return ptr(p - i, r); }
  friend ptr operator+(long long i, const ptr& a) { return a + i; }
  template <class U> long long operator-(const ptr<U>& o) const { return p - o.p; }
  ptr& operator+=(long long i) { p += i; return *this; }
  ptr& operator-=(long long i) { p -= i; return *this; }
  ptr& operator++() { ++p; return *this; }
  ptr& operator--() { --p; return *this; }
  ptr operator++(int) { ptr o = *this; ++p; return o; }
  ptr operator--(int) { ptr o = *this; --p; return o; }
  explicit operator bool() const { return p != nullptr; }
  template <class U> bool operator==(const ptr<U>& o) const { return p == o.p; }
  template <class U> bool operator<(const ptr<U>& o) const { return p < o.p; }
  bool operator==(decltype(nullptr)) const { return p == nullptr; }
};

// tptr<T> (thread_pointer.h): a checked thread pointer.
template <class P> struct is_thread_pointer { static constexpr bool value = false; };

// reinterpret_cast<device T*>(x) (the translator routes it here).
template <class P, class U> P reinterpret_ptr_cast(const ptr<U>& o) { return P(o); }
template <class P, class U> P reinterpret_ptr_cast(U* o) {
  if constexpr (is_thread_pointer<P>::value) return P(o);
  else return P(ptr<U>(o));
}
// (device T*)(ulong address): a pointer made from an integer finds the region it points into (a bound buffer or
// memory made resident for the launch); none: every access through it is reported, never performed.
template <class P, class I, std::enable_if_t<std::is_integral_v<I>, int> = 0> P reinterpret_ptr_cast(I address) {
  static_assert(!is_thread_pointer<P>::value, "an integer cannot become a thread pointer");
  return P(reinterpret_cast<decltype(P().p)>(static_cast<unsigned long>(address)));
}

// Checked multi-dimensional threadgroup array: tg_array<float, 16, 32> is `float a[16][32]`.
template <class T, unsigned long... R> struct tg_elem { using type = tg_array<T, R...>; };
template <class T> struct tg_elem<T> { using type = T; };

template <class T, unsigned long N, unsigned long... R>
struct tg_array {
  using elem = typename tg_elem<T, R...>::type;
  elem a[N];
  // A template so it is an exact match for every index type (the built-in subscript via the decay to a
  // pointer would otherwise be ambiguous).
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0> elem& operator[](I i) {
    if (__builtin_expect(static_cast<unsigned long long>(static_cast<long long>(i)) >= N, 0)) index_error(static_cast<long long>(i));
    if constexpr (sizeof...(R) == 0) {
      if (__builtin_expect(*g_hooks->watching != 0, 0))
        if (Watch* w = g_hooks->watch()) watch_access(w, &a[i], sizeof(elem), 0, 0);
    }
    return a[i];
  }
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0> const elem& operator[](I i) const {
    return const_cast<tg_array&>(*this)[i];
  }
  operator elem*() { return a; }

  [[noreturn]] __attribute__((noinline)) void index_error(long long i) const {
    char thread[256], msg[1024];
    describe_thread(thread, sizeof thread);
    const Region* r = g_hooks->lookup(this);
    snprintf(msg, sizeof msg, "kernel '%s': out-of-bounds index %lld into threadgroup array '%s' (dimension of extent %lu; byte offset %lld of %llu) by %s",
             current_kernel(), i, r ? r->name : "?", N, r ? static_cast<long long>(reinterpret_cast<const char*>(this) - r->base) : 0LL,
             r ? r->bytes : 0ULL, thread);
    fail(msg);
  }
};

// Called where a threadgroup variable is declared; registers it (once per threadgroup) for bounds
// checks, pointer lookups and the threadgroup-memory limit.
template <class T> T& tg_register(T& storage, const char* name) {
  ThreadCtx* c = g_hooks->current();
  g_hooks->tg_register(c, &storage, sizeof(T), name);
  return storage;
}

}  // namespace metal_rt
