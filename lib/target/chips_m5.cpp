// Chip-table rows of the M5 generation (Apple10 GPU family), one struct literal per GPU core-count bin
// that a source confirms. M5 (Oct 2025) [src::kAppleM5Press]; M5 Pro and M5 Max (Mar 2026)
// [src::kAppleM5ProMaxPress]. No M5 Ultra has been announced by Apple as far as our sources show.
// Apple publishes no GPU clock for M5: 1740 MHz is a third-party estimate [src::kClockThirdParty], applied
// to M5 Pro/Max as well (same GPU core design, per Apple). Bins of M5 Pro below 20 cores are not listed:
// no source we could check confirms them.
#include "families.h"
#include "sources.h"

namespace tmetal::target {

std::vector<ChipSpec> m5_chips() {
  const FamilyFacts f = apple10_family();
  return {
      {.name = "apple-m5-10c", .generation = Generation::M5, .variant = Variant::Base,
       .gpu_cores = 10,                 // Apple: "10-core GPU with a Neural Accelerator in each core"
       .clock_mhz = 1740,               // estimate (hmc-tech.com: 10-core M5 1740 MHz)
       .memory_bandwidth = 153e9,       // Apple: 153GB/s
       .memory_gb = {16, 24, 32},       // Apple: up to 32GB; 14-inch MacBook Pro (M5) 16/24/32GB
       .family = f, .spec_source = src::kAppleM5Press, .clock_source = src::kClockThirdParty},
      {.name = "apple-m5-pro-20c", .generation = Generation::M5, .variant = Variant::Pro,
       .gpu_cores = 20,                 // Apple: "up to 20-core GPU"
       .clock_mhz = 1740,               // estimate, assumed equal to M5
       .memory_bandwidth = 307e9,       // Apple: 307GB/s
       .memory_gb = {64},               // Apple: "up to 64GB"; smaller configurations not verified here
       .family = f, .spec_source = src::kAppleM5ProMaxPress, .clock_source = src::kClockThirdParty,
       .note = "only the top M5 Pro bin is confirmed by Apple's announcement"},
      {.name = "apple-m5-max-32c", .generation = Generation::M5, .variant = Variant::Max,
       .gpu_cores = 32,                 // third-party spec pages list an M5 Max with 32-core GPU
       .clock_mhz = 1740,               // estimate, assumed equal to M5
       .memory_bandwidth = 460e9,       // third-party spec pages (cputronic.com): ~460GB/s; unverified
       .memory_gb = {36},               // assumed like M4 Max 32c; unverified
       .family = f, .spec_source = "third-party spec pages (cputronic.com, gadreview.com); not in Apple's press release",
       .clock_source = src::kClockThirdParty,
       .note = "bin and bandwidth from third-party pages only; unverified against Apple's tech specs"},
      {.name = "apple-m5-max-40c", .generation = Generation::M5, .variant = Variant::Max,
       .gpu_cores = 40,                 // Apple: "up to 40-core GPU"
       .clock_mhz = 1740,               // estimate, assumed equal to M5
       .memory_bandwidth = 614e9,       // Apple: 614GB/s
       .memory_gb = {128},              // Apple: "up to 128GB"; smaller configurations not verified here
       .family = f, .spec_source = src::kAppleM5ProMaxPress, .clock_source = src::kClockThirdParty,
       .note = "memory sizes below the 128GB maximum not verified"},
  };
}

}  // namespace tmetal::target
