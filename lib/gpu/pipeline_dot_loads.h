// Pass `pipeline-dot-loads` (tile IR, before assign-layouts): software pipelining of a K loop's operand loads.
// In each scf.for (constant step > 0, no stores, atomics, calls, prints or barriers in its body) the top-level
// tt.load ops that feed a tt.dot load iteration 0's tile before the loop, and each iteration loads the next
// tile (mask ANDed with `iv + step < ub`) after its dot, marked tm.prefetch, carrying it as a new iteration
// argument; codegen issues the marked ops right after the dot's operand staging, so the device loads of tile
// i+1 are in flight while tile i is multiplied and one tile is held in registers (the probe's structure,
// bench/probes/gemm_probe.metal). The loop's `tt.num_stages` (tl.range(..., num_stages=)) overrides
// `num_stages` (the launch's, else the target's default); below 2 the loop is left alone. Loops whose dots
// chain (flash attention: the first dot's result becomes the second's A operand) are left alone at the target's
// default (`stages_from_target`): their softmax runs on the fragments between the dots, and the next K and V
// tiles in registers on top of it cost more than they hide (CUDA proxy, attention d64: 6.8 TFLOP/s pipelined,
// 8.5 not; bench/results/2026-12-02-H200-fragments.md). A launch's num_stages or tl.range(num_stages=) still pipelines them.
// Returns the number of loops pipelined.
#pragma once

#include "ir/operation.h"

namespace tmetal::gpu {

// Unit attribute of the ops that compute and load the next iteration's operand tiles.
inline constexpr const char* kPrefetchAttr = "tm.prefetch";

int pipeline_dot_loads(ir::Operation& func, int num_stages, bool stages_from_target = false);

}  // namespace tmetal::gpu
