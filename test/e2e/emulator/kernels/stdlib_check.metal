// Exercises metal_stdlib on the emulator: math (incl. fast:: and precise::), common and integer
// functions, vectors, swizzles, packed vectors, as_type, select, and half / bfloat rounding.
#include <metal_stdlib>
using namespace metal;

kernel void math_functions(device const float* x   [[buffer(0)]],
                           device float* out       [[buffer(1)]],   // 16 results per element
                           constant uint& n        [[buffer(2)]],
                           uint i [[thread_position_in_grid]])
{
    if (i >= n) return;
    float v = x[i];               // in (-2, 2)
    device float* o = out + i * 16;
    o[0] = exp(v);
    o[1] = fast::exp2(v);
    o[2] = precise::log(fabs(v) + 1.0f);
    o[3] = sqrt(fabs(v));
    o[4] = rsqrt(fabs(v) + 0.5f);
    o[5] = sin(v) + cos(v);
    o[6] = tanh(v);
    o[7] = clamp(v, -0.5f, 0.5f);
    o[8] = mix(v, 1.0f, 0.25f);
    o[9] = fma(v, v, 1.0f);
    o[10] = saturate(v);
    o[11] = select(v, -v, v < 0.0f);
    o[12] = pow(fabs(v), 1.5f);
    o[13] = floor(v * 3.0f) + fract(v);
    o[14] = max(v, 0.25f) - min(v, -0.25f);
    o[15] = atan2(v, 1.5f);
}

kernel void vector_and_integer(device const float4* x [[buffer(0)]],
                               device float4* out     [[buffer(1)]],
                               device int4* iout      [[buffer(2)]],
                               device packed_float3* packed [[buffer(3)]],
                               uint i [[thread_position_in_grid]])
{
    float4 v = x[i];
    float4 w = v.wzyx;
    w.xy = w.yx * 2.0f;
    w.zw += float2(1.0f, -1.0f);
    float3 c = cross(v.xyz, float3(0.0f, 0.0f, 1.0f));
    out[i * 2] = w;
    out[i * 2 + 1] = float4(c, dot(v, v) + length(v.xy) + abs(v.w));
    int4 k = int4(v * 100.0f);
    uint bits = as_type<uint>(v.x);
    iout[i * 2] = int4(popcount(uint(abs(k.x))), clz(uint(abs(k.y)) + 1u), ctz(uint(abs(k.z)) | 256u), abs_diff(k.x, k.y));
    iout[i * 2 + 1] = int4(mulhi(k.x, 123456789), int(bits >> 23), max(k.z, k.w), select(0, 1, all(v > -10.0f)));
    packed[i] = packed_float3(v.xyz) + packed_float3(1.0f);
}

kernel void half_bfloat(device const float* x    [[buffer(0)]],
                        device half* h           [[buffer(1)]],
                        device bfloat* b         [[buffer(2)]],
                        device half* hsum        [[buffer(3)]],
                        device ushort* roundtrip [[buffer(4)]],
                        uint i [[thread_position_in_grid]])
{
    h[i] = half(x[i]);
    b[i] = bfloat(x[i]);
    half a = half(x[i]);
    hsum[i] = a * a + 1.0h;                         // computed in half
    half r = as_type<half>(ushort(i));              // every half bit pattern
    roundtrip[i] = isnan(r) ? ushort(0x7e00) : as_type<ushort>(half(float(r)));
}
