// Building and simulating scan plans (see scan_plan.h).
#include "gpu/scan_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

namespace tmetal::gpu {
BlockedLayout scan_layout(const BlockedLayout& layout, const Shape& shape, int axis) {
  BlockedLayout out = layout;
  const int64_t tile = layout.group_tile()[axis];
  if (shape[axis] > tile) out.size_per_thread[axis] *= shape[axis] / tile;
  return out;
}

ScanPlan plan_scan(const BlockedLayout& layout, const Shape& shape, int axis) {
  if (axis < 0 || axis >= layout.rank()) throw std::invalid_argument("scan axis out of range");
  if (shape[axis] > layout.group_tile()[axis]) {
    throw std::invalid_argument(fmt::format("scan along axis {} needs contiguous runs per thread; {} repeats along it",
                                            axis, layout.str()));
  }
  ScanPlan plan;
  plan.axis = axis;
  std::map<std::vector<int64_t>, std::vector<std::pair<int64_t, int64_t>>> runs;  // key → (coord along axis, reg)
  for (int64_t r = 0; r < layout.registers_per_thread(shape); ++r) {
    std::vector<int64_t> key = layout.register_offset(shape, r);
    const int64_t along = key[axis];
    key.erase(key.begin() + axis);
    runs[key].emplace_back(along, r);
  }
  for (auto& [key, regs] : runs) {
    std::sort(regs.begin(), regs.end());
    std::vector<int64_t> ordered;
    for (auto [along, r] : regs) ordered.push_back(r);
    plan.register_runs.push_back(ordered);
  }
  const int64_t per_thread = layout.size_per_thread[axis];
  plan.lane_digit_extent = std::min(layout.lanes_per_simd[axis], std::max<int64_t>(1, shape[axis] / per_thread));
  plan.lane_digit_stride = layout.lane_stride(axis);
  for (int64_t step = 1; step < plan.lane_digit_extent; step *= 2) plan.lane_up_steps.push_back(step);
  plan.cross_simd_count = std::min(layout.simds_per_group[axis],
                                   std::max<int64_t>(1, shape[axis] / (per_thread * layout.lanes_per_simd[axis])));
  plan.cross_simd_stride = layout.simd_stride(axis);
  return plan;
}

std::vector<std::vector<double>> simulate_scan(const ScanPlan& plan, const BlockedLayout& layout, const Shape& shape,
                                               const std::function<double(const std::vector<int64_t>&)>& input,
                                               const std::function<double(double, double)>& combine) {
  const int64_t lanes = layout.num_lanes(), simds = layout.num_simds();
  const int64_t regs = layout.registers_per_thread(shape);
  const size_t nruns = plan.register_runs.size();
  std::vector<std::vector<double>> value(simds * lanes, std::vector<double>(regs));
  std::vector<std::vector<double>> total(simds * lanes, std::vector<double>(nruns));
  // 1. In-thread inclusive scan of each run.
  for (int64_t t = 0; t < simds * lanes; ++t) {
    for (size_t k = 0; k < nruns; ++k) {
      std::optional<double> acc;
      for (int64_t r : plan.register_runs[k]) {
        double v = input(layout.coordinates(shape, t % lanes, t / lanes, r));
        acc = acc ? combine(*acc, v) : v;
        value[t][r] = *acc;
      }
      total[t][k] = *acc;
    }
  }
  // 2. Lane prefixes: inclusive Hillis-Steele over the lane digit, then shifted to exclusive.
  auto lane_digit = [&](int64_t lane) { return (lane / plan.lane_digit_stride) % plan.lane_digit_extent; };
  std::vector<std::vector<double>> inclusive = total;
  for (int64_t step : plan.lane_up_steps) {
    auto before = inclusive;
    for (int64_t t = 0; t < simds * lanes; ++t) {
      const int64_t lane = t % lanes;
      if (lane_digit(lane) < step) continue;
      const int64_t from = t - step * plan.lane_digit_stride;
      for (size_t k = 0; k < nruns; ++k) inclusive[t][k] = combine(before[from][k], before[t][k]);
    }
  }
  // 3. Simdgroup prefixes: each simdgroup's total is the inclusive value of its last distinct lane.
  auto simd_digit = [&](int64_t simd) {
    return (simd / plan.cross_simd_stride) % layout.simds_per_group[plan.axis];
  };
  for (int64_t t = 0; t < simds * lanes; ++t) {
    const int64_t lane = t % lanes, simd = t / lanes;
    const int64_t digit = lane_digit(lane);
    for (size_t k = 0; k < nruns; ++k) {
      std::optional<double> prefix;
      // Replicated simdgroups (beyond the distinct ones along the axis) behave as their distinct counterpart.
      const int64_t sd = simd_digit(simd) % plan.cross_simd_count;
      const int64_t simd_base = simd - sd * plan.cross_simd_stride;
      for (int64_t s = 0; s < sd; ++s) {
        const int64_t other = simd_base + s * plan.cross_simd_stride;
        const int64_t last_lane =
            lane - digit * plan.lane_digit_stride + (plan.lane_digit_extent - 1) * plan.lane_digit_stride;
        double simd_total = inclusive[other * lanes + last_lane][k];
        prefix = prefix ? combine(*prefix, simd_total) : simd_total;
      }
      if (digit > 0 && digit < plan.lane_digit_extent) {
        double lane_prefix = inclusive[t - plan.lane_digit_stride][k];
        prefix = prefix ? combine(*prefix, lane_prefix) : lane_prefix;
      }
      if (prefix) {
        for (int64_t r : plan.register_runs[k]) value[t][r] = combine(*prefix, value[t][r]);
      }
    }
  }
  return value;
}

}  // namespace tmetal::gpu
