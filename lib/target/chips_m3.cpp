// Chip-table rows of the M3 generation (Apple9 GPU family), one line per GPU core-count bin.
// Sources: cores, bandwidth and memory from Apple's announcements and Mac tech specs [src::kSpecM3].
// Apple publishes no GPU clock or TFLOPS for M3: the 1398 MHz clock is a third-party estimate
// [src::kClockThirdParty], so M3 peak FLOP/s are estimates too.
#include "chip_rows.h"
#include "families.h"
#include "sources.h"

namespace tmetal::target {

std::vector<ChipSpec> m3_chips() {
  return expand_rows({Generation::M3, apple9_family(), src::kSpecM3, src::kClockThirdParty}, {
      // name                variant         cores MHz   GB/s   memory GB  [spec source, note]
      {"apple-m3-8c",         Variant::Base,  8,   1398, 100,   {8, 16, 24}},  // cores: MacBook Pro 14 / iMac (M3) base: 8-core GPU; MHz: estimate (hmc-tech.com); GB/s: Apple: 100GB/s
      {"apple-m3-10c",        Variant::Base,  10,  1398, 100,   {8, 16, 24}},  // cores: Apple: "up to 10-core GPU"
      {"apple-m3-pro-14c",    Variant::Pro,   14,  1398, 150,   {18, 36}},  // cores: M3 Pro 11-core CPU / 14-core GPU; GB/s: Apple: 150GB/s (192-bit bus)
      {"apple-m3-pro-18c",    Variant::Pro,   18,  1398, 150,   {18, 36}},  // cores: Apple: "up to 18-core GPU"
      {"apple-m3-max-30c",    Variant::Max,   30,  1398, 300,   {36, 96}},  // cores: M3 Max 14-core CPU / 30-core GPU; GB/s: Apple: 300GB/s for the 30-core-GPU M3 Max
      {"apple-m3-max-40c",    Variant::Max,   40,  1398, 400,   {48, 64, 128}},  // cores: Apple: "up to 40-core GPU"; GB/s: Apple: 400GB/s for the 40-core-GPU M3 Max
      {"apple-m3-ultra-60c",  Variant::Ultra, 60,  1398, 819,   {96, 256}},  // cores: Mac Studio (2025) M3 Ultra: 60-core GPU; GB/s: Apple: 819GB/s
      {"apple-m3-ultra-80c",  Variant::Ultra, 80,  1398, 819,   {96, 256, 512}},  // cores: Apple: "up to 80-core GPU"
  });
}

}  // namespace tmetal::target
