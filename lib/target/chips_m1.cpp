// Chip-table rows of the M1 generation (Apple7 GPU family), one line per GPU core-count bin.
// Sources: cores, bandwidth and memory from Apple's announcements and Mac tech specs [src::kSpecM1];
// clocks measured by philipturner/metal-benchmarks [src::kClockMetalBenchmarks]. Peak FLOP/s are derived
// (cores x 128 ALUs x 2 x clock) and match Apple's published 2.6 / 5.2 / 10.4 / 21 TFLOPS (full bins).
#include "chip_rows.h"
#include "families.h"
#include "sources.h"

namespace tmetal::target {

std::vector<ChipSpec> m1_chips() {
  return expand_rows({Generation::M1, apple7_family(), src::kSpecM1, src::kClockMetalBenchmarks}, {
      // name                variant         cores MHz   GB/s   memory GB  [spec source, note]
      {"apple-m1-7c",         Variant::Base,  7,   1278, 68.25, {8, 16}},  // cores: MacBook Air (M1, 2020) base: 7-core GPU; MHz: metal-benchmarks: M1 1278 MHz; GB/s: LPDDR4X-4266, 128-bit: 68.25 GB/s; GB: Apple tech specs
      {"apple-m1-8c",         Variant::Base,  8,   1278, 68.25, {8, 16}},  // cores: Apple: "up to 8-core GPU"; MHz: metal-benchmarks: 2617 GFLOPS at 8 cores
      {"apple-m1-pro-14c",    Variant::Pro,   14,  1296, 200,   {16, 32}},  // cores: 14-inch MacBook Pro base: 14-core GPU; MHz: metal-benchmarks: M1 Pro 1296 MHz; GB/s: Apple: 200GB/s
      {"apple-m1-pro-16c",    Variant::Pro,   16,  1296, 200,   {16, 32}},  // cores: Apple: "up to 16-core GPU"
      {"apple-m1-max-24c",    Variant::Max,   24,  1296, 400,   {32, 64}},  // cores: M1 Max with 24-core GPU; MHz: metal-benchmarks: M1 Max 1296 MHz; GB/s: Apple: 400GB/s
      {"apple-m1-max-32c",    Variant::Max,   32,  1296, 400,   {32, 64}},  // cores: Apple: "up to 32-core GPU"
      {"apple-m1-ultra-48c",  Variant::Ultra, 48,  1296, 800,   {64, 128}},  // cores: Mac Studio M1 Ultra: 48-core GPU; MHz: metal-benchmarks: M1 Ultra 1296 MHz; GB/s: Apple: 800GB/s
      {"apple-m1-ultra-64c",  Variant::Ultra, 64,  1296, 800,   {64, 128}},  // cores: Apple: "up to 64-core GPU"
  });
}

}  // namespace tmetal::target
