// Chip-table rows of the M1 generation (Apple7 GPU family), one struct literal per GPU core-count bin.
// Sources: cores, bandwidth and memory from Apple's announcements and Mac tech specs [src::kSpecM1];
// clocks measured by philipturner/metal-benchmarks [src::kClockMetalBenchmarks]. Peak FLOP/s are derived
// (cores x 128 ALUs x 2 x clock) and match Apple's published 2.6 / 5.2 / 10.4 / 21 TFLOPS (full bins).
#include "families.h"
#include "sources.h"

namespace tmetal::target {

std::vector<ChipSpec> m1_chips() {
  const FamilyFacts f = apple7_family();
  return {
      {.name = "apple-m1-7c", .generation = Generation::M1, .variant = Variant::Base,
       .gpu_cores = 7,                  // MacBook Air (M1, 2020) base: 7-core GPU
       .clock_mhz = 1278,               // metal-benchmarks: M1 1278 MHz
       .memory_bandwidth = 68.25e9,     // LPDDR4X-4266, 128-bit: 68.25 GB/s
       .memory_gb = {8, 16},            // Apple tech specs
       .family = f, .spec_source = src::kSpecM1, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m1-8c", .generation = Generation::M1, .variant = Variant::Base,
       .gpu_cores = 8,                  // Apple: "up to 8-core GPU"
       .clock_mhz = 1278,               // metal-benchmarks: 2617 GFLOPS at 8 cores
       .memory_bandwidth = 68.25e9,
       .memory_gb = {8, 16},
       .family = f, .spec_source = src::kSpecM1, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m1-pro-14c", .generation = Generation::M1, .variant = Variant::Pro,
       .gpu_cores = 14,                 // 14-inch MacBook Pro base: 14-core GPU
       .clock_mhz = 1296,               // metal-benchmarks: M1 Pro 1296 MHz
       .memory_bandwidth = 200e9,       // Apple: 200GB/s
       .memory_gb = {16, 32},
       .family = f, .spec_source = src::kSpecM1, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m1-pro-16c", .generation = Generation::M1, .variant = Variant::Pro,
       .gpu_cores = 16,                 // Apple: "up to 16-core GPU"
       .clock_mhz = 1296,
       .memory_bandwidth = 200e9,
       .memory_gb = {16, 32},
       .family = f, .spec_source = src::kSpecM1, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m1-max-24c", .generation = Generation::M1, .variant = Variant::Max,
       .gpu_cores = 24,                 // M1 Max with 24-core GPU
       .clock_mhz = 1296,               // metal-benchmarks: M1 Max 1296 MHz
       .memory_bandwidth = 400e9,       // Apple: 400GB/s
       .memory_gb = {32, 64},
       .family = f, .spec_source = src::kSpecM1, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m1-max-32c", .generation = Generation::M1, .variant = Variant::Max,
       .gpu_cores = 32,                 // Apple: "up to 32-core GPU"
       .clock_mhz = 1296,
       .memory_bandwidth = 400e9,
       .memory_gb = {32, 64},
       .family = f, .spec_source = src::kSpecM1, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m1-ultra-48c", .generation = Generation::M1, .variant = Variant::Ultra,
       .gpu_cores = 48,                 // Mac Studio M1 Ultra: 48-core GPU
       .clock_mhz = 1296,               // metal-benchmarks: M1 Ultra 1296 MHz
       .memory_bandwidth = 800e9,       // Apple: 800GB/s
       .memory_gb = {64, 128},
       .family = f, .spec_source = src::kSpecM1, .clock_source = src::kClockMetalBenchmarks},
      {.name = "apple-m1-ultra-64c", .generation = Generation::M1, .variant = Variant::Ultra,
       .gpu_cores = 64,                 // Apple: "up to 64-core GPU"
       .clock_mhz = 1296,
       .memory_bandwidth = 800e9,
       .memory_gb = {64, 128},
       .family = f, .spec_source = src::kSpecM1, .clock_source = src::kClockMetalBenchmarks},
  };
}

}  // namespace tmetal::target
