// The emulator's race detector (`emulate --racecheck`, LaunchConfig::racecheck, TRITON_METAL_RACECHECK=1):
// finds two accesses to the same byte by different threads of one threadgroup, at least one a write, with no
// synchronization between them. Threadgroup memory: reads and writes. Device memory: writes (two threads of a
// threadgroup writing one byte). Synchronization: a completed threadgroup_barrier orders every earlier access
// of the threadgroup before every later one (whatever its mem_flags); a completed simdgroup-wide operation
// (simd_* / quad_* functions, simdgroup_barrier, simdgroup_matrix load/store/multiply) orders the accesses of
// the lanes of that simdgroup. Atomics never race. Accesses are settled reads or writes (abi.h, Watch).
// One detector per worker (host thread); it holds the running threadgroup's shadow state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tmetal::runtime::emulator {

struct RaceAccess {
  std::uint32_t thread = ~0u;  // thread_index_in_threadgroup; ~0u: none
  std::uint32_t line = 0;      // MSL line, 0 when unknown
  std::uint32_t epoch = 0;     // threadgroup barriers completed before the access
  std::uint32_t simd_epoch = 0;  // simdgroup-wide operations of its simdgroup completed before it
  bool write = false;
};

struct Race {
  const char* address;
  RaceAccess first, second;
  bool device;
};

class RaceDetector {
 public:
  void begin_threadgroup(unsigned simdgroups);
  void barrier() { ++epoch_; }
  void simd_sync(unsigned simd) { ++simd_epochs_[simd]; }
  // Records an access of `bytes` bytes at `address`; returns the race it completes with an earlier access.
  std::optional<Race> access(const char* address, std::size_t bytes, std::uint32_t thread, std::uint32_t line, bool write,
                             bool device);

 private:
  struct Cell {
    RaceAccess w, r[2];
  };
  bool unordered(const RaceAccess& a, const RaceAccess& b) const;
  std::unordered_map<const char*, Cell> shadow_;
  std::vector<std::uint32_t> simd_epochs_;
  std::uint32_t epoch_ = 0;
};

}  // namespace tmetal::runtime::emulator
