// Chip-table rows of the M2 generation (Apple8 GPU family), one struct literal per GPU core-count bin.
// Sources: cores, bandwidth and memory from Apple's announcements and Mac tech specs [src::kSpecM2];
// clock 1398 MHz measured on M2 by philipturner/metal-benchmarks and consistent with Apple's published
// 3.6 / 6.8 / 13.6 / 27.2 TFLOPS for the full bins [src::kClockMetalBenchmarks].
#include "families.h"
#include "sources.h"

namespace tmetal::target {

std::vector<ChipSpec> m2_chips() {
  const FamilyFacts f = apple8_family();
  return {
      {.name = "apple-m2-8c", .generation = Generation::M2, .variant = Variant::Base,
       .gpu_cores = 8,                  // MacBook Air (M2) base: 8-core GPU
       .clock_mhz = 1398,               // metal-benchmarks: M2 1398 MHz
       .memory_bandwidth = 100e9,       // Apple: 100GB/s
       .memory_gb = {8, 16, 24},
       .family = f, .spec_source = src::kSpecM2, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m2-10c", .generation = Generation::M2, .variant = Variant::Base,
       .gpu_cores = 10,                 // Apple: "up to 10-core GPU", 3.6 TFLOPS
       .clock_mhz = 1398,
       .memory_bandwidth = 100e9,
       .memory_gb = {8, 16, 24},
       .family = f, .spec_source = src::kSpecM2, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m2-pro-16c", .generation = Generation::M2, .variant = Variant::Pro,
       .gpu_cores = 16,                 // M2 Pro 10-core CPU / 16-core GPU
       .clock_mhz = 1398,               // same GPU core and clock as M2 (Apple: 6.8 TFLOPS at 19 cores)
       .memory_bandwidth = 200e9,       // Apple: 200GB/s
       .memory_gb = {16, 32},
       .family = f, .spec_source = src::kSpecM2, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m2-pro-19c", .generation = Generation::M2, .variant = Variant::Pro,
       .gpu_cores = 19,                 // Apple: "up to 19-core GPU"
       .clock_mhz = 1398,
       .memory_bandwidth = 200e9,
       .memory_gb = {16, 32},
       .family = f, .spec_source = src::kSpecM2, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m2-max-30c", .generation = Generation::M2, .variant = Variant::Max,
       .gpu_cores = 30,                 // M2 Max with 30-core GPU
       .clock_mhz = 1398,
       .memory_bandwidth = 400e9,       // Apple: 400GB/s
       .memory_gb = {32, 64, 96},
       .family = f, .spec_source = src::kSpecM2, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m2-max-38c", .generation = Generation::M2, .variant = Variant::Max,
       .gpu_cores = 38,                 // Apple: "up to 38-core GPU", 13.6 TFLOPS
       .clock_mhz = 1398,
       .memory_bandwidth = 400e9,
       .memory_gb = {32, 64, 96},
       .family = f, .spec_source = src::kSpecM2, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m2-ultra-60c", .generation = Generation::M2, .variant = Variant::Ultra,
       .gpu_cores = 60,                 // Mac Studio / Mac Pro M2 Ultra: 60-core GPU
       .clock_mhz = 1398,
       .memory_bandwidth = 800e9,       // Apple: 800GB/s
       .memory_gb = {64, 128, 192},
       .family = f, .spec_source = src::kSpecM2, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m2-ultra-76c", .generation = Generation::M2, .variant = Variant::Ultra,
       .gpu_cores = 76,                 // Apple: "up to 76-core GPU", 27.2 TFLOPS
       .clock_mhz = 1398,
       .memory_bandwidth = 800e9,
       .memory_gb = {64, 128, 192},
       .family = f, .spec_source = src::kSpecM2, .clock_source = src::kClockMetalBenchmarks},
  };
}

}  // namespace tmetal::target
