// Chip-table rows of the M2 generation (Apple8 GPU family), one line per GPU core-count bin.
// Sources: cores, bandwidth and memory from Apple's announcements and Mac tech specs [src::kSpecM2];
// clock 1398 MHz measured on M2 by philipturner/metal-benchmarks and consistent with Apple's published
// 3.6 / 6.8 / 13.6 / 27.2 TFLOPS for the full bins [src::kClockMetalBenchmarks].
#include "chip_rows.h"
#include "families.h"
#include "sources.h"

namespace tmetal::target {

std::vector<ChipSpec> m2_chips() {
  return expand_rows({Generation::M2, apple8_family(), src::kSpecM2, src::kClockMetalBenchmarks}, {
      // name                variant         cores MHz   GB/s   memory GB  [spec source, note]
      {"apple-m2-8c",         Variant::Base,  8,   1398, 100,   {8, 16, 24}},  // cores: MacBook Air (M2) base: 8-core GPU; MHz: metal-benchmarks: M2 1398 MHz; GB/s: Apple: 100GB/s
      {"apple-m2-10c",        Variant::Base,  10,  1398, 100,   {8, 16, 24}},  // cores: Apple: "up to 10-core GPU", 3.6 TFLOPS
      {"apple-m2-pro-16c",    Variant::Pro,   16,  1398, 200,   {16, 32}},  // cores: M2 Pro 10-core CPU / 16-core GPU; MHz: same GPU core and clock as M2 (Apple: 6.8 TFLOPS at 19 cores); GB/s: Apple: 200GB/s
      {"apple-m2-pro-19c",    Variant::Pro,   19,  1398, 200,   {16, 32}},  // cores: Apple: "up to 19-core GPU"
      {"apple-m2-max-30c",    Variant::Max,   30,  1398, 400,   {32, 64, 96}},  // cores: M2 Max with 30-core GPU; GB/s: Apple: 400GB/s
      {"apple-m2-max-38c",    Variant::Max,   38,  1398, 400,   {32, 64, 96}},  // cores: Apple: "up to 38-core GPU", 13.6 TFLOPS
      {"apple-m2-ultra-60c",  Variant::Ultra, 60,  1398, 800,   {64, 128, 192}},  // cores: Mac Studio / Mac Pro M2 Ultra: 60-core GPU; GB/s: Apple: 800GB/s
      {"apple-m2-ultra-76c",  Variant::Ultra, 76,  1398, 800,   {64, 128, 192}},  // cores: Apple: "up to 76-core GPU", 27.2 TFLOPS
  });
}

}  // namespace tmetal::target
