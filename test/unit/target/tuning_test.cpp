// Tuning knobs derived from the facts: vector width, register budget, matmul tiles (which must fit the
// chip's threadgroup memory, thread and register limits) and pipeline depth.
#include "triton_metal/target.h"

#include <gtest/gtest.h>

namespace tmetal::target {
namespace {

TEST(Tuning, VectorWidthAndRegisterBudget) {
  for (const auto& s : chip_table()) {
    const Target t(s);
    EXPECT_EQ(t.preferred_vector_bytes(), 16);
    if (t.has_dynamic_caching()) {
      EXPECT_EQ(t.register_budget_per_thread(), 64) << s.name;
    } else {
      // 208 KiB register file / (1024 threads x 4 bytes) = 52.
      EXPECT_EQ(t.register_budget_per_thread(), 52) << s.name;
    }
  }
}

TEST(Tuning, PipelineStagesFollowThreadgroupMemory) {
  const Target t = resolve_target("m3");
  EXPECT_EQ(t.pipeline_stages(8 * 1024), 2);
  EXPECT_EQ(t.pipeline_stages(16 * 1024), 2);
  EXPECT_EQ(t.pipeline_stages(16 * 1024 + 16), 1);
  EXPECT_EQ(t.pipeline_stages(40 * 1024), 1);
}

TEST(Tuning, MatmulTilesFitEveryChip) {
  const std::pair<DType, DType> combos[] = {
      {DType::f32, DType::f32}, {DType::f16, DType::f32}, {DType::f16, DType::f16}, {DType::bf16, DType::f32}};
  for (const auto& s : chip_table()) {
    const Target t(s);
    for (auto [in, acc] : combos) {
      const MatmulTile tile = t.matmul_tile(in, acc);
      SCOPED_TRACE(std::string(s.name) + " " + std::string(dtype_name(in)));
      EXPECT_LE(tile.threadgroup_bytes, t.threadgroup_memory_bytes());
      EXPECT_EQ(tile.threadgroup_bytes,
                static_cast<std::int64_t>(tile.block_m + tile.block_n) * tile.block_k * dtype_size(in) * tile.stages);
      EXPECT_LE(tile.threads, t.max_threads_per_threadgroup());
      EXPECT_EQ(tile.threads % t.simd_width(), 0);
      EXPECT_EQ(tile.threads, tile.simdgroups_m * tile.simdgroups_n * 32);
      EXPECT_EQ(tile.block_m, tile.sg_m * tile.simdgroups_m);
      EXPECT_EQ(tile.block_n, tile.sg_n * tile.simdgroups_n);
      EXPECT_EQ(tile.sg_m % 8, 0);
      EXPECT_EQ(tile.sg_n % 8, 0);
      EXPECT_EQ(tile.block_k % 8, 0);
      EXPECT_LE(tile.registers_per_thread, t.register_budget_per_thread());
      EXPECT_EQ(tile.stages, 2);  // every table chip has room to double-buffer
    }
  }
}

TEST(Tuning, MatmulTilesFromTheDerivation) {
  // M1 (budget 52): a 32x32 f32 simdgroup tile needs 32 (C) + 16 (A/B) + 16 = 64 registers: too many;
  // 32x16 needs 16 + 12 + 16 = 44. Threadgroup 64x32, K 32: (64+32) x 32 x 4 B x 2 stages = 24 KiB.
  const MatmulTile m1 = resolve_target("m1").matmul_tile(DType::f32, DType::f32);
  EXPECT_EQ(m1.sg_m, 32);
  EXPECT_EQ(m1.sg_n, 16);
  EXPECT_EQ(m1.block_m, 64);
  EXPECT_EQ(m1.block_n, 32);
  EXPECT_EQ(m1.block_k, 32);
  EXPECT_EQ(m1.registers_per_thread, 44);
  EXPECT_EQ(m1.threadgroup_bytes, 24 * 1024);
  // M3 (dynamic caching, budget 64): 32x32 fits; 64x64x32 f32 double-buffered is exactly 32 KiB.
  const MatmulTile m3 = resolve_target("m3").matmul_tile(DType::f32, DType::f32);
  EXPECT_EQ(m3.sg_m, 32);
  EXPECT_EQ(m3.sg_n, 32);
  EXPECT_EQ(m3.block_m, 64);
  EXPECT_EQ(m3.block_n, 64);
  EXPECT_EQ(m3.block_k, 32);
  EXPECT_EQ(m3.threadgroup_bytes, 32 * 1024);
  // Dynamic-caching chips get larger tiles than M1/M2 for every dtype.
  for (auto in : {DType::f32, DType::f16}) {
    const MatmulTile a = resolve_target("m2").matmul_tile(in, DType::f32);
    const MatmulTile b = resolve_target("m4").matmul_tile(in, DType::f32);
    EXPECT_GT(b.block_m * b.block_n, a.block_m * a.block_n);
  }
}

TEST(Tuning, PeakOpsPerDtype) {
  const Target m1 = resolve_target("m1");
  EXPECT_EQ(m1.peak_ops(DType::f32), m1.fp32_flops());
  EXPECT_EQ(m1.peak_ops(DType::f16), m1.fp16_flops());
  EXPECT_EQ(m1.peak_ops(DType::bf16), m1.fp32_flops());  // emulated through f32
  EXPECT_EQ(m1.peak_ops(DType::i32), m1.fp32_flops() / 2);
  EXPECT_EQ(m1.peak_ops(DType::i64), m1.fp32_flops() / 8);
}

}  // namespace
}  // namespace tmetal::target
