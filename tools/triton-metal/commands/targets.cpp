// `triton-metal targets [--json]`: lists every chip of the hardware model (one row per GPU core-count bin)
// as an aligned table, or as JSON for machines.
#include "command_registry.h"

#include "triton_metal/target.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace {

using tmetal::target::ChipSpec;
using tmetal::target::Target;

nlohmann::json row_json(const ChipSpec& s) {
  const Target t(s);
  return {
      {"name", s.name},
      {"generation", tmetal::target::generation_name(s.generation)},
      {"variant", tmetal::target::variant_name(s.variant)},
      {"gpu_family", t.gpu_family()},
      {"msl_version", t.msl_version()},
      {"gpu_cores", s.gpu_cores},
      {"clock_mhz", s.clock_mhz},
      {"fp32_flops", t.fp32_flops()},
      {"fp16_flops", t.fp16_flops()},
      {"matrix_fp16_flops", t.matrix_fp16_flops()},
      {"memory_bandwidth_bytes_per_s", t.memory_bandwidth()},
      {"memory_gb", s.memory_gb},
      {"max_threads_per_threadgroup", t.max_threads_per_threadgroup()},
      {"threadgroup_memory_bytes", t.threadgroup_memory_bytes()},
      {"simd_width", t.simd_width()},
      {"register_file_bytes_per_core", t.register_file_bytes_per_core()},
      {"bfloat", t.supports_bfloat()},
      {"bfloat_native", t.has_native_bfloat()},
      {"simdgroup_matrix", t.supports_simdgroup_matrix()},
      {"dynamic_caching", t.has_dynamic_caching()},
      {"hardware_ray_tracing", t.has_hardware_ray_tracing()},
      {"mesh_shading_hw", t.has_mesh_shading_hw()},
      {"neural_accelerators", t.has_neural_accelerators()},
      {"spec_source", s.spec_source},
      {"clock_source", s.clock_source},
      {"note", s.note},
  };
}

void print_table() {
  constexpr const char* row_format = "{:<20} {:<8} {:>4} {:>5} {:>6} {:>6} {:>6} {:>7} {:>6} {:>9} {:>9}\n";
  fmt::print(row_format, "name", "family", "MSL", "cores", "FP32", "FP16", "GB/s", "tg mem", "bfloat",
             "dyn-cache", "neural-acc");
  fmt::print(row_format, "", "", "", "", "TFLOPS", "TFLOPS", "", "", "", "", "");
  for (const auto& s : tmetal::target::chip_table()) {
    const Target t(s);
    fmt::print(row_format, s.name, fmt::format("Apple{}", t.gpu_family()), t.msl_version(), s.gpu_cores,
               fmt::format("{:.2f}", t.fp32_flops() / 1e12), fmt::format("{:.2f}", t.fp16_flops() / 1e12),
               fmt::format("{:.0f}", t.memory_bandwidth() / 1e9),
               fmt::format("{}KiB", t.threadgroup_memory_bytes() / 1024), t.supports_bfloat() ? "yes" : "no",
               t.has_dynamic_caching() ? "yes" : "no", t.has_neural_accelerators() ? "yes" : "no");
  }
  fmt::print("\nSIMD width 32 and at most 1024 threads per threadgroup on every chip. FP16 peak is the SIMD-ALU "
             "rate; M5 neural accelerators add more (see `triton-metal info`). Sources: docs/hardware-model.md.\n");
}

tmetal::cli::RunFunction setup(CLI::App& command) {
  auto json = std::make_shared<bool>(false);
  command.add_flag("--json", *json, "print the table as JSON");
  return [json] {
    if (*json) {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& s : tmetal::target::chip_table()) rows.push_back(row_json(s));
      fmt::print("{}\n", rows.dump(2));
    } else {
      print_table();
    }
    return 0;
  };
}

tmetal::cli::CommandRegistration reg{"targets", "list the Apple GPUs of the hardware model", setup};

}  // namespace
