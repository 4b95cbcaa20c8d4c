// Target's derived quantities: peak rate per element type and the tuning knobs the GPU lowering uses
// (vector width, register budget, matmul tile, pipeline depth). Each knob is computed from the chip's
// facts, never from its name; docs/hardware-model.md explains the derivations.
#include "triton_metal/target.h"

#include <array>

namespace tmetal::target {
namespace {

// Threads a core should keep resident to hide memory latency: 32 simdgroups of 32 threads. With the
// ~208 KB register file of Apple7/8 (metal-benchmarks) this leaves 208 KiB / (1024 x 4 B) = 52 32-bit
// registers per thread.
constexpr int kResidentThreadsPerCore = 1024;
// Dynamic Caching (M3+) allocates registers from an on-chip pool at run time, so using more registers
// costs occupancy gradually instead of at a fixed cliff; we allow 64 there (a tuning choice).
constexpr int kDynamicCachingRegisterBudget = 64;
// Registers a dot kernel needs besides accumulators and fragments (pointers, indices, loop counters).
constexpr int kMatmulOverheadRegisters = 16;

int regs_for(int elements, DType t) { return (elements * dtype_size(t) + 3) / 4; }

// 32-bit registers per thread for one simdgroup owning an sg_m x sg_n C tile of 8x8 fragments, with one
// row of A fragments and one column of B fragments live. An 8x8 fragment is 64 elements over 32 lanes.
int tile_registers(int sg_m, int sg_n, DType in, DType acc) {
  const int frags_c = (sg_m / 8) * (sg_n / 8);
  const int frags_ab = sg_m / 8 + sg_n / 8;
  return regs_for(frags_c * 2, acc) + regs_for(frags_ab * 2, in) + kMatmulOverheadRegisters;
}

}  // namespace

double Target::peak_ops(DType t) const {
  switch (t) {
    case DType::f32: return fp32_flops();
    case DType::bf16: return has_native_bfloat() ? fp16_flops() : fp32_flops();
    case DType::f16: return fp16_flops();
    case DType::i64: return int32_ops() / 4;  // metal-benchmarks: I64 32 OPs/clk vs I32 128
    case DType::i1:
    case DType::i8:
    case DType::i16:
    case DType::i32: return int32_ops();
  }
  return fp32_flops();
}

// 16 bytes: the widest MSL vector of 4-byte elements (float4 / packed_float4, half8 is not a type);
// one 16-byte access per thread gives a 512-byte simdgroup access, i.e. four full 128-byte cache lines.
int Target::preferred_vector_bytes() const { return 16; }

int Target::register_budget_per_thread() const {
  if (has_dynamic_caching()) return kDynamicCachingRegisterBudget;
  const auto file = register_file_bytes_per_core();
  if (file <= 0) return 32;  // unknown register file: a conservative budget
  return static_cast<int>(file / (kResidentThreadsPerCore * 4));
}

int Target::pipeline_stages(std::int64_t bytes_per_stage) const {
  if (bytes_per_stage <= 0) return 2;
  return 2 * bytes_per_stage <= threadgroup_memory_bytes() ? 2 : 1;
}

// The default tile's stages (2 where its operand slices fit twice in threadgroup memory): the next K tile's
// loads are then in flight during the current tile's multiply (lib/gpu/pipeline_dot_loads.cpp).
int Target::default_num_stages() const { return matmul_tile(DType::f16, DType::f32).stages; }

MatmulTile Target::matmul_tile(DType in, DType acc) const {
  // Largest per-simdgroup tile whose registers fit the budget (squarer first at equal area).
  constexpr std::array<std::array<int, 2>, 5> candidates{{{32, 32}, {32, 16}, {16, 16}, {16, 8}, {8, 8}}};
  MatmulTile t;
  const int budget = register_budget_per_thread();
  for (auto [m, n] : candidates) {
    t.sg_m = m;
    t.sg_n = n;
    t.registers_per_thread = tile_registers(m, n, in, acc);
    if (t.registers_per_thread <= budget) break;
  }
  // 2 x 2 simdgroups (128 threads): four simdgroups per threadgroup let one core run several
  // threadgroups while each still shares its A and B slices between two simdgroups.
  t.simdgroups_m = 2;
  t.simdgroups_n = 2;
  t.block_m = t.sg_m * t.simdgroups_m;
  t.block_n = t.sg_n * t.simdgroups_n;
  t.threads = t.simdgroups_m * t.simdgroups_n * simd_width();
  // Deepest K step (32, 16 or 8) whose A and B slices fit twice (double buffering) in threadgroup
  // memory; if even K = 8 does not fit twice, a single buffer.
  const int elem = dtype_size(in);
  t.block_k = 8;
  for (int k : {32, 16, 8}) {
    const std::int64_t stage = static_cast<std::int64_t>(t.block_m + t.block_n) * k * elem;
    if (pipeline_stages(stage) == 2) {
      t.block_k = k;
      break;
    }
  }
  const std::int64_t stage = static_cast<std::int64_t>(t.block_m + t.block_n) * t.block_k * elem;
  t.stages = pipeline_stages(stage);
  t.threadgroup_bytes = stage * t.stages;
  return t;
}

}  // namespace tmetal::target
