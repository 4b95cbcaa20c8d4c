// The chip table: every row of chips_m1.cpp .. chips_m5.cpp in one list, ordered by generation, variant
// and core count, plus the names of generations and variants.
#include "chip_rows.h"
#include "families.h"

#include <algorithm>

namespace tmetal::target {

std::string_view generation_name(Generation g) {
  switch (g) {
    case Generation::M1: return "M1";
    case Generation::M2: return "M2";
    case Generation::M3: return "M3";
    case Generation::M4: return "M4";
    case Generation::M5: return "M5";
  }
  return "?";
}

std::string_view variant_name(Variant v) {
  switch (v) {
    case Variant::Base: return "Base";
    case Variant::Pro: return "Pro";
    case Variant::Max: return "Max";
    case Variant::Ultra: return "Ultra";
  }
  return "?";
}

std::vector<ChipSpec> expand_rows(const GenerationRows& gen, const std::vector<ChipRow>& rows) {
  std::vector<ChipSpec> specs;
  for (const ChipRow& r : rows) {
    specs.push_back({.name = r.name, .generation = gen.generation, .variant = r.variant, .gpu_cores = r.gpu_cores,
                     .clock_mhz = r.clock_mhz, .memory_bandwidth = r.bandwidth_gb_s * 1e9, .memory_gb = r.memory_gb,
                     .family = gen.family, .spec_source = r.spec_source.empty() ? gen.spec_source : r.spec_source,
                     .clock_source = gen.clock_source, .note = r.note});
  }
  return specs;
}

const std::vector<ChipSpec>& chip_table() {
  static const std::vector<ChipSpec> table = [] {
    std::vector<ChipSpec> rows;
    for (auto part : {m1_chips(), m2_chips(), m3_chips(), m4_chips(), m5_chips()}) {
      rows.insert(rows.end(), part.begin(), part.end());
    }
    std::stable_sort(rows.begin(), rows.end(), [](const ChipSpec& a, const ChipSpec& b) {
      if (a.generation != b.generation) return a.generation < b.generation;
      if (a.variant != b.variant) return a.variant < b.variant;
      return a.gpu_cores < b.gpu_cores;
    });
    return rows;
  }();
  return table;
}

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const auto& row : chip_table()) names.emplace_back(row.name);
  return names;
}

}  // namespace tmetal::target
