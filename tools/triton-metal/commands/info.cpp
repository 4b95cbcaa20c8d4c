// `triton-metal info [--target NAME] [--json]`: prints one chip's facts with their sources, the tuning
// knobs derived from them, and the roofline cost model's predictions for the standard workloads.
// Without --target it uses TRITON_METAL_TARGET, else the detected GPU (macOS), else apple-m3.
#include "command_registry.h"

#include "triton_metal/target.h"
#include "triton_metal/target_cost_model.h"
#include "triton_metal/target_facts.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace {

namespace tt = tmetal::target;

struct Options {
  std::string target;
  bool json = false;
};

tt::Target choose_target(const Options& opt) {
  try {
    return opt.target.empty() ? tt::default_target() : tt::resolve_target(opt.target);
  } catch (const tt::UnknownTargetError& e) {
    throw tmetal::cli::UsageError(e.what());
  }
}

std::string format_seconds(double s) {
  if (s < 1e-3) return fmt::format("{:.1f} us", s * 1e6);
  return fmt::format("{:.3f} ms", s * 1e3);
}

nlohmann::json facts_json(const std::vector<tt::Fact>& facts) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& f : facts) out[f.key] = {{"label", f.label}, {"value", f.value}, {"source", f.source}};
  return out;
}

int run(const Options& opt) {
  const tt::Target target = choose_target(opt);
  const tt::Efficiency eff;
  const auto facts = tt::describe_facts(target);
  const auto knobs = tt::describe_tuning(target);
  const auto workloads = tt::standard_workloads();

  if (opt.json) {
    nlohmann::json predictions = nlohmann::json::array();
    for (const auto& w : workloads) {
      const auto p = tt::predict(target, w, eff);
      predictions.push_back({{"workload", w.name},
                             {"ops", w.total_ops()},
                             {"bytes", w.total_bytes()},
                             {"seconds", p.seconds},
                             {"compute_seconds", p.compute_seconds},
                             {"memory_seconds", p.memory_seconds},
                             {"achieved_flops", p.achieved_ops_per_s},
                             {"achieved_bytes_per_s", p.achieved_bytes_per_s},
                             {"bound", tt::bound_name(p.bound)}});
    }
    nlohmann::json out = {
        {"target", target.name()},
        {"facts", facts_json(facts)},
        {"tuning", facts_json(knobs)},
        {"cost_model",
         {{"memory_efficiency", eff.memory},
          {"elementwise_efficiency", eff.elementwise},
          {"simdgroup_matrix_f32_efficiency", eff.simdgroup_matrix_f32},
          {"simdgroup_matrix_f16_efficiency", eff.simdgroup_matrix_f16},
          {"predictions", predictions}}},
    };
    fmt::print("{}\n", out.dump(2));
    return 0;
  }

  fmt::print("target: {}\n\nfacts:\n", target.name());
  for (const auto& f : facts) fmt::print("  {:<44} {:<22} [{}]\n", f.label, f.value, f.source);
  fmt::print("\ntuning knobs:\n");
  for (const auto& k : knobs) fmt::print("  {:<28} {}\n  {:<28} ({})\n", k.label, k.value, "", k.source);
  fmt::print("\nroofline cost model: time = max(ops / (peak x eff), bytes / (bandwidth x {:.2f}))\n", eff.memory);
  fmt::print("  efficiencies: elementwise {:.2f}, simdgroup_matrix f32 {:.2f} / f16 {:.2f} [{}]; memory {:.2f} "
             "[assumption, docs/hardware-model.md]\n",
             eff.elementwise, eff.simdgroup_matrix_f32, eff.simdgroup_matrix_f16,
             "metal-flash-attention GEMM on M1 Max", eff.memory);
  constexpr const char* row = "  {:<36} {:>10} {:>14} {:>12}  {}\n";
  fmt::print(row, "workload", "time", "TFLOP/s", "GB/s", "bound");
  for (const auto& w : workloads) {
    const auto p = tt::predict(target, w, eff);
    fmt::print(row, w.name, format_seconds(p.seconds), fmt::format("{:.3f}", p.achieved_ops_per_s / 1e12),
               fmt::format("{:.1f}", p.achieved_bytes_per_s / 1e9), tt::bound_name(p.bound));
  }
  if (target.has_neural_accelerators()) {
    auto w = tt::matmul_workload(1024, 1024, 1024, tmetal::DType::f16, tmetal::DType::f16);
    w.kind = tt::ComputeKind::NeuralAccelerator;
    const auto p = tt::predict(target, w, eff);
    fmt::print(row, "matmul 1024^2 f16 (neural accel.)", format_seconds(p.seconds),
               fmt::format("{:.3f}", p.achieved_ops_per_s / 1e12), fmt::format("{:.1f}", p.achieved_bytes_per_s / 1e9),
               tt::bound_name(p.bound));
  }
  return 0;
}

tmetal::cli::RunFunction setup(CLI::App& command) {
  auto opt = std::make_shared<Options>();
  command.add_option("--target", opt->target, "chip name, e.g. m3-max or apple-m3-max-40c (default: "
                                              "TRITON_METAL_TARGET, else the detected GPU, else apple-m3)");
  command.add_flag("--json", opt->json, "print as JSON");
  return [opt] { return run(*opt); };
}

tmetal::cli::CommandRegistration reg{"info", "show one GPU's facts, tuning knobs and cost-model predictions", setup};

}  // namespace
