// Per example: the kernel's FLOPs and device bytes on a representative problem and the cost model's
// predicted time on M1, M3, M3 Max, M4 Max and M5 beside the roofline's floor. The bytes are those the
// emulator counts for the compiled kernel (emulated_bytes.h: the same counters the tests pin), scaled from a
// problem 1/256 the size; the dot kernels keep their hand-counted bytes.
#include "emulated_bytes.h"
#include "examples.h"
#include "triton_metal/kernel.h"
#include "triton_metal/target_cost_model.h"

#include <fmt/format.h>

#include <chrono>

int main() {
  const std::vector<std::string> chips = {"m1", "m3", "m3-max", "m4-max", "m5"};
  fmt::print("{:<24} {:<28} {:>9} {:>9} {:>6} {:>15} {:>15} {:>15} {:>15} {:>15} {:>9}\n", "kernel", "problem", "GFLOP", "MB",
             "bytes", "M1 ms (roof)", "M3 ms (roof)", "M3Max ms (roof)", "M4Max ms (roof)", "M5 ms (roof)", "compile");
  for (const auto& e : tmetal::bench::bench_examples()) {
    std::string source = tmetal::bench::read_example(e.file);
    tmetal::Specialization spec;
    spec.parse_signature(e.signature);
    spec.parse_constexpr(e.constexprs);
    auto t0 = std::chrono::steady_clock::now();
    tmetal::KernelOptions o;
    o.target = "m3";
    tmetal::CompiledKernel k = tmetal::compile(source, e.file + ".py", e.kernel, spec, o);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    tmetal::target::Workload w;
    w.name = e.kernel;
    if (e.flops > 0) w.ops[e.dtype] = e.flops;
    std::optional<tmetal::bench::EmulatedBytes> measured = tmetal::bench::emulated_bytes(e.kernel, k);
    w.bytes_read = measured ? measured->read : e.bytes * 0.6;
    w.bytes_written = measured ? measured->written : e.bytes * 0.4;
    w.kind = e.matrix ? tmetal::target::ComputeKind::SimdgroupMatrix : tmetal::target::ComputeKind::Elementwise;
    std::vector<std::string> times;
    for (const auto& c : chips) {
      const tmetal::target::Target& t = tmetal::target::resolve_target(c);
      auto p = tmetal::target::predict(t, w);
      // The roofline's floor: the kernel's minimum bytes at the chip's published bandwidth, or its FLOPs at peak.
      double roof = std::max(e.bytes / t.memory_bandwidth(), e.flops > 0 ? p.compute_seconds * tmetal::target::Efficiency{}.elementwise : 0.0);
      times.push_back(fmt::format("{:.3f}{} ({:.3f})", p.seconds * 1e3, p.bound == tmetal::target::Bound::Compute ? "c" : "m", roof * 1e3));
    }
    fmt::print("{:<24} {:<28} {:>9.3f} {:>9.1f} {:>6} {:>15} {:>15} {:>15} {:>15} {:>15} {:>7.1f}ms\n", e.kernel, e.problem, e.flops / 1e9,
               w.total_bytes() / 1e6, measured ? "emu" : "model", times[0], times[1], times[2], times[3], times[4], ms);
  }
  fmt::print("\nMB = device bytes: 'emu' counted by the emulator on the compiled kernel (scaled from 1/256 of the problem), 'model'\n"
             "hand-counted. Predicted time: the cost model (include/triton_metal/target_cost_model.h; c = compute bound, m = memory\n"
             "bound) on those bytes; (roof) = the floor: the kernel's minimum bytes at the published bandwidth. compile = one cold\n"
             "source->MSL compile for apple-m3 (see compile_bench for medians).\n");
  return 0;
}
