// Hardware model of Apple-silicon GPUs: the chip table (one ChipSpec per GPU core-count bin of every
// M1..M5 variant) and the Target value type that the rest of the compiler asks for capabilities and
// tuning knobs. Code outside lib/target must never branch on chip names or generations directly; it
// asks Target (threadgroup_memory_bytes(), supports_bfloat(), has_dynamic_caching(), matmul_tile(), ...).
// Every fact's source is recorded next to the row in lib/target/chips_m*.cpp and in docs/hardware-model.md.
#pragma once

#include "triton_metal/dtype.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tmetal::target {

enum class Generation { M1 = 1, M2, M3, M4, M5 };
enum class Variant { Base, Pro, Max, Ultra };

std::string_view generation_name(Generation g);  // "M3"
std::string_view variant_name(Variant v);        // "Base", "Pro", "Max", "Ultra"

// Facts shared by every chip of one Apple GPU family (Metal feature set tables + microbenchmarks).
struct FamilyFacts {
  int gpu_family = 0;                        // N of MTLGPUFamilyAppleN
  std::string_view msl_version;              // highest Metal Shading Language version the GPU runs
  int alus_per_core = 128;                   // FP32 lanes per GPU core (FMA = 2 FLOPs)
  double fp16_rate_vs_fp32 = 1.0;            // FP16 ALU throughput relative to FP32
  int max_threads_per_threadgroup = 1024;
  std::int64_t threadgroup_memory_bytes = 32 * 1024;
  int simd_width = 32;
  std::int64_t register_file_bytes_per_core = 0;  // 0 = not published
  bool bfloat_type = false;      // MSL `bfloat` type accepted by the compiler (MSL 3.1+)
  bool bfloat_native = false;    // bf16 arithmetic runs on native ALUs (else converted through f32)
  bool simdgroup_matrix = false; // MSL simdgroup_matrix<T,8,8> multiply-accumulate
  bool dynamic_caching = false;  // on-chip memory (registers/threadgroup/cache) allocated at run time
  bool hardware_ray_tracing = false;  // graphics only: no role in compute kernels
  bool mesh_shading_hw = false;       // graphics only: no role in compute kernels
  bool neural_accelerators = false;   // per-GPU-core matrix units (M5), reached through Metal 4 tensor APIs
  double matrix_fp16_flops_per_core = 0;  // neural-accelerator FP16 peak per core (0 when absent)
  std::string_view family_source;     // where the family-level facts come from
};

struct ChipSpec {
  std::string_view name;  // canonical, e.g. "apple-m3-max-40c"
  Generation generation = Generation::M1;
  Variant variant = Variant::Base;
  int gpu_cores = 0;
  double clock_mhz = 0;           // GPU clock
  double memory_bandwidth = 0;    // bytes/s (Apple's published unified-memory bandwidth)
  std::vector<int> memory_gb;     // unified memory sizes offered
  FamilyFacts family;
  std::string_view spec_source;   // source of cores / bandwidth / memory sizes
  std::string_view clock_source;  // source of the clock (measured, published or estimated)
  std::string_view note;          // caveats for this row (empty when none)

  // Peak rates derived from the facts: cores x ALUs x 2 (FMA) x clock.
  double fp32_flops() const { return gpu_cores * family.alus_per_core * 2.0 * clock_mhz * 1e6; }
  double fp16_flops() const { return fp32_flops() * family.fp16_rate_vs_fp32; }
  double matrix_fp16_flops() const { return gpu_cores * family.matrix_fp16_flops_per_core; }
  // 32-bit integer add/multiply-add ops: one per ALU per clock (metal-benchmarks: 128 I32 OPs/clk/core).
  double int32_ops() const { return gpu_cores * family.alus_per_core * clock_mhz * 1e6; }
};

// Threadgroup tile for `dot`: the threadgroup computes block_m x block_n of C, stepping K by block_k;
// it has simdgroups_m x simdgroups_n simdgroups, each owning sg_m x sg_n of C as 8x8 simdgroup_matrix
// fragments. threadgroup_bytes covers `stages` buffers of the A and B slices.
struct MatmulTile {
  int block_m = 0, block_n = 0, block_k = 0;
  int sg_m = 0, sg_n = 0;
  int simdgroups_m = 0, simdgroups_n = 0;
  int threads = 0;
  int stages = 0;
  std::int64_t threadgroup_bytes = 0;
  int registers_per_thread = 0;  // estimated 32-bit registers the tile needs per thread
};

