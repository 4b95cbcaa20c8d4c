// Formats a Target's facts (with sources) and tuning knobs (with derivations) for `triton-metal info`.
#include "triton_metal/target_facts.h"

#include "sources.h"

#include <fmt/format.h>

namespace tmetal::target {
namespace {

std::string yes_no(bool b) { return b ? "yes" : "no"; }

std::string tile_text(const MatmulTile& t) {
  return fmt::format("block {}x{}x{}, simdgroup {}x{} ({}x{} simdgroups, {} threads), {} stage(s), {} B "
                     "threadgroup memory, ~{} regs/thread",
                     t.block_m, t.block_n, t.block_k, t.sg_m, t.sg_n, t.simdgroups_m, t.simdgroups_n, t.threads,
                     t.stages, t.threadgroup_bytes, t.registers_per_thread);
}

}  // namespace

std::vector<Fact> describe_facts(const Target& t) {
  const ChipSpec& s = t.spec();
  const std::string family_src = t.gpu_family() == 10 ? std::string(src::kGgmlM5Log)
                                                      : fmt::format("{}; {}", src::kFeatureTables, src::kGpuFamilyDocs);
  std::string memory;
  for (int gb : s.memory_gb) memory += fmt::format("{}{} GB", memory.empty() ? "" : ", ", gb);
  std::vector<Fact> facts{
      {"name", "chip", fmt::format("Apple {}{} ({}-core GPU)", generation_name(s.generation),
                                   s.variant == Variant::Base ? "" : fmt::format(" {}", variant_name(s.variant)),
                                   s.gpu_cores),
       std::string(s.spec_source)},
      {"gpu_family", "GPU family", fmt::format("Apple{}", t.gpu_family()), family_src},
      {"msl_version", "highest MSL version", t.msl_version(), std::string(src::kMetal4)},
      {"gpu_cores", "GPU cores", fmt::format("{}", s.gpu_cores), std::string(s.spec_source)},
      {"clock_mhz", "GPU clock", fmt::format("{:.0f} MHz", s.clock_mhz), std::string(s.clock_source)},
      {"fp32_flops", "FP32 peak", fmt::format("{:.2f} TFLOP/s", t.fp32_flops() / 1e12),
       fmt::format("derived: cores x {} ALUs x 2 x clock ({})", s.family.alus_per_core, src::kMetalBenchmarks)},
      {"fp16_flops", "FP16 peak (SIMD ALUs)", fmt::format("{:.2f} TFLOP/s", t.fp16_flops() / 1e12),
       fmt::format("FP16 rate = FP32 rate ({})", src::kMetalBenchmarks)},
      {"memory_bandwidth", "memory bandwidth", fmt::format("{:.0f} GB/s", t.memory_bandwidth() / 1e9),
       std::string(s.spec_source)},
      {"memory_gb", "unified memory offered", memory, std::string(s.spec_source)},
      {"max_threads_per_threadgroup", "max threads per threadgroup", fmt::format("{}", t.max_threads_per_threadgroup()),
       fmt::format("{}; {}", src::kFeatureTables, src::kWwdc22Compute)},
      {"threadgroup_memory_bytes", "threadgroup memory", fmt::format("{} KiB", t.threadgroup_memory_bytes() / 1024),
       t.gpu_family() == 10 ? std::string("assumed equal to Apple7-9 (32 KB in the feature set tables); confirm with "
                                          "maxThreadgroupMemoryLength")
                            : fmt::format("{}; {}", src::kFeatureTables, src::kWwdc22Compute)},
      {"simd_width", "SIMD-group width", fmt::format("{}", t.simd_width()),
       fmt::format("{}; {}", src::kMetalBenchmarks, src::kWwdc22Compute)},
      {"register_file_bytes_per_core", "register file per core",
       t.register_file_bytes_per_core() > 0 ? fmt::format("~{} KiB", t.register_file_bytes_per_core() / 1024)
                                            : std::string("not published (dynamic caching pool)"),
       t.register_file_bytes_per_core() > 0 ? std::string(src::kMetalBenchmarks) : std::string(src::kAppleM3Press)},
      {"bfloat", "MSL bfloat type", yes_no(t.supports_bfloat()), fmt::format("{} (Apple6+, MSL 3.1)", src::kFeatureTables)},
      {"bfloat_native", "native bf16 arithmetic", yes_no(t.has_native_bfloat()),
       t.generation() <= Generation::M2 ? std::string(src::kBfloatEmulated)
                                        : std::string("no public source shows native bf16 ALUs: computed in f32")},
      {"simdgroup_matrix", "simdgroup_matrix", yes_no(t.supports_simdgroup_matrix()),
       fmt::format("{} (Apple7+)", src::kFeatureTables)},
      {"dynamic_caching", "dynamic caching", yes_no(t.has_dynamic_caching()),
       t.has_dynamic_caching() ? std::string(src::kAppleM3Press) : std::string("M3 and later only")},
      {"hardware_ray_tracing", "hardware ray tracing (graphics only)", yes_no(t.has_hardware_ray_tracing()),
       std::string(src::kAppleM3Press)},
      {"mesh_shading_hw", "hardware mesh shading (graphics only)", yes_no(t.has_mesh_shading_hw()),
       std::string(src::kAppleM3Press)},
      {"neural_accelerators", "GPU neural accelerators", yes_no(t.has_neural_accelerators()),
       t.has_neural_accelerators() ? std::string(src::kAppleM5Press)
                                   : std::string("M5 and later only; no tensor cores before M5")},
  };
  if (t.has_neural_accelerators()) {
    facts.push_back({"matrix_fp16_flops", "neural-accelerator FP16 peak (lower bound)",
                     fmt::format("{:.1f} TFLOP/s", t.matrix_fp16_flops() / 1e12),
                     "derived: Apple's '>4x peak GPU AI compute vs M4' at equal core count"});
  }
  if (!s.note.empty()) facts.push_back({"note", "note", std::string(s.note), std::string(s.spec_source)});
  return facts;
}

std::vector<Fact> describe_tuning(const Target& t) {
  return {
      {"preferred_vector_bytes", "preferred vector access", fmt::format("{} bytes", t.preferred_vector_bytes()),
       "widest MSL vector of 4-byte elements (float4); a simdgroup then touches four 128-byte lines"},
      {"register_budget_per_thread", "register budget per thread", fmt::format("{} x 32-bit", t.register_budget_per_thread()),
       t.has_dynamic_caching() ? "dynamic caching: registers come from a shared pool; tuning choice of 64"
                               : "register file / (1024 resident threads x 4 bytes)"},
      {"matmul_tile_f32", "matmul tile f32 -> f32", tile_text(t.matmul_tile(DType::f32, DType::f32)),
       "largest simdgroup tile within the register budget; deepest K with 2 stages in threadgroup memory"},
      {"matmul_tile_f16", "matmul tile f16 -> f32", tile_text(t.matmul_tile(DType::f16, DType::f32)),
       "as above, with 16-bit A/B fragments and slices"},
  };
}

}  // namespace tmetal::target
