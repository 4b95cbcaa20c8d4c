// Chip-table rows of the M4 generation (Apple9 GPU family, like M3), one line per GPU core-count
// bin. There is no M4 Ultra (the 2025 Mac Studio pairs M4 Max with M3 Ultra).
// Sources: cores, bandwidth and memory from Apple's announcements and Mac tech specs [src::kSpecM4].
// Apple publishes no GPU clock for M4: 1470 MHz is a third-party estimate [src::kClockThirdParty].
#include "chip_rows.h"
#include "families.h"
#include "sources.h"

namespace tmetal::target {

std::vector<ChipSpec> m4_chips() {
  return expand_rows({Generation::M4, apple9_family(), src::kSpecM4, src::kClockThirdParty}, {
      // name                variant         cores MHz   GB/s   memory GB  [spec source, note]
      {"apple-m4-8c",         Variant::Base,  8,   1470, 120,   {16, 24, 32}},  // cores: MacBook Air / iMac (M4) base: 8-core GPU; MHz: estimate (hmc-tech.com); GB/s: Apple: 120GB/s; GB: Macs with M4 start at 16GB
      {"apple-m4-10c",        Variant::Base,  10,  1470, 120,   {16, 24, 32}},  // cores: Apple: "up to 10-core GPU"
      {"apple-m4-pro-16c",    Variant::Pro,   16,  1470, 273,   {24, 48, 64}},  // cores: M4 Pro 12-core CPU / 16-core GPU; MHz: estimate (hmc-tech.com: 16-core M4 Pro 1470 MHz); GB/s: Apple: 273GB/s
      {"apple-m4-pro-20c",    Variant::Pro,   20,  1470, 273,   {24, 48, 64}},  // cores: Apple: "up to 20-core GPU"
      {"apple-m4-max-32c",    Variant::Max,   32,  1470, 410,   {36}},  // cores: M4 Max 14-core CPU / 32-core GPU; GB/s: Apple: 410GB/s for the 32-core-GPU M4 Max
      {"apple-m4-max-40c",    Variant::Max,   40,  1470, 546,   {48, 64, 128}},  // cores: Apple: "up to 40-core GPU"; GB/s: Apple: 546GB/s for the 40-core-GPU M4 Max
  });
}

}  // namespace tmetal::target
