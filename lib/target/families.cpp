// Family-level facts of the Apple GPU families in Macs, each with its source. Every number here is
// shared by all rows of the generations that belong to the family.
#include "families.h"

#include "sources.h"

namespace tmetal::target {
namespace {

// Facts common to every Apple-silicon Mac GPU (M1..M5).
FamilyFacts common_facts() {
  FamilyFacts f;
  // Metal 4 / MSL 4.0 (macOS 26) supports Apple7 and later, i.e. every M-series GPU.  [kMetal4]
  f.msl_version = "4.0";
  // 128 FP32 ALUs per GPU core; an FMA counts 2 FLOPs.  [kMetalBenchmarks: "ALUs 128" per core]
  f.alus_per_core = 128;
  // FP16 runs at the FP32 rate on the SIMD ALUs (not 2x as on NVIDIA/AMD); half mainly saves
  // registers and bandwidth.  [kMetalBenchmarks: FP16/FP32 ratio 1; F16 and F32 256 OPs/clock on M1]
  f.fp16_rate_vs_fp32 = 1.0;
  // Max threads per threadgroup: 1024.  [kFeatureTables; kWwdc22Compute]
  f.max_threads_per_threadgroup = 1024;
  // Max total threadgroup memory per threadgroup: 32 KB (32768 bytes) on every Apple family in the
  // tables, M3 included (the "64 KB on M3" claim is wrong).  [kFeatureTables; kWwdc22Compute]
  f.threadgroup_memory_bytes = 32 * 1024;
  // SIMD-group width: 32 threads on every Apple GPU, M1 and M2 included (the "16-wide" claim is
  // wrong).  [kMetalBenchmarks; kWwdc22Compute; threadExecutionWidth = 32]
  f.simd_width = 32;
  // The MSL `bfloat` type (MSL 3.1, macOS 14) is available on Apple6+ and Mac2 GPUs, so on every
  // M-series GPU.  [kFeatureTables]
  f.bfloat_type = true;
  // simdgroup_matrix<T,8,8>: Apple7 and later.  [kFeatureTables] Apple's matrix path on M1..M4 is this
  // instruction on the ordinary FP ALUs; there are no "tensor cores" before the M5 neural accelerators.
  f.simdgroup_matrix = true;
  return f;
}

}  // namespace

FamilyFacts apple7_family() {
  FamilyFacts f = common_facts();
  f.gpu_family = 7;  // MTLGPUFamilyApple7 = A14, M1, M1 Pro, M1 Max, M1 Ultra.  [kFeatureTables; kGpuFamilyDocs]
  // ~208 KB register file per core (Apple7/8).  [kMetalBenchmarks, On-Chip Memory table]
  f.register_file_bytes_per_core = 208 * 1024;
  // bf16 arithmetic is emulated through FP32 on M1.  [kBfloatEmulated]
  f.bfloat_native = false;
  f.family_source = src::kFeatureTables;
  return f;
}

FamilyFacts apple8_family() {
  FamilyFacts f = common_facts();
  f.gpu_family = 8;  // MTLGPUFamilyApple8 = A15, A16, M2, M2 Pro, M2 Max, M2 Ultra.  [kFeatureTables; kGpuFamilyDocs]
  f.register_file_bytes_per_core = 208 * 1024;  // [kMetalBenchmarks: "Apple 7, 8" column]
  f.bfloat_native = false;                      // [kBfloatEmulated: emulated on M1 and M2]
  f.family_source = src::kFeatureTables;
  return f;
}

FamilyFacts apple9_family() {
  FamilyFacts f = common_facts();
  f.gpu_family = 9;  // MTLGPUFamilyApple9 = A17 Pro, M3, M3 Pro, M3 Max, M4.  [kFeatureTables; kGpuFamilyDocs]
  // Register file size not published; with Dynamic Caching registers come from a shared on-chip pool
  // allocated at run time.  [kAppleM3Press]
  f.register_file_bytes_per_core = 0;
  // No public source shows native bf16 ALUs on M3/M4: treat bf16 as storage, compute in f32.
  f.bfloat_native = false;
  f.dynamic_caching = true;       // [kAppleM3Press]
  f.hardware_ray_tracing = true;  // [kAppleM3Press] graphics only
  f.mesh_shading_hw = true;       // [kAppleM3Press] graphics only
  f.family_source = src::kFeatureTables;
  return f;
}

FamilyFacts apple10_family() {
  FamilyFacts f = common_facts();
  // M5 reports MTLGPUFamilyApple10 (1010) and Metal4; threadExecutionWidth 32, 1024 threads.  [kGgmlM5Log]
  f.gpu_family = 10;
  // Threadgroup memory: assumed 32 KB as in every earlier Apple family; the runtime should confirm with
  // MTLDevice.maxThreadgroupMemoryLength (no feature-table edition listing Apple10 was available to us).
  f.threadgroup_memory_bytes = 32 * 1024;
  f.register_file_bytes_per_core = 0;  // not published
  f.bfloat_native = false;             // not established publicly for the SIMD ALUs
  f.dynamic_caching = true;            // "second-generation dynamic caching"  [kAppleM5Press]
  f.hardware_ray_tracing = true;       // "third-generation ray tracing"  [kAppleM5Press] graphics only
  f.mesh_shading_hw = true;            // inherited from Apple9  [kAppleM3Press] graphics only
  f.neural_accelerators = true;        // a Neural Accelerator in each GPU core  [kAppleM5Press]
  // Apple: "over 4x the peak GPU compute for AI" of M4 at the same core count (10 vs 10 cores). M4's
  // FP16 peak per core is 128 ALUs x 2 x 1470 MHz = 376 GFLOP/s, so the accelerators give at least
  // 4 x 376 = 1505 GFLOP/s per core. A lower bound derived from a marketing ratio, not a measurement.
  f.matrix_fp16_flops_per_core = 4.0 * 128 * 2 * 1470e6;
  f.family_source = src::kGgmlM5Log;
  return f;
}

}  // namespace tmetal::target
