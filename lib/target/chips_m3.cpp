// Chip-table rows of the M3 generation (Apple9 GPU family), one struct literal per GPU core-count bin.
// Sources: cores, bandwidth and memory from Apple's announcements and Mac tech specs [src::kSpecM3].
// Apple publishes no GPU clock or TFLOPS for M3: the 1398 MHz clock is a third-party estimate
// [src::kClockThirdParty], so M3 peak FLOP/s are estimates too.
#include "families.h"
#include "sources.h"

namespace tmetal::target {

std::vector<ChipSpec> m3_chips() {
  const FamilyFacts f = apple9_family();
  return {
      {.name = "apple-m3-8c", .generation = Generation::M3, .variant = Variant::Base,
       .gpu_cores = 8,                  // MacBook Pro 14 / iMac (M3) base: 8-core GPU
       .clock_mhz = 1398,               // estimate (hmc-tech.com)
       .memory_bandwidth = 100e9,       // Apple: 100GB/s
       .memory_gb = {8, 16, 24},
       .family = f, .spec_source = src::kSpecM3, .clock_source = src::kClockThirdParty},
      {.name = "apple-m3-10c", .generation = Generation::M3, .variant = Variant::Base,
       .gpu_cores = 10,                 // Apple: "up to 10-core GPU"
       .clock_mhz = 1398,
       .memory_bandwidth = 100e9,
       .memory_gb = {8, 16, 24},
       .family = f, .spec_source = src::kSpecM3, .clock_source = src::kClockThirdParty},
      {.name = "apple-m3-pro-14c", .generation = Generation::M3, .variant = Variant::Pro,
       .gpu_cores = 14,                 // M3 Pro 11-core CPU / 14-core GPU
       .clock_mhz = 1398,
       .memory_bandwidth = 150e9,       // Apple: 150GB/s (192-bit bus)
       .memory_gb = {18, 36},
       .family = f, .spec_source = src::kSpecM3, .clock_source = src::kClockThirdParty},
      {.name = "apple-m3-pro-18c", .generation = Generation::M3, .variant = Variant::Pro,
       .gpu_cores = 18,                 // Apple: "up to 18-core GPU"
       .clock_mhz = 1398,
       .memory_bandwidth = 150e9,
       .memory_gb = {18, 36},
       .family = f, .spec_source = src::kSpecM3, .clock_source = src::kClockThirdParty},
      {.name = "apple-m3-max-30c", .generation = Generation::M3, .variant = Variant::Max,
       .gpu_cores = 30,                 // M3 Max 14-core CPU / 30-core GPU
       .clock_mhz = 1398,
       .memory_bandwidth = 300e9,       // Apple: 300GB/s for the 30-core-GPU M3 Max
       .memory_gb = {36, 96},
       .family = f, .spec_source = src::kSpecM3, .clock_source = src::kClockThirdParty},
      {.name = "apple-m3-max-40c", .generation = Generation::M3, .variant = Variant::Max,
       .gpu_cores = 40,                 // Apple: "up to 40-core GPU"
       .clock_mhz = 1398,
       .memory_bandwidth = 400e9,       // Apple: 400GB/s for the 40-core-GPU M3 Max
       .memory_gb = {48, 64, 128},
       .family = f, .spec_source = src::kSpecM3, .clock_source = src::kClockThirdParty},
      {.name = "apple-m3-ultra-60c", .generation = Generation::M3, .variant = Variant::Ultra,
       .gpu_cores = 60,                 // Mac Studio (2025) M3 Ultra: 60-core GPU
       .clock_mhz = 1398,
       .memory_bandwidth = 819e9,       // Apple: 819GB/s
       .memory_gb = {96, 256},
       .family = f, .spec_source = src::kSpecM3, .clock_source = src::kClockThirdParty},
      {.name = "apple-m3-ultra-80c", .generation = Generation::M3, .variant = Variant::Ultra,
       .gpu_cores = 80,                 // Apple: "up to 80-core GPU"
       .clock_mhz = 1398,
       .memory_bandwidth = 819e9,
       .memory_gb = {96, 256, 512},
       .family = f, .spec_source = src::kSpecM3, .clock_source = src::kClockThirdParty},
  };
}

}  // namespace tmetal::target
