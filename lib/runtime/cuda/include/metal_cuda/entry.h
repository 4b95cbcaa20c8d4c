// metal_stdlib for CUDA, part 6: what the entry glue of a translated kernel uses: the launch description
// passed by value to every kernel, Metal's thread-position attributes computed from CUDA's built-ins
// (threadgroup = block; a dispatchThreads launch covers the grid with whole blocks and the glue returns
// early for threads outside it; threads_per_threadgroup and the thread/simdgroup/quad indices are those
// of the actual, possibly partial, threadgroup), and parameter-type helpers.
#pragma once

#include "metal_cuda/types.h"

namespace metal_cuda {

using ::metal::uint;
using ::metal::uint3;

constexpr int kMaxThreadgroupBindings = 16;

// Must match struct LaunchInfo in lib/runtime/cuda/cuda_device.cpp.
struct Launch {
  uint grid[3];      // threads per grid (dispatchThreads) or threadgroups * threads per threadgroup
  uint threads_mode; // 1: dispatchThreads (bounds-checked), 0: dispatchThreadgroups
  uint tg_offset[kMaxThreadgroupBindings];  // byte offsets of [[threadgroup(i)]] buffers in dynamic shared memory
};

TM_D bool in_grid(const Launch& l) {
  if (!l.threads_mode) return true;
  return blockIdx.x * blockDim.x + threadIdx.x < l.grid[0] && blockIdx.y * blockDim.y + threadIdx.y < l.grid[1] &&
         blockIdx.z * blockDim.z + threadIdx.z < l.grid[2];
}

TM_D uint umin(uint a, uint b) { return a < b ? a : b; }
TM_D uint3 actual_tg(const Launch& l) {
  if (!l.threads_mode) return uint3(blockDim.x, blockDim.y, blockDim.z);
  return uint3(umin(blockDim.x, l.grid[0] - blockIdx.x * blockDim.x), umin(blockDim.y, l.grid[1] - blockIdx.y * blockDim.y),
               umin(blockDim.z, l.grid[2] - blockIdx.z * blockDim.z));
}

TM_D uint linear_in_tg(const Launch& l) {
  uint3 a = actual_tg(l);
  return threadIdx.x + threadIdx.y * a.x + threadIdx.z * a.x * a.y;
}

// The value of position attribute `id` (ids in the order of msl::position_attributes()).
TM_D uint3 position(const Launch& l, int id) {
  uint3 tg = actual_tg(l);
  uint vol = tg.x * tg.y * tg.z, dvol = blockDim.x * blockDim.y * blockDim.z;
  switch (id) {
    case 0: return uint3(blockIdx.x * blockDim.x + threadIdx.x, blockIdx.y * blockDim.y + threadIdx.y, blockIdx.z * blockDim.z + threadIdx.z);
    case 1: return uint3(threadIdx.x, threadIdx.y, threadIdx.z);
    case 2: return uint3(blockIdx.x, blockIdx.y, blockIdx.z);
    case 3: return tg;
    case 4: return uint3(gridDim.x, gridDim.y, gridDim.z);
    case 5: return uint3(linear_in_tg(l), 0u, 0u);
    case 6: return uint3(linear_in_tg(l) % 32u, 0u, 0u);
    case 7: return uint3(linear_in_tg(l) / 32u, 0u, 0u);
    case 8: return uint3((vol + 31u) / 32u, 0u, 0u);
    case 9: return uint3(32u, 0u, 0u);
    case 10: return uint3(l.grid[0], l.grid[1], l.grid[2]);
    case 11: return uint3(blockDim.x, blockDim.y, blockDim.z);
    case 12: return uint3(32u, 0u, 0u);
    case 13: return uint3(linear_in_tg(l) % 4u, 0u, 0u);
    case 14: return uint3(linear_in_tg(l) / 4u, 0u, 0u);
    case 15: return uint3((vol + 3u) / 4u, 0u, 0u);
    case 16: return uint3((dvol + 31u) / 32u, 0u, 0u);
    case 17: return uint3((dvol + 3u) / 4u, 0u, 0u);
    case 18: return uint3(0u, 0u, 0u);
    default: return uint3(l.grid[0], l.grid[1], l.grid[2]);
  }
}

// Converts a position to the parameter's declared type (a scalar takes x; a vector its first components).
template <class T> struct pos_cast {
  TM_D static T from(uint3 v) { return T(v.x); }
};
template <class E> struct pos_cast<::metal::vec<E, 2>> {
  TM_D static ::metal::vec<E, 2> from(uint3 v) { return ::metal::vec<E, 2>(E(v.x), E(v.y)); }
};
template <class E> struct pos_cast<::metal::vec<E, 3>> {
  TM_D static ::metal::vec<E, 3> from(uint3 v) { return ::metal::vec<E, 3>(E(v.x), E(v.y), E(v.z)); }
};

// Parameter types of a kernel function (its instantiation for templates).
template <int I, class... A> struct nth;
template <class A0, class... A> struct nth<0, A0, A...> { typedef A0 type; };
template <int I, class A0, class... A> struct nth<I, A0, A...> { typedef typename nth<I - 1, A...>::type type; };
template <class F, int I> struct param;
template <class... A, int I> struct param<void (*)(A...), I> { typedef typename nth<I, A...>::type type; };
template <class T> struct unref { typedef T type; };
template <class T> struct unref<T&> { typedef T type; };
template <class T> struct unconst { typedef T type; };
template <class T> struct unconst<const T> { typedef T type; };
template <class F, int I> using param_t = typename param<F, I>::type;
// A reference parameter's referenced type without const (constant T& arrives by value).
template <class F, int I> using value_t = typename unconst<typename unref<param_t<F, I>>::type>::type;
// A reference parameter's referenced type (device T& arrives as a pointer).
template <class F, int I> using referent_t = typename unref<param_t<F, I>>::type;

}  // namespace metal_cuda
