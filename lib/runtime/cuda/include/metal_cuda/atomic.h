// metal_stdlib for CUDA, part 4: Metal atomics (atomic_int, atomic_uint, atomic_float, atomic_bool, ...) on
// device and threadgroup memory as CUDA atomics. Metal offers only memory_order_relaxed; CUDA's atomics are
// relaxed too. The types are trivial so they can live in __shared__ arrays.
#pragma once

#include "metal_cuda/types.h"

namespace metal {

enum memory_order { memory_order_relaxed, memory_order_acquire, memory_order_release, memory_order_acq_rel, memory_order_seq_cst };
enum thread_scope { thread_scope_thread, thread_scope_simdgroup, thread_scope_threadgroup, thread_scope_device };

template <class T> struct atomic {
  T v;
};
typedef atomic<int> atomic_int;
typedef atomic<uint> atomic_uint;
typedef atomic<float> atomic_float;
typedef atomic<bool> atomic_bool;
typedef atomic<ulong> atomic_ulong;
typedef atomic<long> atomic_long;

template <class T, class U> TM_D void atomic_store_explicit(volatile atomic<T>* a, U v, memory_order = memory_order_relaxed) {
  a->v = T(v);
}
template <class T> TM_D T atomic_load_explicit(const volatile atomic<T>* a, memory_order = memory_order_relaxed) {
  return a->v;
}
template <class T, class U> TM_D void atomic_store_explicit(volatile atomic<T>* a, U v, memory_order, thread_scope) { a->v = T(v); }
template <class T> TM_D T atomic_load_explicit(const volatile atomic<T>* a, memory_order, thread_scope) { return a->v; }

namespace tm_detail {
// CUDA's atomics take the plain (non-volatile) address.
template <class T> TM_D T* addr(volatile atomic<T>* a) { return const_cast<T*>(&a->v); }
template <class T> struct cuda_word { typedef T type; };
template <> struct cuda_word<long> { typedef unsigned long long type; };
template <> struct cuda_word<ulong> { typedef unsigned long long type; };
template <class T> TM_D typename cuda_word<T>::type* word(volatile atomic<T>* a) {
  return reinterpret_cast<typename cuda_word<T>::type*>(addr(a));
}
}  // namespace tm_detail

// U is deduced separately so integer literals (1, 1u) work with any atomic type.
template <class T, class U> TM_D T atomic_fetch_add_explicit(volatile atomic<T>* a, U v, memory_order = memory_order_relaxed) {
  return T(atomicAdd(tm_detail::word(a), typename tm_detail::cuda_word<T>::type(T(v))));
}
template <class T, class U> TM_D T atomic_fetch_sub_explicit(volatile atomic<T>* a, U v, memory_order = memory_order_relaxed) {
  if constexpr (is_same<T, float>::value) return atomicAdd(tm_detail::addr(a), -float(v));
  else return T(atomicSub(tm_detail::word(a), typename tm_detail::cuda_word<T>::type(T(v))));
}
template <class T, class U> TM_D T atomic_fetch_min_explicit(volatile atomic<T>* a, U v, memory_order = memory_order_relaxed) {
  return T(atomicMin(tm_detail::addr(a), T(v)));
}
template <class T, class U> TM_D T atomic_fetch_max_explicit(volatile atomic<T>* a, U v, memory_order = memory_order_relaxed) {
  return T(atomicMax(tm_detail::addr(a), T(v)));
}
template <class T, class U> TM_D T atomic_fetch_and_explicit(volatile atomic<T>* a, U v, memory_order = memory_order_relaxed) {
  return T(atomicAnd(tm_detail::addr(a), T(v)));
}
template <class T, class U> TM_D T atomic_fetch_or_explicit(volatile atomic<T>* a, U v, memory_order = memory_order_relaxed) {
  return T(atomicOr(tm_detail::addr(a), T(v)));
}
template <class T, class U> TM_D T atomic_fetch_xor_explicit(volatile atomic<T>* a, U v, memory_order = memory_order_relaxed) {
  return T(atomicXor(tm_detail::addr(a), T(v)));
}
template <class T, class U> TM_D T atomic_exchange_explicit(volatile atomic<T>* a, U v, memory_order = memory_order_relaxed) {
  if constexpr (is_same<T, bool>::value) {
    return atomicExch(reinterpret_cast<unsigned*>(tm_detail::addr(a)), unsigned(v)) != 0;
  } else {
    return T(atomicExch(tm_detail::word(a), typename tm_detail::cuda_word<T>::type(T(v))));
  }
}
// Metal's weak compare-exchange never fails spuriously here.
template <class T, class U>
TM_D bool atomic_compare_exchange_weak_explicit(volatile atomic<T>* a, T* expected, U desired, memory_order = memory_order_relaxed,
                                                memory_order = memory_order_relaxed) {
  T want = *expected;
  T old;
  if constexpr (is_same<T, float>::value) {
    old = __int_as_float(atomicCAS(reinterpret_cast<int*>(tm_detail::addr(a)), __float_as_int(want), __float_as_int(float(desired))));
    if (__float_as_int(old) == __float_as_int(want)) return true;
  } else {
    old = T(atomicCAS(tm_detail::word(a), typename tm_detail::cuda_word<T>::type(want), typename tm_detail::cuda_word<T>::type(T(desired))));
    if (old == want) return true;
  }
  *expected = old;
  return false;
}

}  // namespace metal
