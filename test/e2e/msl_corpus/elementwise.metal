// Elementwise kernels: templates over type and functor, instantiated by a macro through
// `template [[host_name]] [[kernel]] decltype(...)`, implicit buffer indices, function constants, a
// header-only library included by path (-I include).
#include <metal_stdlib>
#include "corpus/ops.h"
using namespace metal;

template <typename T, typename Op>
[[kernel]] void unary_v(device const T* in, device T* out, constant uint& n, uint gid [[thread_position_in_grid]]) {
  if (gid < n) out[gid] = Op()(in[gid]);
}

#define instantiate_unary(name, T, Op) \
  template [[host_name(name)]] [[kernel]] decltype(unary_v<T, Op>) unary_v<T, Op>;
instantiate_unary("vexp_float32", float, corpus::Exp)
instantiate_unary("vsigmoid_float16", half, corpus::Sigmoid)
instantiate_unary("vgelu_bfloat16", bfloat, corpus::Gelu)

// out[i, j] = op(a[i * a_stride0 + j * a_stride1], b[...]): broadcasting through zero strides.
template <typename T, typename Op>
[[kernel]] void binary_g(device const T* a [[buffer(0)]], device const T* b [[buffer(1)]], device T* out [[buffer(2)]],
                         constant const int64_t a_strides[2] [[buffer(3)]], constant const int64_t b_strides[2] [[buffer(4)]],
                         uint2 pos [[thread_position_in_grid]], uint2 size [[threads_per_grid]]) {
  int64_t ia = pos.y * a_strides[0] + pos.x * a_strides[1];
  int64_t ib = pos.y * b_strides[0] + pos.x * b_strides[1];
  out[pos.y * size.x + pos.x] = Op()(a[ia], b[ib]);
}
template [[host_name("binary_add_float32")]] [[kernel]] decltype(binary_g<float, corpus::Add>) binary_g<float, corpus::Add>;
template [[host_name("binary_mul_float16")]] [[kernel]] decltype(binary_g<half, corpus::Mul>) binary_g<half, corpus::Mul>;

// y = alpha * x + beta * y (+ bias), alpha/beta/has_bias as function constants.
constant float alpha [[function_constant(0)]];
constant float beta [[function_constant(1)]];
constant bool has_bias [[function_constant(2)]];
constant bool use_bias = is_function_constant_defined(has_bias) && has_bias;

kernel void axpby(device const float* x, device float* y, device const float* bias, uint gid [[thread_position_in_grid]]) {
  float v = alpha * x[gid] + beta * y[gid];
  if (use_bias) v += bias[gid];
  y[gid] = v;
}
