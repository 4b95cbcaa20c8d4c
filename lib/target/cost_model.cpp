// Roofline cost model (see triton_metal/target_cost_model.h): time = max(compute, memory), with the
// achievable fractions of peak from Efficiency, plus the seed's standard workloads.
#include "triton_metal/target_cost_model.h"

#include <algorithm>

#include <fmt/format.h>

namespace tmetal::target {

std::string_view bound_name(Bound b) { return b == Bound::Compute ? "compute" : "memory"; }

double Workload::total_ops() const {
  double total = 0;
  for (const auto& [t, n] : ops) total += n;
  return total;
}

double Workload::arithmetic_intensity() const {
  return total_bytes() > 0 ? total_ops() / total_bytes() : 0.0;
}

namespace {

double compute_efficiency(ComputeKind kind, DType t, const Efficiency& eff) {
  switch (kind) {
    case ComputeKind::Elementwise: return eff.elementwise;
    case ComputeKind::SimdgroupMatrix:
      return t == DType::f32 ? eff.simdgroup_matrix_f32 : eff.simdgroup_matrix_f16;
    case ComputeKind::NeuralAccelerator: return eff.neural_accelerator;
  }
  return eff.elementwise;
}

double peak_for(const Target& target, ComputeKind kind, DType t) {
  // Neural accelerators only exist on M5; elsewhere such work falls back to simdgroup_matrix rates.
  if (kind == ComputeKind::NeuralAccelerator && target.has_neural_accelerators() &&
      (t == DType::f16 || t == DType::bf16)) {
    return target.matrix_fp16_flops();
  }
  return target.peak_ops(t);
}

}  // namespace

Prediction predict(const Target& target, const Workload& work, const Efficiency& eff) {
  Prediction p;
  double weighted_eff = 0;
  for (const auto& [t, n] : work.ops) {
    if (n <= 0) continue;
    const double e = compute_efficiency(work.kind, t, eff);
    p.compute_seconds += n / (peak_for(target, work.kind, t) * e);
    weighted_eff += e * n;
  }
  const double total_ops = work.total_ops();
  p.compute_efficiency = total_ops > 0 ? weighted_eff / total_ops : eff.elementwise;
  p.memory_efficiency = eff.memory;
  p.memory_seconds = work.total_bytes() / (target.memory_bandwidth() * eff.memory);
  p.bound = p.compute_seconds >= p.memory_seconds ? Bound::Compute : Bound::Memory;
  p.seconds = std::max(p.compute_seconds, p.memory_seconds);
  if (p.seconds > 0) {
    p.achieved_ops_per_s = total_ops / p.seconds;
    p.achieved_bytes_per_s = work.total_bytes() / p.seconds;
  }
  return p;
}

Workload matmul_workload(std::int64_t m, std::int64_t n, std::int64_t k, DType in, DType out) {
  Workload w;
  w.name = fmt::format("matmul {}x{}x{} {}", m, n, k, dtype_name(in));
  w.kind = ComputeKind::SimdgroupMatrix;
  w.ops[in] = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  // Compulsory traffic: A and B read once, C written once (tiles reused from threadgroup memory/cache).
  w.bytes_read = static_cast<double>(m * k + k * n) * dtype_size(in);
  w.bytes_written = static_cast<double>(m * n) * dtype_size(out);
  return w;
}

Workload reduction_workload(std::int64_t elements, DType t) {
  Workload w;
  w.name = fmt::format("reduction {} {}", elements, dtype_name(t));
  w.ops[t] = static_cast<double>(elements);  // one add per element
  w.bytes_read = static_cast<double>(elements) * dtype_size(t);
  w.bytes_written = dtype_size(t);
  return w;
}

Workload elementwise_workload(std::int64_t elements, DType t, int inputs, int outputs) {
  Workload w;
  w.name = fmt::format("elementwise {} {} ({} in, {} out)", elements, dtype_name(t), inputs, outputs);
  w.ops[t] = static_cast<double>(elements) * std::max(1, inputs - 1);  // a binary op per element
  w.bytes_read = static_cast<double>(elements) * dtype_size(t) * inputs;
  w.bytes_written = static_cast<double>(elements) * dtype_size(t) * outputs;
  return w;
}

std::vector<Workload> standard_workloads() {
  constexpr std::int64_t kSixteenM = 16 * 1024 * 1024;
  std::vector<Workload> list{
      matmul_workload(1024, 1024, 1024, DType::f32, DType::f32),
      matmul_workload(1024, 1024, 1024, DType::f16, DType::f16),
      reduction_workload(kSixteenM, DType::f32),
      elementwise_workload(kSixteenM, DType::f32, 2, 1),
  };
  list[0].name = "matmul 1024^2 f32";
  list[1].name = "matmul 1024^2 f16";
  list[2].name = "reduction 16M f32";
  list[3].name = "elementwise 16M f32 (2 in, 1 out)";
  return list;
}

}  // namespace tmetal::target
