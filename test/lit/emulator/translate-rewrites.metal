// The emulator's MSL -> C++ rewrite (lib/runtime/emulator/translate.cpp), before and after.
// RUN: %triton-metal emulate %s --entry scale --print-cpp --constant 0=2.5 | FileCheck %s
#include <metal_stdlib>
using namespace metal;

constant float factor [[function_constant(0)]];
constant float bias [[function_constant(1)]];
constant bool has_bias = is_function_constant_defined(bias);

kernel void scale(const device float4* in [[buffer(0)]],
                  device float4* out [[buffer(1)]],
                  constant uint& n [[buffer(2)]],
                  uint gid [[thread_position_in_grid]],
                  uint tid [[thread_position_in_threadgroup]])
{
    threadgroup float4 tile[64];
    tile[tid] = in[gid];
    threadgroup_barrier(mem_flags::mem_threadgroup);
    float4 v = tile[tid];
    v.xy = v.yx * 2.0h;
    out[gid] = v * factor;
}
// CHECK:      #include <metal_rt/all.h>
// CHECK-NEXT: #line 1 "{{.*}}translate-rewrites.metal"
// CHECK:      static constexpr float factor = float(2.5); static constexpr bool factor__tm_defined = true;
// CHECK-NEXT: static constexpr float bias = float(); static constexpr bool bias__tm_defined = false;
// CHECK-NEXT: static const bool has_bias = (bias__tm_defined);
// CHECK:      void scale({{ *}}::metal_rt::ptr<const float4> in ,
// CHECK-NEXT:                   ::metal_rt::ptr<float4> out ,
// CHECK-NEXT:                   const uint & n ,
// CHECK-NEXT:                   uint gid ,
// CHECK-NEXT:                   uint tid )
// CHECK:      static thread_local ::metal_rt::tg_array<float4, (64)> tile__tm_storage; auto& tile = ::metal_rt::tg_register(tile__tm_storage, "tile");
// CHECK:      v.template sw<0, 1>() = v.template sw<1, 0>() * ::metal_rt::half_lit(2.0);
// CHECK:      #line 1 "<emulator entry glue>"
// CHECK:      ::metal_rt::invoke(&scale, c, ::metal_rt::Arg{0, 0, "in"}, ::metal_rt::Arg{0, 1, "out"}, ::metal_rt::Arg{0, 2, "n"}, ::metal_rt::Arg{2, 0, "gid"}, ::metal_rt::Arg{2, 1, "tid"});
