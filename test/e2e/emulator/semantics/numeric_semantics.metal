// Metal's numeric semantics where C++ differs: fast::/precise:: are namespaces of their own (a header adding
// bfloat overloads there must not capture float calls), float -> bfloat is explicit, unsuffixed floating
// literals are float, `h` literals are half, integer -> bfloat rounds once.
#include <metal_stdlib>
using namespace metal;

// What a bfloat math header does (the style of real ML framework code): bfloat overloads in metal,
// metal::fast and metal::precise, computing in float.
#define TM_BF16_UNARY(ns, name) \
  namespace ns { METAL_FUNC bfloat name(bfloat x) { return static_cast<bfloat>(metal::name(static_cast<float>(x))); } }
namespace metal {
TM_BF16_UNARY(fast, exp)
TM_BF16_UNARY(fast, rsqrt)
TM_BF16_UNARY(fast, tanh)
TM_BF16_UNARY(precise, exp)
TM_BF16_UNARY(precise, log)
TM_BF16_UNARY(precise, sqrt)
}  // namespace metal

kernel void bfloat_overloads(device const float* x [[buffer(0)]], device float* out [[buffer(1)]],
                             device bfloat* bout [[buffer(2)]], uint i [[thread_position_in_grid]]) {
  float v = x[i];
  out[i * 6 + 0] = fast::exp(v);
  out[i * 6 + 1] = fast::rsqrt(v + 2.0f);
  out[i * 6 + 2] = fast::tanh(v);
  out[i * 6 + 3] = precise::exp(v);
  out[i * 6 + 4] = precise::log(v + 2.0f);
  out[i * 6 + 5] = precise::sqrt(v + 2.0f);
  bout[i] = fast::exp(bfloat(v));  // the bfloat overload: rounded to bfloat
}

// a + 1.0 - a with a = 2^24 is 0 in float (1 in double); x * 0.1 is x * 0.1f.
kernel void literals(device const float* x [[buffer(0)]], device float* out [[buffer(1)]], uint i [[thread_position_in_grid]]) {
  float a = x[0];
  out[i * 4 + 0] = a + 1.0 - a;
  out[i * 4 + 1] = x[i + 1] * 0.1;
  out[i * 4 + 2] = x[i + 1] / 3.0 + 1e-3;
  out[i * 4 + 3] = 0x1.8p1 * x[i + 1];
}

// Half literals round once from their decimal value; integer -> bfloat and -> half round once.
kernel void conversions(device const int* n [[buffer(0)]], device ushort* bits [[buffer(1)]], uint i [[thread_position_in_grid]]) {
  half lits[4] = {0.1h, 1.000488282h, 65519.99h, 3.14159h};  // 1.000488282: just above a tie, which float rounds onto
  bits[i * 6 + 0] = as_type<ushort>(lits[i % 4]);
  bits[i * 6 + 1] = as_type<ushort>(bfloat(n[i]));
  bits[i * 6 + 2] = as_type<ushort>(half(n[i] % 65536));
  bits[i * 6 + 3] = as_type<ushort>(half(float(n[i] % 4096) * 0.25f));
  uchar a = uchar(n[i] & 255), b = uchar((n[i] >> 8) & 255);
  bits[i * 6 + 4] = ushort(a + b);      // promoted to int: up to 510
  uchar c = a + b;                      // then converted back: wraps
  bits[i * 6 + 5] = ushort(c);
}

// numeric_limits and the type traits of metal_stdlib.
template <typename T> METAL_FUNC float lim_max() { return float(metal::numeric_limits<T>::max()); }
kernel void limits(device float* out [[buffer(0)]], uint i [[thread_position_in_grid]]) {
  if (i != 0) return;
  out[0] = lim_max<half>();
  out[1] = float(numeric_limits<half>::epsilon());
  out[2] = lim_max<bfloat>();
  out[3] = float(numeric_limits<bfloat>::epsilon());
  out[4] = numeric_limits<float>::max();
  out[5] = float(numeric_limits<int>::max());
  out[6] = float(numeric_limits<half>::lowest());
  out[7] = isinf(float(numeric_limits<bfloat>::infinity())) ? 1.0f : 0.0f;
  out[8] = is_floating_point_v<half> && is_floating_point<bfloat>::value && !is_floating_point_v<int> ? 1.0f : 0.0f;
  out[9] = is_same_v<metal::enable_if_t<true, float>, float> && is_arithmetic_v<bfloat> ? 1.0f : 0.0f;
}
