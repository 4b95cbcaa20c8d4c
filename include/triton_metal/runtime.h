// Public runtime API of triton-metal: devices that compile Metal Shading Language kernels into pipelines
// and launch them on buffers. The first device is the Metal emulator ("emulator"), which runs MSL on the
// CPU with Metal's execution model and checks every memory access (docs/emulator.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tmetal::target {
class Target;
}

namespace tmetal::runtime {

// Hardware limits a device enforces. Defaults are Apple GPUs' (every Apple GPU family): 1024 threads per
// threadgroup, 32 KiB of threadgroup memory, 32-wide SIMD groups. The lead wires these to lib/target.
struct DeviceLimits {
  std::uint32_t max_threads_per_threadgroup = 1024;
  std::uint64_t max_threadgroup_memory_bytes = 32 * 1024;
  std::uint32_t simd_width = 32;
};

struct Size3 {
  std::uint32_t x = 1, y = 1, z = 1;
  std::uint64_t volume() const { return std::uint64_t{x} * y * z; }
};

// Any failure the user can cause: bad MSL, bad launch configuration, misuse found while running.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// The MSL did not compile; what() holds diagnostics as "FILE:LINE:COL: error: ..." in the user's MSL.
class CompileError : public Error {
 public:
  using Error::Error;
};
// The launch was refused or stopped (limits, missing bindings, out-of-bounds access, barrier misuse, a data
// race under racecheck, an integer division by zero, the time limit).
class LaunchError : public Error {
 public:
  using Error::Error;
};
// The launch was stopped by interrupt_launches() (the CLI and the Python package call it on SIGINT).
class LaunchInterrupted : public LaunchError {
 public:
  using LaunchError::LaunchError;
};

// Stops every emulator launch running now (and none started later) with LaunchInterrupted, within a few
// milliseconds, even inside an infinite loop; returns whether one was running. Async-signal-safe: meant to be
// called from a SIGINT handler.
bool interrupt_launches() noexcept;

// Where the emulator writes the lines kernels log (os_log, tl.device_print): stdout when no sink is set. A
// sink receives each line (without its newline) instead, one call at a time, from the launch's worker threads.
// Process-wide; set it between launches. Returns the sink it replaces. (The Metal device's test fake uses it to
// hand the lines back the way Metal's MTLLogState handler does.)
using LogSink = std::function<void(const std::string& line)>;
LogSink set_emulator_log_sink(LogSink sink);

// Device memory. The emulator's buffers are host memory, so data() is directly usable.
class Buffer {
 public:
  virtual ~Buffer() = default;
  virtual void* data() = 0;
  virtual std::size_t size() const = 0;
  template <class T> std::span<T> as() { return {static_cast<T*>(data()), size() / sizeof(T)}; }
};

// What a [[buffer(i)]] parameter is bound to: a device buffer (with a byte offset), or a small blob of
// bytes copied at bind time (Metal's setBytes, for `constant T&` arguments).
struct Binding {
  std::shared_ptr<Buffer> buffer;
  std::size_t offset = 0;
  std::vector<std::uint8_t> bytes;