class UnknownTargetError : public std::runtime_error {
 public:
  UnknownTargetError(std::string name, const std::string& message)
      : std::runtime_error(message), name_(std::move(name)) {}
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// A value type wrapping one row of the chip table.
class Target {
 public:
  explicit Target(const ChipSpec& spec) : spec_(&spec) {}
  explicit Target(ChipSpec&&) = delete;  // a Target refers to a row that outlives it (chip_table())

  const ChipSpec& spec() const { return *spec_; }
  std::string name() const { return std::string(spec_->name); }
  Generation generation() const { return spec_->generation; }
  Variant variant() const { return spec_->variant; }
  int gpu_family() const { return spec_->family.gpu_family; }
  std::string msl_version() const { return std::string(spec_->family.msl_version); }
  int gpu_cores() const { return spec_->gpu_cores; }
  double clock_mhz() const { return spec_->clock_mhz; }
  int simd_width() const { return spec_->family.simd_width; }
  int max_threads_per_threadgroup() const { return spec_->family.max_threads_per_threadgroup; }
  std::int64_t threadgroup_memory_bytes() const { return spec_->family.threadgroup_memory_bytes; }
  std::int64_t register_file_bytes_per_core() const { return spec_->family.register_file_bytes_per_core; }
  bool supports_bfloat() const { return spec_->family.bfloat_type; }
  bool has_native_bfloat() const { return spec_->family.bfloat_native; }
  bool supports_simdgroup_matrix() const { return spec_->family.simdgroup_matrix; }
  bool has_dynamic_caching() const { return spec_->family.dynamic_caching; }
  bool has_neural_accelerators() const { return spec_->family.neural_accelerators; }
  bool has_hardware_ray_tracing() const { return spec_->family.hardware_ray_tracing; }
  bool has_mesh_shading_hw() const { return spec_->family.mesh_shading_hw; }
  double fp32_flops() const { return spec_->fp32_flops(); }
  double fp16_flops() const { return spec_->fp16_flops(); }
  double matrix_fp16_flops() const { return spec_->matrix_fp16_flops(); }
  double int32_ops() const { return spec_->int32_ops(); }
  double memory_bandwidth() const { return spec_->memory_bandwidth; }  // bytes/s

  // Peak arithmetic rate for element type t on the SIMD ALUs: f32 and bf16 (computed in f32 unless
  // native) at the FP32 rate, f16 at the FP16 rate, integers at the int32 op rate (i64 at a quarter).
  double peak_ops(DType t) const;

  // --- Tuning knobs derived from the facts (docs/hardware-model.md explains each derivation) ---
  int preferred_vector_bytes() const;      // widest global load/store per thread: 16 bytes
  int register_budget_per_thread() const;  // 32-bit registers a thread may use without losing occupancy
  MatmulTile matmul_tile(DType in, DType acc) const;
  int pipeline_stages(std::int64_t bytes_per_stage) const;  // 2 (double buffer) when it fits, else 1
  int default_num_stages() const;  // K-loop pipelining depth when the launch gives none: matmul_tile's stages

  friend bool operator==(const Target& a, const Target& b) { return a.spec_ == b.spec_; }

 private:
  const ChipSpec* spec_;
};

// Every row, ordered by generation, variant, core count.
const std::vector<ChipSpec>& chip_table();

// Canonical names of every row, in table order.
std::vector<std::string> target_names();

// Resolves a user-supplied name: case-insensitive; '-', '_' and spaces are interchangeable; the "apple"
// prefix and a "-core"/"c" suffix on the bin are optional ("m3", "apple-m3", "M3 Max", "m3_max",
// "m3-max-40c", "M3 Max 40-core"). A name without a core-count bin picks the largest bin of that chip.
// Throws UnknownTargetError whose message lists the valid names.
Target resolve_target(std::string_view name);

// TRITON_METAL_TARGET when set (resolved as above; an invalid value throws UnknownTargetError naming the
// variable), else on macOS the detected GPU, else apple-m3 (the 10-core M3).
Target default_target();

inline constexpr std::string_view kDefaultTargetName = "apple-m3";
inline constexpr std::string_view kTargetEnvVar = "TRITON_METAL_TARGET";

}  // namespace tmetal::target
