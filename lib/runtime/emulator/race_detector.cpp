// Shadow state of the race detector (see race_detector.h): per byte, the last write and up to two reads by
// different threads in the current barrier interval.
#include "runtime/emulator/race_detector.h"

namespace tmetal::runtime::emulator {

void RaceDetector::begin_threadgroup(unsigned simdgroups) {
  shadow_.clear();
  simd_epochs_.assign(simdgroups, 0);
  epoch_ = 0;
}

// True when `a` (recorded earlier) and `b` (now) are accesses of different threads with no synchronization
// between them.
bool RaceDetector::unordered(const RaceAccess& a, const RaceAccess& b) const {
  if (a.thread == ~0u || a.thread == b.thread || a.epoch != epoch_) return false;
  unsigned simd = b.thread / 32;
  if (a.thread / 32 == simd && a.simd_epoch < simd_epochs_[simd]) return false;
  return true;
}

std::optional<Race> RaceDetector::access(const char* address, std::size_t bytes, std::uint32_t thread, std::uint32_t line,
                                         bool write, bool device) {
  RaceAccess now{thread, line, epoch_, simd_epochs_[thread / 32], write};
  if (device && !write) return std::nullopt;  // device memory: write-write races only
  for (std::size_t i = 0; i < bytes; ++i) {
    Cell& c = shadow_[address + i];
    if (unordered(c.w, now)) return Race{address + i, c.w, now, device};
    if (write) {
      for (const RaceAccess& r : c.r)
        if (unordered(r, now)) return Race{address + i, r, now, device};
      c.w = now;
      c.r[0] = c.r[1] = RaceAccess{};
    } else if (c.r[0].thread == ~0u || c.r[0].thread == thread || c.r[0].epoch != epoch_) {
      c.r[0] = now;
    } else {
      c.r[1] = now;
    }
  }
  return std::nullopt;
}

}  // namespace tmetal::runtime::emulator
