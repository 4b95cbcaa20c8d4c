// Checked thread-private arrays: the translator rewrites an array declared in a function body,
// `float acc[4][8];`, into `thread_array<float, array_name{"acc"}, 4, 8>`, which has the layout of the
// array, decays to a pointer to its first element like it, and checks every index of every dimension (an
// out-of-bounds index stops the launch with the kernel, the array, the index and the thread, where the
// plain array would read another variable's stack slot or crash). It converts to a checked thread pointer
// (tptr, thread_pointer.h) that knows its extent, and to a plain pointer.
#pragma once

#include "metal_rt/thread_pointer.h"

namespace metal_rt {

// The array's name as a template argument (for the message).
template <unsigned long N>
struct array_name {
  char s[N];
  constexpr array_name(const char (&v)[N]) {
    for (unsigned long i = 0; i < N; ++i) s[i] = v[i];
  }
};

template <class T, array_name Name, unsigned long N, unsigned long... R> struct thread_array;
template <class T, array_name Name, unsigned long... R> struct thread_elem { using type = thread_array<T, Name, R...>; };
template <class T, array_name Name> struct thread_elem<T, Name> { using type = T; };

[[noreturn]] __attribute__((noinline)) inline void thread_index_error(const char* name, long long i, unsigned long extent) {
  char thread[256], msg[1024];
  describe_thread(thread, sizeof thread);
  snprintf(msg, sizeof msg, "kernel '%s': out-of-bounds index %lld into thread array '%s' (dimension of extent %lu) by %s",
           current_kernel(), i, name, extent, thread);
  fail(msg);
}

template <class T, array_name Name, unsigned long N, unsigned long... R>
struct thread_array {
  using elem = typename thread_elem<T, Name, R...>::type;
  elem a[N];
  // A template so it is an exact match for every index type (the built-in subscript through the decay to a
  // pointer would otherwise be ambiguous).
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0> constexpr elem& operator[](I i) {
    if (__builtin_expect(static_cast<unsigned long long>(static_cast<long long>(i)) >= N, 0))
      thread_index_error(Name.s, static_cast<long long>(i), N);
    return a[i];
  }
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0> constexpr const elem& operator[](I i) const {
    if (__builtin_expect(static_cast<unsigned long long>(static_cast<long long>(i)) >= N, 0))
      thread_index_error(Name.s, static_cast<long long>(i), N);
    return a[i];
  }
  constexpr operator elem*() { return a; }
  constexpr operator const elem*() const { return a; }
  template <class U, std::enable_if_t<std::is_convertible_v<elem*, U*>, int> = 0> operator tptr<U>() {
    return tptr<U>(a, reinterpret_cast<const char*>(a), sizeof(a), Name.s);
  }
  template <class U, std::enable_if_t<std::is_convertible_v<const elem*, U*>, int> = 0> operator tptr<U>() const {
    return tptr<U>(a, reinterpret_cast<const char*>(a), sizeof(a), Name.s);
  }
  tptr<elem> operator+(long long i) { return tptr<elem>(*this) + i; }
  tptr<const elem> operator+(long long i) const { return tptr<const elem>(*this) + i; }
  tptr<elem> operator-(long long i) { return tptr<elem>(*this) - i; }
  tptr<const elem> operator-(long long i) const { return tptr<const elem>(*this) - i; }
  constexpr elem* begin() { return a; }
  constexpr elem* end() { return a + N; }
  constexpr const elem* begin() const { return a; }
  constexpr const elem* end() const { return a + N; }
};

// reinterpret_cast<thread uchar*>(acc)
template <class P, class T, array_name Name, unsigned long N, unsigned long... R> P reinterpret_ptr_cast(thread_array<T, Name, N, R...>& a) {
  return P(tptr<typename thread_array<T, Name, N, R...>::elem>(a));
}

}  // namespace metal_rt
