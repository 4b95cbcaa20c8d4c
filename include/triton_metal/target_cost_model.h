// Roofline cost model: predicts a kernel's time on any Target from the work it does (arithmetic per
// element type, bytes moved to and from unified memory) and says which bound dominates. Used by the GPU
// lowering, graph fusion and autotuning to rank choices, and by `triton-metal info`.
//
// time = max(compute_time, memory_time), where
//   compute_time = sum over dtypes of ops / (peak_ops(dtype) x compute_efficiency)
//   memory_time  = (bytes_read + bytes_written) / (memory_bandwidth x memory_efficiency)
// The efficiencies are the achievable fractions of peak; docs/hardware-model.md gives their sources.
#pragma once

#include "triton_metal/dtype.h"
#include "triton_metal/target.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tmetal::target {

enum class Bound { Compute, Memory };
std::string_view bound_name(Bound b);  // "compute" / "memory"

// What kind of arithmetic dominates: decides the achievable fraction of peak.
enum class ComputeKind {
  Elementwise,      // independent per-element ALU work (adds, FMAs, compares)
  SimdgroupMatrix,  // dot products through simdgroup_matrix 8x8 multiply-accumulate
  NeuralAccelerator // dot products on M5 per-core neural accelerators (Metal 4 tensor ops)
};

struct Workload {
  std::string name;
  std::map<DType, double> ops;  // arithmetic operations (an FMA counts 2) per element type
  double bytes_read = 0;
  double bytes_written = 0;
  ComputeKind kind = ComputeKind::Elementwise;

  double total_ops() const;
  double total_bytes() const { return bytes_read + bytes_written; }
  double arithmetic_intensity() const;  // ops per byte (0 when no bytes move)
};

// Achievable fractions of peak. The defaults are the documented assumptions (docs/hardware-model.md).
struct Efficiency {
  double memory = 0.85;               // of published unified-memory bandwidth
  double elementwise = 0.90;          // of SIMD ALU peak
  double simdgroup_matrix_f32 = 0.87; // metal-flash-attention SGEMM: 87.2% ALU on M1 Max
  double simdgroup_matrix_f16 = 0.93; // metal-flash-attention HGEMM: 93.3% ALU on M1 Max
  double neural_accelerator = 0.70;   // assumption: no public microbenchmark yet
};

struct Prediction {
  double seconds = 0;
  double compute_seconds = 0;
  double memory_seconds = 0;
  Bound bound = Bound::Memory;
  double achieved_ops_per_s = 0;    // total_ops / seconds
  double achieved_bytes_per_s = 0;  // total_bytes / seconds
  double compute_efficiency = 0;    // fraction of peak assumed for the arithmetic
  double memory_efficiency = 0;     // fraction of peak assumed for memory
};

Prediction predict(const Target& target, const Workload& work, const Efficiency& eff = {});

// The seed's standard workloads (`triton-metal info` prints predictions for these).
Workload matmul_workload(std::int64_t m, std::int64_t n, std::int64_t k, DType in, DType out);
Workload reduction_workload(std::int64_t elements, DType t);
Workload elementwise_workload(std::int64_t elements, DType t, int inputs, int outputs);
std::vector<Workload> standard_workloads();

}  // namespace tmetal::target
