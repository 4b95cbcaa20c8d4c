// How a reduction along one axis of a blocked-layout tensor is carried out by the threads that hold it:
//   1. in-thread: each thread combines its registers that differ only along the axis;
//   2. across lanes: a butterfly of simd_shuffle_xor steps over the lanes spread along the axis (only over lanes
//      that hold distinct data: replicated lanes would count an element twice);
//   3. across simdgroups: when simdgroups are spread along the axis, each writes its partial result to
//      threadgroup scratch, a barrier, and every thread combines the distinct partials.
// The result is left in the slice layout of the input's layout, every replica holding the full result.
// The emitter turns the plan into MSL; `simulate_reduction` runs the same plan on the CPU, which is how the plan
// is tested against a direct reduction.
#pragma once

#include "gpu/blocked_layout.h"
#include "gpu/slice_layout.h"

#include <functional>

namespace tmetal::gpu {

struct ReductionPlan {
  int axis = 0;
  SliceLayout result_layout;
  // For each result register, the input registers (of the same thread) it combines, in order.
  std::vector<std::vector<int64_t>> register_groups;
  // simd_shuffle_xor lane masks, applied in order.
  std::vector<int64_t> lane_xor_masks;
  // Simdgroups holding distinct partials along the axis (1: no threadgroup step), and the stride between them in
  // the simdgroup index.
  int64_t cross_simd_count = 1;
  int64_t cross_simd_stride = 1;
  // Scratch slots: one per (result element in the group tile, partial) when cross_simd_count > 1.
  int64_t scratch_elements = 0;
};

ReductionPlan plan_reduction(const BlockedLayout& layout, const Shape& shape, int axis);

// Runs `plan` over a tensor given as a function of its coordinates; returns, for every thread (lane, simd) and
// result register, the value it ends with. `combine` must be associative and commutative.
using Combine = std::function<double(double, double)>;
std::vector<std::vector<double>> simulate_reduction(const ReductionPlan& plan, const BlockedLayout& layout,
                                                    const Shape& shape,
                                                    const std::function<double(const std::vector<int64_t>&)>& input,
                                                    const Combine& combine);

}  // namespace tmetal::gpu
