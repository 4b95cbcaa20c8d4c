// The sources the chip table cites, one constant each, so the table rows, `triton-metal info` and the
// docs name the same documents. Internal to lib/target.
#pragma once

#include <string_view>

namespace tmetal::target::src {

// Apple's Metal feature set tables: family membership (Apple7 = A14/M1, Apple8 = A15/A16/M2,
// Apple9 = A17 Pro/M3/M4), max threads per threadgroup (1024), max total threadgroup memory (32 KB),
// bfloat availability (Apple6+ and Mac2), simdgroup_matrix (Apple7+).
inline constexpr std::string_view kFeatureTables =
    "Apple, Metal feature set tables (developer.apple.com/metal/Metal-Feature-Set-Tables.pdf, 2024-06-05 ed.)";
// MTLGPUFamily reference pages: apple7 = A14+M1, apple8 = A15/A16+M2, apple9 = A17/M3/M4.
inline constexpr std::string_view kGpuFamilyDocs =
    "Apple, MTLGPUFamily documentation (developer.apple.com/documentation/metal/mtlgpufamily)";
// WWDC22 session 10159 "Scale compute workloads across Apple GPUs": up to 1024 threads per threadgroup,
// up to 32K of threadgroup memory, threadgroups split into 32-wide SIMD-groups.
inline constexpr std::string_view kWwdc22Compute =
    "Apple WWDC22 session 10159, Scale compute workloads across Apple GPUs";
// Metal 4 (MTLGPUFamilyMetal4, macOS 26) runs on Apple silicon from M1 / A14 on; MSL 4.0.
inline constexpr std::string_view kMetal4 =
    "Apple, Metal 4 / MSL 4.0 (MTLGPUFamily.metal4, macOS 26; Apple7 and later)";
// philipturner/metal-benchmarks: 128 ALUs per core, FP16 rate = FP32 rate (ratio 1), I32 128 OPs/clk,
// ~208 KB register file per core (Apple7/8), 32-wide SIMD, clocks of M1/M2 parts.
inline constexpr std::string_view kMetalBenchmarks =
    "philipturner/metal-benchmarks (github.com/philipturner/metal-benchmarks), microbenchmarks of Apple GPUs";
// llama.cpp/ggml device logs on an Apple M5: MTLGPUFamilyApple10 (1010), Metal4, th_max = 1024,
// th_width = 32, has bfloat, has tensor.
inline constexpr std::string_view kGgmlM5Log =
    "llama.cpp ggml_metal_device_init log on Apple M5 (MTLGPUFamilyApple10, th_width 32, th_max 1024)";
// Apple newsroom, "Apple unveils M3, M3 Pro, and M3 Max" (2023-10-30): Dynamic Caching, hardware
// ray tracing and hardware-accelerated mesh shading arrive with M3.
inline constexpr std::string_view kAppleM3Press =
    "Apple newsroom 2023-10-30, M3 family announcement (Dynamic Caching, HW ray tracing, mesh shading)";
// Apple newsroom, "Apple unveils M5" (2025-10-15): 10-core GPU with a Neural Accelerator in each core,
// over 4x the peak GPU compute for AI of M4, 153GB/s, up to 32GB, second-generation dynamic caching.
inline constexpr std::string_view kAppleM5Press =
    "Apple newsroom 2025-10-15, M5 announcement (Neural Accelerator per GPU core, >4x M4 AI compute, 153GB/s)";
// Apple newsroom (2026-03-03), M5 Pro and M5 Max: up to 20 / 40 GPU cores, 307 / 614 GB/s, up to 64 /
// 128 GB.
inline constexpr std::string_view kAppleM5ProMaxPress =
    "Apple newsroom 2026-03-03, M5 Pro and M5 Max (up to 20/40-core GPU, 307/614GB/s, up to 64/128GB)";
// bfloat arithmetic: emulated through FP32 on M1/M2 (huggingface/transformers PR #40458;
// philipturner/metal-flash-attention issue #17 "earlier M1 chips (without hardware BF16 support)").
inline constexpr std::string_view kBfloatEmulated =
    "transformers PR #40458 and metal-flash-attention issue #17: bf16 on M1/M2 is emulated via FP32";
// metal-flash-attention README: GEMM at 87.2% (FP32) and 93.3% (FP16) of ALU peak on M1 Max.
inline constexpr std::string_view kMfaGemm =
    "philipturner/metal-flash-attention README: GEMM FP32 87.2% / FP16 93.3% of ALU peak";

// Per-generation product specs (cores, memory bandwidth, memory sizes).
inline constexpr std::string_view kSpecM1 =
    "Apple newsroom 2020-11-10 (M1), 2021-10-18 (M1 Pro/Max), 2022-03-08 (M1 Ultra); Mac tech specs";
inline constexpr std::string_view kSpecM2 =
    "Apple newsroom 2022-06-06 (M2), 2023-01-17 (M2 Pro/Max), 2023-06-05 (M2 Ultra); Mac tech specs";
inline constexpr std::string_view kSpecM3 =
    "Apple newsroom 2023-10-30 (M3/Pro/Max), 2025-03-05 (M3 Ultra, Mac Studio); Mac tech specs";
inline constexpr std::string_view kSpecM4 =
    "Apple newsroom 2024-10-28/30 (M4, M4 Pro, M4 Max); Mac tech specs";
// The M5 Max 32-core bin, which Apple's press release does not list.
inline constexpr std::string_view kThirdPartyM5Max =
    "third-party spec pages (cputronic.com, gadreview.com); not in Apple's press release";

// Clocks.
inline constexpr std::string_view kClockMetalBenchmarks =
    "measured: philipturner/metal-benchmarks overview table";
inline constexpr std::string_view kClockThirdParty =
    "estimate: third-party GPU databases (hmc-tech.com); Apple does not publish GPU clocks for M3 and later";

}  // namespace tmetal::target::src
