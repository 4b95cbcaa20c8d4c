// The binary interface between the emulator's host runtime (lib/runtime/emulator) and the shared objects
// compiled from translated MSL. Plain structs and function pointers only: both sides include this file.
// Bump kAbiVersion on any change (it is part of the compile-cache key).
#pragma once

namespace metal_rt {

constexpr int kAbiVersion = 6;
constexpr int kMaxBuffers = 31;        // [[buffer(0..30)]]
constexpr int kMaxThreadgroupBufs = 31;
constexpr int kNumPositions = 20;       // msl::position_attributes()
constexpr int kSimdWidth = 32;
constexpr int kSlotBytes = 256;         // largest value a simd collective can exchange

struct Counters {
  unsigned long long read;
  unsigned long long written;
};

enum RegionKind : int { kDeviceBuffer = 0, kConstantBuffer = 1, kThreadgroupParam = 2, kThreadgroupArray = 3 };

// Watched accesses of the thread a worker runs (one kernel thread at a time per host thread), when the launch
// counts threadgroup bytes or checks races: threadgroup memory (to tell reads from writes), and device memory
// written through non-const pointers under racecheck. An access returns a reference, so whether it was a read or a write
// is settled at the thread's next watched access or scheduling point, by comparing the bytes with their
// value at the access (a store of the value already there counts as a read).
constexpr int kWatchBytes = 64;  // bytes compared per access
struct Watch {
  Counters tg;                  // threadgroup bytes read and written
  char* pending;                // the access not settled yet (null: none)
  unsigned long long pending_size;
  unsigned pending_line;        // MSL line of the access (0: unknown)
  int pending_device;           // 1: a device access (racecheck only; not counted here)
  int racecheck;                // report settled accesses to Hooks::race
  alignas(16) unsigned char old[kWatchBytes];
};

// A bounds-checked memory region: a bound buffer, a [[threadgroup(i)]] buffer, or a threadgroup array.
struct Region {
  char* base;
  unsigned long long bytes;
  const char* name;  // parameter or array name
  int index;         // binding index
  int kind;          // RegionKind
  Counters* counters;  // device bytes; null for threadgroup memory
  Watch* watch;        // threadgroup memory when watching; device memory under racecheck; else null
};

// Values exchanged by one simdgroup's collectives; double-buffered by collective parity.
struct SimdShared {
  alignas(16) unsigned char slot[2][kSimdWidth][kSlotBytes];
  unsigned mask[2];  // lanes active when the collective completed
};

// kSimdMatrix: a simdgroup_multiply(_accumulate), a collective counted as one 8x8x8 product per simdgroup.
enum SyncKind : int { kThreadgroupBarrier = 0, kSimdCollective = 1, kSimdgroupBarrier = 2, kSimdMatrix = 3 };

struct ThreadCtx {
  const char* kernel;
  Region* buffers;     // kMaxBuffers entries (base == nullptr when unbound)
  Region* tg_params;   // kMaxThreadgroupBufs entries
  unsigned pos[kNumPositions][3];
  unsigned lane;       // thread_index_in_simdgroup
  unsigned simd_index;
  unsigned gen;        // collectives this thread has executed
  SimdShared* simd;
  void* host;
};

struct Hooks {
  void (*fail)(const char* message);  // throws out of the kernel; never returns
  void (*sync)(ThreadCtx* c, int kind, int line, int col, const char* what);
  ThreadCtx* (*current)();
  const Region* (*lookup)(const void* address);
  void (*tg_register)(ThreadCtx* c, void* address, unsigned long long bytes, const char* name);
  Watch* (*watch)();  // the running worker's watch (threadgroup arrays have no region pointer)
  // A settled watched access under racecheck (the executor knows the thread); may fail the launch.
  void (*race)(const void* address, unsigned long long bytes, unsigned line, int write, int device);
  const int* watching;  // non-zero while some launch watches accesses (then ask watch() for this thread's)
  void (*log)(const char* line);  // os_log (tl.device_print): one formatted line for the host's stdout
};

}  // namespace metal_rt
