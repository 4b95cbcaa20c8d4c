// Program-scope constant tables and objects (one built from a string literal, as logging helpers do),
// `static constexpr constant`, `constant const T*` and `const constant auto*`, casts of element addresses to
// vector pointers of another address space, shared host/device code under __METAL_VERSION__, and a thread
// array checked on every index.
#include <metal_stdlib>
using namespace metal;

static constexpr constant int kTableSize = 16;
constant float kTable[kTableSize] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 2.5f, 3.0f, 3.5f,
                                     4.0f, 4.5f, 5.0f, 5.5f, 6.0f, 6.5f, 7.0f, 7.5f};

struct Tag {
  constant char* name;
  int level;
  constexpr Tag(constant char* n, int l) : name(n), level(l) {}
};
constant Tag kTag("corpus.misc", 2);

#if defined(__METAL_VERSION__) && __METAL_VERSION__ >= 300
#define CORPUS_SCALE 3.0f
#else
#define CORPUS_SCALE 1.0f  // the host branch: must not be taken
#endif

// out[i] = table[idx[i] % 16] * scale + level
kernel void lut_apply(constant const uint* idx [[buffer(0)]], device float* out [[buffer(1)]], uint i [[thread_position_in_grid]]) {
  const constant auto* table = kTable;
  out[i] = table[idx[i] % kTableSize] * CORPUS_SCALE + float(kTag.level);
}

// Horner evaluation of a polynomial whose coefficients come from a constant buffer; a thread array holds
// the powers.
template <typename T, int Degree>
[[kernel]] void polyval(device const T* x [[buffer(0)]], constant const T* coef [[buffer(1)]], device T* out [[buffer(2)]],
                        uint i [[thread_position_in_grid]]) {
  T acc = coef[Degree];
  for (int d = Degree - 1; d >= 0; --d) acc = acc * x[i] + coef[d];
  T powers[Degree + 1];
  powers[0] = T(1);
  for (int d = 1; d <= Degree; ++d) powers[d] = powers[d - 1] * x[i];
  T direct = 0;
  for (int d = 0; d <= Degree; ++d) direct += coef[d] * powers[d];
  out[i] = (acc + direct) / T(2);
}
template [[host_name("polyval_float32_deg4")]] [[kernel]] decltype(polyval<float, 4>) polyval<float, 4>;

// Sum of float4 chunks staged in threadgroup memory, read back through a vector pointer cast from an
// element address.
kernel void stage_vec4(device const float* in [[buffer(0)]], device float* out [[buffer(1)]],
                       uint lid [[thread_position_in_threadgroup]], uint tg [[threadgroup_position_in_grid]]) {
  threadgroup float stage[128];
  for (uint k = 0; k < 4; ++k) stage[lid * 4 + k] = in[tg * 128 + lid * 4 + k];
  threadgroup_barrier(mem_flags::mem_threadgroup);
  threadgroup float4* v = (threadgroup float4*)(&stage[((lid + 1) % 32) * 4]);
  float4 q = *v;
  out[tg * 32 + lid] = q.x + q.y + q.z + q.w;
}

// Per-type behavior through in-class explicit specializations (accepted by Metal's clang-based compiler).
struct Widen {
  template <typename T> static float apply(T x) { return static_cast<float>(x); }
  template <> float apply<int>(int x) { return static_cast<float>(x) / 256.0f; }
  template <typename T> struct Bias { static constexpr constant float value = 0.0f; };
  template <> struct Bias<int> { static constexpr constant float value = 0.5f; };
};
kernel void widen_mixed(device const int* qi [[buffer(0)]], device const half* xh [[buffer(1)]], device float* out [[buffer(2)]],
                        uint i [[thread_position_in_grid]]) {
  out[i] = Widen::apply(qi[i]) + Widen::Bias<int>::value + Widen::apply(xh[i]) + Widen::Bias<half>::value;
}
