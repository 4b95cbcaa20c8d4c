// bfloat overloads of the math functions in metal, metal::fast and metal::precise, written the way ML
// framework headers do it (compute in float, convert back explicitly). Included by path (-I).
#pragma once
#include <metal_stdlib>

#define CORPUS_BF16_UNARY(name)                                                                                \
  METAL_FUNC bfloat name(bfloat x) { return static_cast<bfloat>(__metal_##name(static_cast<float>(x), __METAL_MAYBE_FAST_MATH__)); }

namespace metal {
#define CORPUS_BF16_ALL \
  CORPUS_BF16_UNARY(exp) CORPUS_BF16_UNARY(log) CORPUS_BF16_UNARY(tanh) CORPUS_BF16_UNARY(rsqrt) CORPUS_BF16_UNARY(sqrt) \
  CORPUS_BF16_UNARY(sin) CORPUS_BF16_UNARY(cos)
CORPUS_BF16_ALL
namespace fast {
CORPUS_BF16_ALL
}
namespace precise {
CORPUS_BF16_ALL
}
}  // namespace metal
