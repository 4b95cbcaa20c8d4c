// Chip-table rows of the M4 generation (Apple9 GPU family, like M3), one struct literal per GPU
// core-count bin. There is no M4 Ultra (the 2025 Mac Studio pairs M4 Max with M3 Ultra).
// Sources: cores, bandwidth and memory from Apple's announcements and Mac tech specs [src::kSpecM4].
// Apple publishes no GPU clock for M4: 1470 MHz is a third-party estimate [src::kClockThirdParty].
#include "families.h"
#include "sources.h"

namespace tmetal::target {

std::vector<ChipSpec> m4_chips() {
  const FamilyFacts f = apple9_family();
  return {
      {.name = "apple-m4-8c", .generation = Generation::M4, .variant = Variant::Base,
       .gpu_cores = 8,                  // MacBook Air / iMac (M4) base: 8-core GPU
       .clock_mhz = 1470,               // estimate (hmc-tech.com)
       .memory_bandwidth = 120e9,       // Apple: 120GB/s
       .memory_gb = {16, 24, 32},       // Macs with M4 start at 16GB
       .family = f, .spec_source = src::kSpecM4, .clock_source = src::kClockThirdParty},
      {.name = "apple-m4-10c", .generation = Generation::M4, .variant = Variant::Base,
       .gpu_cores = 10,                 // Apple: "up to 10-core GPU"
       .clock_mhz = 1470,
       .memory_bandwidth = 120e9,
       .memory_gb = {16, 24, 32},
       .family = f, .spec_source = src::kSpecM4, .clock_source = src::kClockThirdParty},
      {.name = "apple-m4-pro-16c", .generation = Generation::M4, .variant = Variant::Pro,
       .gpu_cores = 16,                 // M4 Pro 12-core CPU / 16-core GPU
       .clock_mhz = 1470,               // estimate (hmc-tech.com: 16-core M4 Pro 1470 MHz)
       .memory_bandwidth = 273e9,       // Apple: 273GB/s
       .memory_gb = {24, 48, 64},
       .family = f, .spec_source = src::kSpecM4, .clock_source = src::kClockThirdParty},
      {.name = "apple-m4-pro-20c", .generation = Generation::M4, .variant = Variant::Pro,
       .gpu_cores = 20,                 // Apple: "up to 20-core GPU"
       .clock_mhz = 1470,
       .memory_bandwidth = 273e9,
       .memory_gb = {24, 48, 64},
       .family = f, .spec_source = src::kSpecM4, .clock_source = src::kClockThirdParty},
      {.name = "apple-m4-max-32c", .generation = Generation::M4, .variant = Variant::Max,
       .gpu_cores = 32,                 // M4 Max 14-core CPU / 32-core GPU
       .clock_mhz = 1470,
       .memory_bandwidth = 410e9,       // Apple: 410GB/s for the 32-core-GPU M4 Max
       .memory_gb = {36},
       .family = f, .spec_source = src::kSpecM4, .clock_source = src::kClockThirdParty},
      {.name = "apple-m4-max-40c", .generation = Generation::M4, .variant = Variant::Max,
       .gpu_cores = 40,                 // Apple: "up to 40-core GPU"
       .clock_mhz = 1470,
       .memory_bandwidth = 546e9,       // Apple: 546GB/s for the 40-core-GPU M4 Max
       .memory_gb = {48, 64, 128},
       .family = f, .spec_source = src::kSpecM4, .clock_source = src::kClockThirdParty},
  };
}

}  // namespace tmetal::target
