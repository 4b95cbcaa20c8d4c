// One row of the chip table as chips_m1.cpp .. chips_m5.cpp write it: what differs between the GPU
// core-count bins of a generation, one line each with its sources in the comment beside the numbers.
// expand_rows() adds what the rows of a generation share (generation, family facts, default sources) and
// makes the ChipSpec rows of chip_table(). Internal to lib/target.
#pragma once

#include "triton_metal/target.h"

#include <string_view>
#include <vector>

namespace tmetal::target {

struct ChipRow {
  std::string_view name;        // canonical: apple-m<N>[-pro|-max|-ultra]-<cores>c
  Variant variant;
  int gpu_cores;
  double clock_mhz;
  double bandwidth_gb_s;        // Apple's published unified-memory bandwidth, GB/s (1e9 bytes/s)
  std::vector<int> memory_gb;   // unified memory sizes offered
  std::string_view spec_source = {};  // empty: the generation's
  std::string_view note = {};         // caveats for this row
};

struct GenerationRows {
  Generation generation;
  FamilyFacts family;
  std::string_view spec_source;   // of cores, bandwidth and memory sizes
  std::string_view clock_source;
};

std::vector<ChipSpec> expand_rows(const GenerationRows& generation, const std::vector<ChipRow>& rows);

}  // namespace tmetal::target
