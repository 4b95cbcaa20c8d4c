// Pass `pipeline-dot-loads` (tile IR, before assign-layouts): software pipelining of a K loop's operand loads.
// In each scf.for (constant step > 0, no stores, atomics, calls, prints or barriers in its body) the top-level
// tt.load ops that feed a tt.dot load iteration 0's tile before the loop, and each iteration loads the next
// tile (mask ANDed with `iv + step < ub`) after its dot, marked tm.prefetch, carrying it as a new iteration
// argument; codegen issues the marked ops right after the dot's operand staging, so the device loads of tile
// i+1 are in flight while tile i is multiplied and one tile is held in registers (the probe's structure,
// bench/probes/gemm_probe.metal). The loop's `tt.num_stages` (tl.range(..., num_stages=)) overrides
// `num_stages` (the launch's, else the target's default); below 2 the loop is left alone. Loops with two dots
// (flash attention) are pipelined too since the prefetch follows the staging (1-4% faster on the CUDA proxy,
// bench/results/2026-12-02-H200-dot2.md; it was slower when the next tiles were loaded before the dots).
// Returns the number of loops pipelined.
#pragma once

#include "ir/operation.h"

namespace tmetal::gpu {

// Unit attribute of the ops that compute and load the next iteration's operand tiles.
inline constexpr const char* kPrefetchAttr = "tm.prefetch";

int pipeline_dot_loads(ir::Operation& func, int num_stages);

}  // namespace tmetal::gpu
