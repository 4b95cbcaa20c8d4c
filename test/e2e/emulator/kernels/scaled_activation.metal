// A templated kernel specialized by function constants: y = act(scale * x + bias) over a 2D grid, with
// the activation chosen by a function constant, an optional bias (is_function_constant_defined), and the
// element type a template parameter instantiated under two host names.
#include <metal_stdlib>
using namespace metal;

constant float scale      [[function_constant(0)]];
constant int activation   [[function_constant(1)]];   // 0 identity, 1 relu, 2 tanh-gelu
constant float bias_value [[function_constant(2)]];
constant bool has_bias = is_function_constant_defined(bias_value);

template <typename T>
inline T activate(T v) {
    if (activation == 1) {
        return max(v, T(0));
    } else if (activation == 2) {
        float f = float(v);
        return T(0.5f * f * (1.0f + precise::tanh(0.7978845608f * (f + 0.044715f * f * f * f))));
    }
    return v;
}

template <typename T>
kernel void scaled_activation(device const T* x    [[buffer(0)]],
                              device T* y          [[buffer(1)]],
                              constant uint2& size [[buffer(2)]],   // (cols, rows)
                              uint2 pos [[thread_position_in_grid]])
{
    if (any(pos >= size)) {
        return;
    }
    uint i = pos.y * size.x + pos.x;
    float v = scale * float(x[i]);
    if (has_bias) {
        v += bias_value;
    }
    y[i] = activate(T(v));
}

template [[host_name("scaled_activation_f32")]] kernel void scaled_activation<float>(device const float*, device float*, constant uint2&, uint2);
template [[host_name("scaled_activation_f16")]] kernel void scaled_activation<half>(device const half*, device half*, constant uint2&, uint2);
