// Metal atomics on the host: atomic<T> (atomic_int, atomic_uint, atomic_bool, atomic_float) with the
// atomic_*_explicit functions, on device and threadgroup memory. Implemented with the compiler's
// __atomic builtins, so they are real atomics across the host threads that run threadgroups.
#pragma once

#include "metal_rt/pointers.h"

namespace metal {

enum memory_order { memory_order_relaxed, memory_order_acquire, memory_order_release, memory_order_acq_rel, memory_order_seq_cst };

template <class T> struct atomic { T value; };
using atomic_int = atomic<int>;
using atomic_uint = atomic<unsigned int>;
using atomic_bool = atomic<bool>;
using atomic_float = atomic<float>;
using atomic_ulong = atomic<unsigned long>;

// The access that produced the atomic's address is not a plain read or write (metal_rt::watch_atomic): atomics
// are counted as threadgroup bytes written and never race.
template <class T> T* atomic_addr(atomic<T>* a) { metal_rt::watch_atomic(a, sizeof(T)); return &a->value; }
template <class T> T* atomic_addr(volatile atomic<T>* a) { metal_rt::watch_atomic(const_cast<atomic<T>*>(a), sizeof(T)); return const_cast<T*>(&a->value); }
template <class T> T* atomic_addr(const metal_rt::ptr<atomic<T>>& a) { T* v = &(*a).value; metal_rt::watch_atomic(v, sizeof(T)); return v; }

template <class A> using atomic_value_t = std::remove_cvref_t<decltype(*atomic_addr(std::declval<A>()))>;

// The generic __atomic builtins work for float as well as integers.
template <class A, class V> void atomic_store_explicit(A obj, V v, memory_order = memory_order_relaxed) {
  atomic_value_t<A> x = static_cast<atomic_value_t<A>>(v);
  __atomic_store(atomic_addr(obj), &x, __ATOMIC_SEQ_CST);
}
template <class A> auto atomic_load_explicit(A obj, memory_order = memory_order_relaxed) {
  atomic_value_t<A> r;
  __atomic_load(atomic_addr(obj), &r, __ATOMIC_SEQ_CST);
  return r;
}
template <class A, class V> auto atomic_exchange_explicit(A obj, V v, memory_order = memory_order_relaxed) {
  atomic_value_t<A> x = static_cast<atomic_value_t<A>>(v), r;
  __atomic_exchange(atomic_addr(obj), &x, &r, __ATOMIC_SEQ_CST);
  return r;
}
template <class A, class E, class V>
bool atomic_compare_exchange_weak_explicit(A obj, E expected, V desired, memory_order = memory_order_relaxed, memory_order = memory_order_relaxed) {
  using T = atomic_value_t<A>;
  T* want = &expected[0];
  T d = static_cast<T>(desired);
  return __atomic_compare_exchange(atomic_addr(obj), want, &d, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
template <class A, class E, class V>
bool atomic_compare_exchange_strong_explicit(A obj, E expected, V desired, memory_order = memory_order_relaxed, memory_order = memory_order_relaxed) {
  using T = atomic_value_t<A>;
  T* want = &expected[0];
  T d = static_cast<T>(desired);
  return __atomic_compare_exchange(atomic_addr(obj), want, &d, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

// Read-modify-write through a compare-exchange loop (float add, min/max on any type).
template <class T, class F> T atomic_rmw(T* p, F f) {
  T old;
  __atomic_load(p, &old, __ATOMIC_SEQ_CST);
  T next = f(old);
  while (!__atomic_compare_exchange(p, &old, &next, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) next = f(old);
  return old;
}

#define TM_ATOMIC_RMW(name, builtin, expr)                                                            \
  template <class A, class V> auto atomic_fetch_##name##_explicit(A obj, V v, memory_order = memory_order_relaxed) { \
    using T = atomic_value_t<A>;                                                                      \
    T x = static_cast<T>(v);                                                                          \
    if constexpr (std::is_integral_v<T> && builtin) {                                                 \
      return TM_ATOMIC_BUILTIN_##name(atomic_addr(obj), x);                                           \
    } else {                                                                                          \
      return atomic_rmw(atomic_addr(obj), [x](T old) { return static_cast<T>(expr); });               \
    }                                                                                                 \
  }
#define TM_ATOMIC_BUILTIN_add(p, x) __atomic_fetch_add(p, x, __ATOMIC_SEQ_CST)
#define TM_ATOMIC_BUILTIN_sub(p, x) __atomic_fetch_sub(p, x, __ATOMIC_SEQ_CST)
#define TM_ATOMIC_BUILTIN_and(p, x) __atomic_fetch_and(p, x, __ATOMIC_SEQ_CST)
#define TM_ATOMIC_BUILTIN_or(p, x) __atomic_fetch_or(p, x, __ATOMIC_SEQ_CST)
#define TM_ATOMIC_BUILTIN_xor(p, x) __atomic_fetch_xor(p, x, __ATOMIC_SEQ_CST)
#define TM_ATOMIC_BUILTIN_min(p, x) atomic_rmw(p, [x](T old) { return old < x ? old : x; })
#define TM_ATOMIC_BUILTIN_max(p, x) atomic_rmw(p, [x](T old) { return old < x ? x : old; })
TM_ATOMIC_RMW(add, true, old + x)
TM_ATOMIC_RMW(sub, true, old - x)
TM_ATOMIC_RMW(and, true, old & x)
TM_ATOMIC_RMW(or, true, old | x)
TM_ATOMIC_RMW(xor, true, old ^ x)
TM_ATOMIC_RMW(min, true, (x < old ? x : old))
TM_ATOMIC_RMW(max, true, (old < x ? x : old))
#undef TM_ATOMIC_RMW

}  // namespace metal
