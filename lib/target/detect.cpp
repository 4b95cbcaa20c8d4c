// Maps what macOS reports about the GPU (chip name, GPU core count) to a chip-table row. Pure, so it is
// unit-tested on every platform; the system query itself is in detect_macos.cpp (Apple platforms only).
#include "triton_metal/target_detect.h"

#include <cstdlib>

namespace tmetal::target {

std::optional<Target> match_detected_gpu(std::string_view gpu_name, int gpu_core_count) {
  std::optional<Target> largest;
  try {
    largest = resolve_target(gpu_name);  // "Apple M3 Max" -> the largest M3 Max bin
  } catch (const UnknownTargetError&) {
    return std::nullopt;
  }
  if (gpu_core_count <= 0) return largest;
  const ChipSpec* nearest = nullptr;
  for (const auto& row : chip_table()) {
    if (row.generation != largest->generation() || row.variant != largest->variant()) continue;
    if (row.gpu_cores == gpu_core_count) return Target(row);
    if (nearest == nullptr ||
        std::abs(row.gpu_cores - gpu_core_count) < std::abs(nearest->gpu_cores - gpu_core_count)) {
      nearest = &row;
    }
  }
  return Target(*nearest);
}

#if !defined(__APPLE__)
std::optional<Target> detect_host_target() { return std::nullopt; }
#endif

}  // namespace tmetal::target
