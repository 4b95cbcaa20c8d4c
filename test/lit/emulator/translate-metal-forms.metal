// The emulator's rewrites of Metal forms C++ lacks (lib/runtime/emulator/translate.cpp), before and after:
// float literals, constant declarations, address-space member functions, array parameters, implicit
// buffer indices, decltype instantiations, pointer casts of element addresses, thread arrays.
// RUN: %triton-metal emulate %s --entry scale_float --print-cpp | FileCheck %s
#include <metal_stdlib>
using namespace metal;

static constexpr constant int N = 4;
constant float table[N] = {1.0, 2.0, 3.0, 4.0};

struct Pair {
  float a, b;
  float sum() const thread { return a + b; }
  float sum() const device { return a + b; }
};

template <typename T>
[[kernel]] void scale(device T* out, constant const int64_t strides[2] [[buffer(3)]],
                      uint gid [[thread_position_in_grid]], uint lid [[thread_position_in_threadgroup]]) {
  threadgroup float stage[64];
  float acc[N];
  for (int k = 0; k < N; ++k) acc[k] = table[k] * 0.5;
  threadgroup float4* v = (threadgroup float4*)(&stage[lid * 4]);
  out[gid * strides[0]] = T(acc[gid % N]) + T((*v).x);
}
template [[host_name("scale_float")]] [[kernel]] decltype(scale<float>) scale<float>;
// CHECK:      static constexpr int N = 4;
// CHECK-NEXT: static const float table[N] = {1.0f, 2.0f, 3.0f, 4.0f};
// CHECK:      float sum() const { return a + b; }
// CHECK-NOT:  float sum() const { return a + b; }
// CHECK:      void scale(::metal_rt::ptr<T> out, ::metal_rt::ptr<const int64_t> strides ,
// CHECK:      ::metal_rt::thread_array<float, ::metal_rt::array_name{"acc"}, (N)> acc;
// CHECK-NEXT: for (int k = 0; k < N; ++k) acc[k] = table[k] * 0.5f;
// CHECK-NEXT: ::metal_rt::ptr<float4> v = ::metal_rt::reinterpret_ptr_cast<::metal_rt::ptr<float4>>((&stage[lid * 4]));
// CHECK-NOT:  decltype
// CHECK:      ::metal_rt::invoke(&scale<float>, c, ::metal_rt::Arg{0, 0, "out"}, ::metal_rt::Arg{0, 3, "strides"},
