// Host GPU detection. The system query (chip name and GPU core count) only exists on macOS; the
// mapping from what the system reports to a chip-table row is a pure function so it is tested anywhere.
#pragma once

#include "triton_metal/target.h"

#include <optional>
#include <string_view>

namespace tmetal::target {

// Maps a GPU/chip name as macOS reports it ("Apple M3 Max", "Apple M1") and the GPU core count
// (IOKit "gpu-core-count"; 0 when unknown) to a row: the row with that core count, else the nearest bin
// of that chip (a bin this table does not know yet), else the largest bin when the count is unknown.
// nullopt when the name is not an Apple M-series chip in the table.
std::optional<Target> match_detected_gpu(std::string_view gpu_name, int gpu_core_count);

// On macOS: reads the chip name (sysctl machdep.cpu.brand_string) and the GPU core count (IOKit
// AGXAccelerator "gpu-core-count") and maps them with match_detected_gpu. Elsewhere, or when the
// query fails: nullopt.
std::optional<Target> detect_host_target();

}  // namespace tmetal::target
