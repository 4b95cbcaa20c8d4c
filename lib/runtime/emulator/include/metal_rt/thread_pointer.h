// Checked thread-private pointers: the translator rewrites `thread T*` into tptr<T>, a pointer plus the
// bytes of the thread array it points into. A thread array (thread_array.h) converts to a tptr that knows
// the array's extent, and arithmetic on it keeps the extent, so `thread int* p = t; p[i]`, `acc + 4` and a
// `thread float*` parameter called with an array are checked on every access: an out-of-bounds access stops
// the launch with the kernel, the array, the element, the MSL line and the thread (a plain pointer would read
// another variable's stack slot, or crash). A tptr made from a raw address (`&x`, `&acc[i]`) does not know
// what it points into and is not checked.
#pragma once

#include "metal_rt/pointers.h"

namespace metal_rt {

[[noreturn]] __attribute__((noinline)) inline void thread_pointer_error(const char* name, const char* lo, unsigned long long bytes,
                                                                       const void* q, unsigned long elem_size, unsigned line) {
  char thread[256], msg[1024], at[32] = "";
  describe_thread(thread, sizeof thread);
  if (line) snprintf(at, sizeof at, " at line %u", line);
  long long byte = static_cast<const char*>(q) - lo;
  snprintf(msg, sizeof msg, "kernel '%s': out-of-bounds access through a thread pointer into thread array '%s'%s: element %lld "
           "(%lu-byte elements, byte offset %lld; the array has %lld bytes) by %s",
           current_kernel(), name, at, byte >= 0 ? byte / static_cast<long long>(elem_size) : -((-byte + static_cast<long long>(elem_size) - 1) /
           static_cast<long long>(elem_size)), elem_size, byte, static_cast<long long>(bytes), thread);
  fail(msg);
}

template <class T>
struct tptr {
  T* p = nullptr;
  // The thread array's bytes [lo, lo + bytes). Unknown (a raw address): lo null and bytes the largest value,
  // so the check of an access never fails.
  const char* lo = nullptr;
  unsigned long long bytes = ~0ull;
  const char* name = nullptr;

  tptr() = default;
  tptr(decltype(nullptr)) {}
  // Templates, so that a thread array (which also decays to a plain pointer) converts only through its
  // operator tptr (no ambiguity), and a raw address of another type needs a cast.
  template <class U, std::enable_if_t<std::is_convertible_v<U*, T*>, int> = 0>
  tptr(U* raw) : p(raw) {}
  template <class U, std::enable_if_t<!std::is_convertible_v<U*, T*>, int> = 0>
  explicit tptr(U* raw) : p((T*)(raw)) {}
  tptr(T* raw, const char* l, unsigned long long n_bytes, const char* n) : p(raw), lo(l), bytes(n_bytes), name(n) {}
  template <class U, std::enable_if_t<std::is_convertible_v<U*, T*>, int> = 0>
  tptr(const tptr<U>& o) : p(o.p), lo(o.lo), bytes(o.bytes), name(o.name) {}
  // (thread uchar*)p: reinterpretation keeps the array's bytes.
  template <class U, std::enable_if_t<!std::is_convertible_v<U*, T*>, int> = 0>
  explicit tptr(const tptr<U>& o) : p((T*)(o.p)), lo(o.lo), bytes(o.bytes), name(o.name) {}

  T& operator[](index_at i) const { return at(i.v, i.line); }
  T& operator*() const { return at(0); }
  T* operator->() const { return &at(0); }
  T& at(long long i, unsigned line = 0) const {
    T* q = p + i;
    // Unsigned: an address below lo wraps to a huge offset. (bytes < sizeof(T): a reinterpretation as a type
    // larger than the whole array.)
    unsigned long long off = reinterpret_cast<unsigned long long>(q) - reinterpret_cast<unsigned long long>(lo);
    if (__builtin_expect(off > bytes - sizeof(T) || bytes < sizeof(T), 0)) thread_pointer_error(name, lo, bytes, q, sizeof(T), line);
    return *q;
  }
  explicit operator T*() const { return p; }
  explicit operator bool() const { return p != nullptr; }

  tptr operator+(long long i) const { tptr o = *this; o.p += i; return o; }
  tptr operator-(long long i) const { tptr o = *this; o.p -= i; return o; }
  friend tptr operator+(long long i, const tptr& a) { return a + i; }
  tptr& operator+=(long long i) { p += i; return *this; }
  tptr& operator-=(long long i) { p -= i; return *this; }
  tptr& operator++() { ++p; return *this; }
  tptr& operator--() { --p; return *this; }
  tptr operator++(int) { tptr o = *this; ++p; return o; }
  tptr operator--(int) { tptr o = *this; --p; return o; }
  // Hidden friends, so a thread array on either side converts (`p - acc`, `p < acc + 4`), and a pointer to
  // const meets one to non-const through the const one's.
  friend long long operator-(const tptr& a, const tptr& b) { return a.p - b.p; }
  friend bool operator==(const tptr& a, const tptr& b) { return a.p == b.p; }
  friend bool operator<(const tptr& a, const tptr& b) { return a.p < b.p; }
  friend bool operator<=(const tptr& a, const tptr& b) { return a.p <= b.p; }
  friend bool operator>(const tptr& a, const tptr& b) { return a.p > b.p; }
  friend bool operator>=(const tptr& a, const tptr& b) { return a.p >= b.p; }
  bool operator==(decltype(nullptr)) const { return p == nullptr; }
};

template <class P> struct is_thread_pointer<tptr<P>> { static constexpr bool value = true; };
// reinterpret_cast<thread uchar*>(p)
template <class P, class U> P reinterpret_ptr_cast(const tptr<U>& o) { return P(o); }

}  // namespace metal_rt
