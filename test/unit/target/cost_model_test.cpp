// Roofline cost model: predictions are checked against values computed here independently from the
// published numbers (cores, clock, bandwidth), for memory-bound and compute-bound cases.
#include "triton_metal/target_cost_model.h"

#include <gtest/gtest.h>

namespace tmetal::target {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

TEST(CostModel, ElementwiseIsMemoryBound) {
  const Target t = resolve_target("m3-max-40c");
  const Workload w = elementwise_workload(16 * 1024 * 1024, DType::f32, 2, 1);
  EXPECT_DOUBLE_EQ(w.total_bytes(), 3 * 64 * kMiB);
  const Prediction p = predict(t, w);
  // 192 MiB at 85% of 400 GB/s.
  const double expected = 3 * 64 * kMiB / (400e9 * 0.85);
  EXPECT_NEAR(p.seconds, expected, expected * 1e-12);
  EXPECT_EQ(p.bound, Bound::Memory);
  EXPECT_NEAR(p.achieved_bytes_per_s, 340e9, 1e3);
  EXPECT_LT(p.compute_seconds, p.memory_seconds);
}

TEST(CostModel, ReductionIsMemoryBoundOnEveryChip) {
  for (const auto& s : chip_table()) {
    const Prediction p = predict(Target(s), reduction_workload(16 * 1024 * 1024, DType::f32));
    EXPECT_EQ(p.bound, Bound::Memory) << s.name;
    EXPECT_NEAR(p.seconds, (64 * kMiB + 4) / (s.memory_bandwidth * 0.85), 1e-12) << s.name;
  }
}

TEST(CostModel, LargeMatmulIsComputeBound) {
  const Target t = resolve_target("m1-8c");
  const Workload w = matmul_workload(4096, 4096, 4096, DType::f32, DType::f32);
  const Prediction p = predict(t, w);
  // 2 x 4096^3 FLOPs at 87% of 8 cores x 128 x 2 x 1.278 GHz.
  const double peak = 8 * 128 * 2 * 1.278e9;
  const double expected = 2.0 * 4096.0 * 4096.0 * 4096.0 / (peak * 0.87);
  EXPECT_NEAR(p.seconds, expected, expected * 1e-12);
  EXPECT_EQ(p.bound, Bound::Compute);
  EXPECT_NEAR(p.achieved_ops_per_s, peak * 0.87, peak * 1e-9);
  // Memory side: 3 x 4096^2 x 4 bytes at 85% of 68.25 GB/s.
  EXPECT_NEAR(p.memory_seconds, 3 * 4096.0 * 4096.0 * 4 / (68.25e9 * 0.85), 1e-12);
}

TEST(CostModel, PureRooflineAndMixedDtypes) {
  const Target t = resolve_target("m2-10c");
  Efficiency ideal{1.0, 1.0, 1.0, 1.0, 1.0};
  Workload w;
  w.ops[DType::f32] = 1e9;
  w.ops[DType::i32] = 1e9;
  w.bytes_read = 1e6;
  const Prediction p = predict(t, w, ideal);
  const double f32_peak = 10 * 128 * 2 * 1.398e9;
  const double expected = 1e9 / f32_peak + 1e9 / (f32_peak / 2);
  EXPECT_NEAR(p.compute_seconds, expected, expected * 1e-12);
  EXPECT_NEAR(p.memory_seconds, 1e6 / 100e9, 1e-15);
  EXPECT_EQ(p.bound, Bound::Compute);
  EXPECT_DOUBLE_EQ(w.arithmetic_intensity(), 2e9 / 1e6);
}

TEST(CostModel, BoundFlipsAtTheRidgePoint) {
  const Target t = resolve_target("m4-pro-20c");
  Efficiency ideal{1.0, 1.0, 1.0, 1.0, 1.0};
  const double ridge = t.fp32_flops() / t.memory_bandwidth();  // FLOPs per byte
  Workload below, above;
  below.ops[DType::f32] = ridge * 0.5 * 1e6;
  below.bytes_read = 1e6;
  above.ops[DType::f32] = ridge * 2.0 * 1e6;
  above.bytes_read = 1e6;
  EXPECT_EQ(predict(t, below, ideal).bound, Bound::Memory);
  EXPECT_EQ(predict(t, above, ideal).bound, Bound::Compute);
}

TEST(CostModel, NeuralAcceleratorsOnlyHelpOnM5) {
  Workload w = matmul_workload(4096, 4096, 4096, DType::f16, DType::f16);
  const Workload simd = w;
  w.kind = ComputeKind::NeuralAccelerator;
  const Target m5 = resolve_target("m5");
  const Target m4 = resolve_target("m4");
  EXPECT_LT(predict(m5, w).compute_seconds, predict(m5, simd).compute_seconds / 2);
  // On M4 the same request falls back to the SIMD ALU rate.
  Efficiency eff;
  const double m4_expected = 2.0 * 4096 * 4096 * 4096 / (m4.fp16_flops() * eff.neural_accelerator);
  EXPECT_NEAR(predict(m4, w).compute_seconds, m4_expected, m4_expected * 1e-12);
}

TEST(CostModel, StandardWorkloads) {
  const auto list = standard_workloads();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_DOUBLE_EQ(list[0].total_ops(), 2.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(list[0].total_bytes(), 3.0 * 1024 * 1024 * 4);
  EXPECT_DOUBLE_EQ(list[1].total_bytes(), 3.0 * 1024 * 1024 * 2);
  EXPECT_EQ(list[0].kind, ComputeKind::SimdgroupMatrix);
  EXPECT_DOUBLE_EQ(list[2].bytes_read, 64 * kMiB);
  EXPECT_DOUBLE_EQ(list[3].total_bytes(), 192 * kMiB);
}

}  // namespace
}  // namespace tmetal::target
