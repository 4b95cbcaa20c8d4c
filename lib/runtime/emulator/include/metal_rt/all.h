// The emulator's Metal standard library, all of it (included by <metal_stdlib>).
#pragma once

#include "metal_rt/scalar.h"
#include "metal_rt/vec.h"
#include "metal_rt/math.h"
#include "metal_rt/pointers.h"
#include "metal_rt/thread_array.h"
#include "metal_rt/traits.h"
#include "metal_rt/atomic.h"
#include "metal_rt/simd.h"
#include "metal_rt/matrix.h"
#include "metal_rt/entry.h"
#include "metal_rt/faults.h"
#include "metal_rt/logging.h"

namespace metal {
using ::metal_rt::ptr;
}
