// The binary interface between the emulator's host runtime (lib/runtime/emulator) and the shared objects
// compiled from translated MSL. Plain structs and function pointers only: both sides include this file.
// Bump kAbiVersion on any change (it is part of the compile-cache key).
#pragma once

namespace metal_rt {

constexpr int kAbiVersion = 4;
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

// A bounds-checked memory region: a bound buffer, a [[threadgroup(i)]] buffer, or a threadgroup array.
struct Region {
  char* base;
  unsigned long long bytes;
  const char* name;  // parameter or array name
  int index;         // binding index
  int kind;          // RegionKind
  Counters* counters;  // null for threadgroup memory
};

// A simdgroup_multiply result shared by the lanes of a simdgroup: every lane computes the same product
// (the operation is simdgroup-uniform), so the first lane's result is reused when the inputs match bitwise.
constexpr int kMatrixMemo = 16;
struct MatrixMemo {
  const void* tag;           // identifies the instantiation (operand types)
  unsigned gen;              // 1 + the lane-local sequence number of the multiply
  alignas(16) unsigned char key[3 * 64 * 4];
  alignas(16) unsigned char result[64 * 4];
};

// Values exchanged by one simdgroup's collectives; double-buffered by collective parity.
struct SimdShared {
  alignas(16) unsigned char slot[2][kSimdWidth][kSlotBytes];
  unsigned mask[2];  // lanes active when the collective completed
  MatrixMemo memo[kMatrixMemo];
};

enum SyncKind : int { kThreadgroupBarrier = 0, kSimdCollective = 1, kSimdgroupBarrier = 2 };

struct ThreadCtx {
  const char* kernel;
  Region* buffers;     // kMaxBuffers entries (base == nullptr when unbound)
  Region* tg_params;   // kMaxThreadgroupBufs entries
  unsigned pos[kNumPositions][3];
  unsigned lane;       // thread_index_in_simdgroup
  unsigned simd_index;
  unsigned gen;        // collectives this thread has executed
  unsigned mm_gen;     // simdgroup matrix multiplies this thread has executed
  SimdShared* simd;
  void* host;
};

struct Hooks {
  void (*fail)(const char* message);  // throws out of the kernel; never returns
  void (*sync)(ThreadCtx* c, int kind, int line, int col, const char* what);
  ThreadCtx* (*current)();
  const Region* (*lookup)(const void* address);
  void (*tg_register)(ThreadCtx* c, void* address, unsigned long long bytes, const char* name);
};

}  // namespace metal_rt
