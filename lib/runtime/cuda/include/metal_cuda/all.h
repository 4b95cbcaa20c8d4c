// metal_stdlib for CUDA: everything a translated kernel includes (see lib/runtime/cuda/translate.cpp).
#pragma once

#include "metal_cuda/types.h"
#include "metal_cuda/math.h"
#include "metal_cuda/simd.h"
#include "metal_cuda/atomic.h"
#include "metal_cuda/matrix.h"
#include "metal_cuda/entry.h"