  static Binding of(std::shared_ptr<Buffer> b, std::size_t offset = 0) { return {std::move(b), offset, {}}; }
  template <class T> static Binding value(const T& v) {
    Binding b;
    b.bytes.resize(sizeof(T));
    std::memcpy(b.bytes.data(), &v, sizeof(T));
    return b;
  }
  static Binding raw(std::vector<std::uint8_t> bytes) { return {nullptr, 0, std::move(bytes)}; }
};

// Function-constant values, keyed by the constant's index ("0") or name ("BLOCK").
using FunctionConstantValue = std::variant<bool, std::int64_t, double>;
using FunctionConstants = std::map<std::string, FunctionConstantValue>;

struct CompileOptions {
  FunctionConstants function_constants;
  std::string file_name = "kernel.metal";  // used in diagnostics
  std::vector<std::string> include_dirs;   // searched for #include "..." / <...> project headers (-I)
  std::string msl_version;  // "3.1"; empty: the MSL header's "(MSL X.Y)" (the metal device; the emulator ignores it)
  bool fast_math = false;   // the metal device compiles with IEEE math (mathMode safe) unless this is set
};

struct KernelParamInfo {
  std::string name;
  std::string type;       // MSL spelling
  std::string attribute;  // "buffer", "threadgroup" or a thread-position attribute
  int index = 0;          // binding index (buffer/threadgroup)
};

class Pipeline {
 public:
  virtual ~Pipeline() = default;
  virtual const std::string& entry() const = 0;
  virtual const std::vector<KernelParamInfo>& params() const = 0;
  virtual double compile_seconds() const = 0;  // 0 when it came from the cache
  virtual bool from_cache() const = 0;
};

enum class Dispatch {
  Threadgroups,  // grid counts threadgroups (dispatchThreadgroups)
  Threads,       // grid counts threads; the last threadgroup of a dimension may be partial (dispatchThreads)
};

struct LaunchConfig {
  Size3 grid;
  Size3 threads_per_threadgroup;
  Dispatch dispatch = Dispatch::Threadgroups;
  std::map<std::uint32_t, Binding> buffers;             // [[buffer(i)]]
  std::map<std::uint32_t, std::size_t> threadgroup_memory;  // [[threadgroup(i)]] lengths in bytes
  // Race detection (emulator): two threads of a threadgroup touching a byte of threadgroup memory (or writing
  // a byte of device memory) with no barrier between, one of them writing, fail the launch with a LaunchError
  // naming both accesses. Also on for every launch when TRITON_METAL_RACECHECK=1. docs/emulator.md.
  bool racecheck = false;
  // Count threadgroup bytes read and written (LaunchStats::threadgroup_bytes_*): every threadgroup access is
  // then settled as a read or a write, which slows threadgroup-heavy kernels about 2x, so it is off unless set
  // here, by TRITON_METAL_THREADGROUP_COUNTERS=1, or by racecheck. (The CLI turns it on.)
  bool threadgroup_counters = false;
  // Time limit of the launch in seconds: past it the launch stops with a LaunchError. 0: the value of
  // TRITON_METAL_LAUNCH_TIMEOUT if set, else no limit. (The CLI's default is 600 s.)
  double timeout_seconds = 0;
  // Memory the kernel reaches through addresses instead of its [[buffer(i)]] parameters (Triton's
  // x.to(tl.pointer_type(...)) of an integer read from memory: tutorial 08's tables of data_ptr values). Each
  // buffer is made resident for the launch (the metal device: useResource:usage:; the emulator checks every
  // access against it as against a bound buffer); `name` appears in the emulator's diagnostics.
  struct Resident {
    std::shared_ptr<Buffer> buffer;
    std::string name;
  };
  std::vector<Resident> resident;
  // >= 0: the device binds the launch's address map at [[buffer(address_map_index)]]: ulong triples
  // {host_lo, host_hi, device_base}, the first holding the number of entries in host_lo, then one per resident
  // buffer: its host address range [data(), data() + size()) and the address the kernel uses for it (the emulator:
  // the same; Metal: MTLBuffer.gpuAddress). The kernel translates a host address (a data_ptr) with it.
  int address_map_index = -1;
};

// The address map of LaunchConfig::address_map_index as bytes: `device_base(i)` is the device address of
// resident buffer i.
std::vector<std::uint8_t> address_map_bytes(const std::vector<LaunchConfig::Resident>& resident,
                                            const std::function<std::uint64_t(std::size_t)>& device_base);

struct LaunchStats {
  std::uint64_t device_bytes_read = 0;     // through const device pointers
  std::uint64_t device_bytes_written = 0;  // through non-const device pointers (read-modify-write counts once)
  // Through constant pointers and references (scalar arguments: every thread's read counts), kept apart from
  // device memory: the constant cache serves them, so they are not traffic a kernel must move.
  std::uint64_t constant_bytes_read = 0;
  std::uint64_t barriers = 0;              // threadgroup barriers completed, summed over threadgroups
  std::uint64_t simd_collectives = 0;      // simdgroup functions completed, summed over simdgroups
  // With LaunchConfig::threadgroup_counters (else 0): threadgroup-memory accesses that left the bytes unchanged,
  // and those that changed them (and threadgroup atomics).
  std::uint64_t threadgroup_bytes_read = 0;
  std::uint64_t threadgroup_bytes_written = 0;
  std::uint64_t simdgroup_multiply_accumulates = 0;  // 8x8x8 simdgroup_matrix products, summed over simdgroups
  std::uint64_t threadgroups = 0;
  std::uint64_t threads = 0;
  double wall_seconds = 0;
  double gpu_seconds = 0;  // the metal device: GPUEndTime - GPUStartTime of the launch's command buffer; 0 elsewhere
};

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string name() const = 0;
  virtual const DeviceLimits& limits() const = 0;
  virtual std::shared_ptr<Buffer> allocate(std::size_t bytes) = 0;
  // Wraps caller-owned memory (which must outlive every launch that uses it).
  virtual std::shared_ptr<Buffer> wrap(void* data, std::size_t bytes) = 0;
  virtual std::shared_ptr<Pipeline> compile(const std::string& msl_source, const std::string& entry,
                                            const CompileOptions& options = {}) = 0;
  virtual LaunchStats launch(const Pipeline& pipeline, const LaunchConfig& config) = 0;
  virtual void synchronize() = 0;
};

// "emulator", "metal" (Apple platforms), "cuda" (builds with the CUDA toolkit). Throws Error for an unknown
// name or a device this build lacks, naming the devices it has.
std::unique_ptr<Device> make_device(std::string_view name, const DeviceLimits& limits = {});

// The limits an Apple GPU of `target` enforces (threads per threadgroup, threadgroup memory, SIMD width), from
// the hardware model: a device made with them refuses what that chip would refuse.
DeviceLimits limits_of(const target::Target& target);

}  // namespace tmetal::runtime
