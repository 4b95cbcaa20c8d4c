// Chip-table rows of the M5 generation (Apple10 GPU family), one line per GPU core-count bin
// that a source confirms. M5 (Oct 2025) [src::kAppleM5Press]; M5 Pro and M5 Max (Mar 2026)
// [src::kAppleM5ProMaxPress]. No M5 Ultra has been announced by Apple as far as our sources show.
// Apple publishes no GPU clock for M5: 1740 MHz is a third-party estimate [src::kClockThirdParty], applied
// to M5 Pro/Max as well (same GPU core design, per Apple). Bins of M5 Pro below 20 cores are not listed:
// no source we could check confirms them.
#include "chip_rows.h"
#include "families.h"
#include "sources.h"

namespace tmetal::target {

std::vector<ChipSpec> m5_chips() {
  return expand_rows({Generation::M5, apple10_family(), src::kAppleM5Press, src::kClockThirdParty}, {
      // name                variant         cores MHz   GB/s   memory GB  [spec source, note]
      {"apple-m5-10c",        Variant::Base,  10,  1740, 153,   {16, 24, 32}},  // cores: Apple: "10-core GPU with a Neural Accelerator in each core"; MHz: estimate (hmc-tech.com: 10-core M5 1740 MHz); GB/s: Apple: 153GB/s; GB: Apple: up to 32GB; 14-inch MacBook Pro (M5) 16/24/32GB
      {"apple-m5-pro-20c",    Variant::Pro,   20,  1740, 307,   {64}, src::kAppleM5ProMaxPress, "only the top M5 Pro bin is confirmed by Apple's announcement"},  // cores: Apple: "up to 20-core GPU"; MHz: estimate, assumed equal to M5; GB/s: Apple: 307GB/s; GB: Apple: "up to 64GB"; smaller configurations not verified here
      {"apple-m5-max-32c",    Variant::Max,   32,  1740, 460,   {36}, src::kThirdPartyM5Max, "bin and bandwidth from third-party pages only; unverified against Apple's tech specs"},  // cores: third-party spec pages list an M5 Max with 32-core GPU; MHz: estimate, assumed equal to M5; GB/s: third-party spec pages (cputronic.com): ~460GB/s; unverified; GB: assumed like M4 Max 32c; unverified
      {"apple-m5-max-40c",    Variant::Max,   40,  1740, 614,   {128}, src::kAppleM5ProMaxPress, "memory sizes below the 128GB maximum not verified"},  // cores: Apple: "up to 40-core GPU"; MHz: estimate, assumed equal to M5; GB/s: Apple: 614GB/s; GB: Apple: "up to 128GB"; smaller configurations not verified here
  });
}

}  // namespace tmetal::target
