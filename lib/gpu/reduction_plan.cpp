// Building and simulating reduction plans (see reduction_plan.h).
#include "gpu/reduction_plan.h"

#include <map>
#include <stdexcept>

namespace tmetal::gpu {
ReductionPlan plan_reduction(const BlockedLayout& layout, const Shape& shape, int axis) {
  if (axis < 0 || axis >= layout.rank()) throw std::invalid_argument("reduction axis out of range");
  ReductionPlan plan;
  plan.axis = axis;
  plan.result_layout = SliceLayout{axis, layout};

  // 1. Registers of one thread grouped by their offset with the axis removed.
  std::map<std::vector<int64_t>, std::vector<int64_t>> groups;
  for (int64_t r = 0; r < layout.registers_per_thread(shape); ++r) {
    std::vector<int64_t> key = layout.register_offset(shape, r);
    key.erase(key.begin() + axis);
    groups[key].push_back(r);
  }
  // Result registers follow the slice layout's own register order.
  Shape result_shape = shape;
  result_shape.erase(result_shape.begin() + axis);
  BlockedLayout collapsed = plan.result_layout.collapsed_parent();
  Shape collapsed_shape = plan.result_layout.parent_shape(result_shape);
  for (int64_t r = 0; r < plan.result_layout.registers_per_thread(result_shape); ++r) {
    std::vector<int64_t> key = collapsed.register_offset(collapsed_shape, r);
    key.erase(key.begin() + axis);
    plan.register_groups.push_back(groups.at(key));
  }

  // 2. Lanes along the axis that hold distinct data.
  const int64_t per_thread = layout.size_per_thread[axis];
  const int64_t lanes = layout.lanes_per_simd[axis];
  const int64_t distinct_lanes = std::min(lanes, std::max<int64_t>(1, shape[axis] / per_thread));
  const int64_t lane_stride = layout.lane_stride(axis);
  for (int64_t step = 1; step < distinct_lanes; step *= 2) plan.lane_xor_masks.push_back(step * lane_stride);

  // 3. Simdgroups along the axis that hold distinct data.
  const int64_t simds = layout.simds_per_group[axis];
  plan.cross_simd_count = std::min(simds, std::max<int64_t>(1, shape[axis] / (per_thread * lanes)));
  plan.cross_simd_stride = layout.simd_stride(axis);
  if (plan.cross_simd_count > 1) {
    int64_t result_elements = 1;
    for (int64_t s : result_shape) result_elements *= s;
    plan.scratch_elements = result_elements * plan.cross_simd_count;
  }
  return plan;
}

std::vector<std::vector<double>> simulate_reduction(const ReductionPlan& plan, const BlockedLayout& layout,
                                                    const Shape& shape,
                                                    const std::function<double(const std::vector<int64_t>&)>& input,
                                                    const Combine& combine) {
  const int64_t lanes = layout.num_lanes();
  const int64_t simds = layout.num_simds();
  const size_t results = plan.register_groups.size();
  // Per thread (simd * lanes + lane): partial values per result register.
  std::vector<std::vector<double>> partial(simds * lanes, std::vector<double>(results));
  for (int64_t s = 0; s < simds; ++s) {
    for (int64_t l = 0; l < lanes; ++l) {
      for (size_t r = 0; r < results; ++r) {
        const auto& group = plan.register_groups[r];
        double acc = input(layout.coordinates(shape, l, s, group[0]));
        for (size_t i = 1; i < group.size(); ++i) acc = combine(acc, input(layout.coordinates(shape, l, s, group[i])));
        partial[s * lanes + l][r] = acc;
      }
    }
  }
  for (int64_t mask : plan.lane_xor_masks) {
    auto before = partial;
    for (int64_t s = 0; s < simds; ++s) {
      for (int64_t l = 0; l < lanes; ++l) {
        for (size_t r = 0; r < results; ++r) {
          partial[s * lanes + l][r] = combine(before[s * lanes + l][r], before[s * lanes + (l ^ mask)][r]);
        }
      }
    }
  }
  if (plan.cross_simd_count > 1) {
    // Simdgroup index digit along the axis: (s / stride) % simds_per_group[axis]; partners replace that digit.
    auto before = partial;
    const int64_t digit_extent = layout.simds_per_group[plan.axis];
    for (int64_t s = 0; s < simds; ++s) {
      const int64_t digit = (s / plan.cross_simd_stride) % digit_extent;
      const int64_t base = s - digit * plan.cross_simd_stride;
      for (int64_t l = 0; l < lanes; ++l) {
        for (size_t r = 0; r < results; ++r) {
          double acc = before[base * lanes + l][r];
          for (int64_t k = 1; k < plan.cross_simd_count; ++k) {
            acc = combine(acc, before[(base + k * plan.cross_simd_stride) * lanes + l][r]);
          }
          partial[s * lanes + l][r] = acc;
        }
      }
    }
  }
  return partial;
}

}  // namespace tmetal::gpu
