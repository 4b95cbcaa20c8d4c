// A header-only operator library in the style of public Metal ML kernels: functor structs, type traits,
// numeric limits. Shared with host code through __METAL__ (the device branch is taken here).
#pragma once
#include <metal_stdlib>
#include "corpus/bf16_math.h"

#ifdef __METAL__
#define CORPUS_DEVICE METAL_FUNC
#else
#error "corpus/ops.h: the Metal branch must be taken (__METAL__ is predefined by Metal's compiler)"
#endif

using namespace metal;

namespace corpus {

static constexpr constant int kSimdSize = 32;

template <typename T> struct AccumType { using type = float; };
template <> struct AccumType<int> { using type = int; };

struct Exp {
  template <typename T> CORPUS_DEVICE T operator()(T x) const { return fast::exp(x); }
};
struct Sigmoid {
  template <typename T> CORPUS_DEVICE T operator()(T x) const {
    float y = 1.0f / (1.0f + fast::exp(-static_cast<float>(x)));
    return static_cast<T>(y);
  }
};
struct Gelu {
  template <typename T> CORPUS_DEVICE T operator()(T x) const {
    float v = static_cast<float>(x);
    return static_cast<T>(0.5f * v * (1.0f + precise::tanh(0.7978845608f * (v + 0.044715f * v * v * v))));
  }
};
struct Add {
  template <typename T> CORPUS_DEVICE T operator()(T a, T b) const { return a + b; }
};
struct Mul {
  template <typename T> CORPUS_DEVICE T operator()(T a, T b) const { return a * b; }
};

template <typename T, typename = metal::enable_if_t<metal::is_floating_point_v<T>>>
CORPUS_DEVICE float to_float(T x) { return static_cast<float>(x); }

template <typename T> CORPUS_DEVICE T lowest() { return metal::numeric_limits<T>::lowest(); }

// Element offset of linear index `i` in an N-d strided array.
template <typename IdxT = int64_t>
CORPUS_DEVICE IdxT elem_to_loc(uint i, constant const int* shape, constant const int64_t* strides, int ndim) {
  IdxT loc = 0;
  for (int d = ndim - 1; d >= 0 && i > 0; --d) {
    loc += IdxT(i % uint(shape[d])) * strides[d];
    i /= uint(shape[d]);
  }
  return loc;
}

}  // namespace corpus
