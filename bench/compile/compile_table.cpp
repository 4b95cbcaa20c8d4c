// Per example: the kernel's FLOPs and bytes on a representative problem and the cost model's predicted time
// on M1, M3, M3 Max and M4 Max, plus what the lowering chose (threads, threadgroup memory, dot tiles).
#include "examples.h"
#include "triton_metal/kernel.h"
#include "triton_metal/target_cost_model.h"

#include <fmt/format.h>

#include <chrono>

int main() {
  const std::vector<std::string> chips = {"m1", "m3", "m3-max", "m4-max"};
  fmt::print("{:<24} {:<28} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "kernel", "problem", "GFLOP", "MB", "M1 ms",
             "M3 ms", "M3Max ms", "M4Max ms", "compile");
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
    w.bytes_read = e.bytes * 0.6;
    w.bytes_written = e.bytes * 0.4;
    w.kind = e.matrix ? tmetal::target::ComputeKind::SimdgroupMatrix : tmetal::target::ComputeKind::Elementwise;
    std::vector<std::string> times;
    for (const auto& c : chips) {
      auto p = tmetal::target::predict(tmetal::target::resolve_target(c), w);
      times.push_back(fmt::format("{:.3f}{}", p.seconds * 1e3, p.bound == tmetal::target::Bound::Compute ? "c" : "m"));
    }
    fmt::print("{:<24} {:<28} {:>10.3f} {:>10.1f} {:>9} {:>9} {:>9} {:>9} {:>7.1f}ms\n", e.kernel, e.problem, e.flops / 1e9, e.bytes / 1e6,
               times[0], times[1], times[2], times[3], ms);
  }
  fmt::print("\nc = compute bound, m = memory bound (roofline, include/triton_metal/target_cost_model.h); compile = one cold\n"
             "source->MSL compile for apple-m3 (see compile_bench for medians).\n");
  return 0;
}
