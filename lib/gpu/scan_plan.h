// How an inclusive scan (tl.cumsum, tl.cumprod, tl.associative_scan) along one axis of a blocked-layout tensor
// is carried out:
//   1. in-thread: each thread scans its registers along the axis, in coordinate order;
//   2. across lanes: the per-thread totals get an exclusive prefix over the lanes spread along the axis, by
//      Hillis-Steele steps of simd_shuffle_up (a lane whose position along the axis is below the step keeps
//      its value);
//   3. across simdgroups: per-simdgroup totals go through threadgroup scratch, a barrier, and each simdgroup
//      combines the totals of the simdgroups before it along the axis;
//   4. each register combines its in-thread prefix with the lane and simdgroup prefixes.
// This needs every thread's elements along the axis to be one contiguous run (no repetition of the group tile
// along the axis): `scan_layout` turns a layout into one that has this, and the layout pass converts scan
// operands to it. `simulate_scan` runs the plan on the CPU for the tests.
#pragma once

#include "gpu/blocked_layout.h"

#include <functional>

namespace tmetal::gpu {

struct ScanPlan {
  int axis = 0;
  // For each group of registers that differ only along the axis: the registers in coordinate order.
  std::vector<std::vector<int64_t>> register_runs;
  // Hillis-Steele shuffle_up steps in lanes, and the extent/stride of the lane digit along the axis.
  std::vector<int64_t> lane_up_steps;
  int64_t lane_digit_stride = 1;
  int64_t lane_digit_extent = 1;
  // Simdgroups along the axis holding distinct data, and their stride in the simdgroup index.
  int64_t cross_simd_count = 1;
  int64_t cross_simd_stride = 1;
};

// The layout `layout` with the repetitions along `axis` folded into each thread's contiguous run.
BlockedLayout scan_layout(const BlockedLayout& layout, const Shape& shape, int axis);

// Throws std::invalid_argument when `layout` repeats its group tile along `axis` for `shape`.
ScanPlan plan_scan(const BlockedLayout& layout, const Shape& shape, int axis);

// Value of every register of every thread (index simd * lanes + lane) after the scan. `combine` must be
// associative (not necessarily commutative: the plan keeps operand order).
std::vector<std::vector<double>> simulate_scan(const ScanPlan& plan, const BlockedLayout& layout, const Shape& shape,
                                               const std::function<double(const std::vector<int64_t>&)>& input,
                                               const std::function<double(double, double)>& combine);

}  // namespace tmetal::gpu
