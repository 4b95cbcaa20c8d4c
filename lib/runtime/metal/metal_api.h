// MetalApi: the small interface between the Metal device's portable C++ (argument binding, buffer wrapping,
// pipeline cache, error mapping, timing; built and unit-tested everywhere) and Apple's Metal framework.
// metal_api_apple.mm implements it with real Metal calls (Apple platforms only); test/unit/runtime_metal has
// a fake that records what it is asked to do. Every method is one Metal operation or a few, with no policy:
// decisions (copy or wrap, which index gets what, what an error means) are made by the caller.
#pragma once

#include "triton_metal/runtime.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tmetal::runtime::metal {

// An MTLBuffer in shared storage (CPU and GPU see the same memory on Apple silicon).
class ApiBuffer {
 public:
  virtual ~ApiBuffer() = default;
  virtual void* contents() = 0;             // MTLBuffer.contents
  virtual std::size_t length() const = 0;   // MTLBuffer.length
  virtual std::uint64_t gpu_address() const = 0;  // MTLBuffer.gpuAddress (macOS 13+): what a shader pointer holds
};

// An MTLComputePipelineState.
class ApiPipeline {
 public:
  virtual ~ApiPipeline() = default;
  virtual std::uint32_t max_total_threads_per_threadgroup() const = 0;  // maxTotalThreadsPerThreadgroup
  virtual std::uint32_t thread_execution_width() const = 0;             // threadExecutionWidth
  virtual std::uint64_t static_threadgroup_memory_length() const = 0;   // staticThreadgroupMemoryLength
};

// Element type of a function constant (MTLDataType's scalar cases that MSL function constants may have).
enum class ConstantType { Bool, Char, UChar, Short, UShort, Int, UInt, Long, ULong, Half, Float };

// One function-constant value, already encoded in its declared type's bytes.
struct ConstantValue {
  int index = 0;  // [[function_constant(index)]]
  std::string name;
  ConstantType type = ConstantType::Int;
  std::vector<std::uint8_t> bytes;
};

struct LibraryRequest {
  std::string source;                   // MSL text (newLibraryWithSource) — empty when metallib_path is set
  std::string metallib_path;            // a precompiled .metallib (newLibraryWithURL) — empty for source
  std::string entry;                    // newFunctionWithName / constantValues
  std::uint32_t language_version = 0;   // MTLLanguageVersion raw value: (major << 16) | minor
  bool fast_math = false;               // mathMode fast (macOS 15+) / fastMathEnabled, else safe / NO
  bool enable_logging = false;          // MTLCompileOptions.enableLogging (macOS 15+): the kernel uses os_log
  std::vector<ConstantValue> constants;
};

struct LibraryResult {
  std::shared_ptr<ApiPipeline> pipeline;  // null on failure
  std::string log;                        // the compiler's NSError localizedDescription (errors and warnings)
  bool entry_missing = false;             // the library compiled but has no function called `entry`
};

struct BufferArg {
  std::uint32_t index = 0;
  ApiBuffer* buffer = nullptr;
  std::size_t offset = 0;
};
struct BytesArg {
  std::uint32_t index = 0;
  std::vector<std::uint8_t> bytes;
};
struct ThreadgroupArg {
  std::uint32_t index = 0;
  std::size_t length = 0;  // already a multiple of 16 (setThreadgroupMemoryLength's rule)
};

// Everything one compute dispatch needs; dispatch() encodes it into a fresh command buffer, commits it and
// waits for completion.
struct DispatchCommand {
  const ApiPipeline* pipeline = nullptr;
  std::vector<BufferArg> buffers;          // setBuffer:offset:atIndex:
  std::vector<BytesArg> bytes;             // setBytes:length:atIndex:
  std::vector<ThreadgroupArg> threadgroup; // setThreadgroupMemoryLength:atIndex:
  std::vector<ApiBuffer*> resident;        // useResource:usage: (read and write): reached through addresses
  Size3 grid;                              // threadgroups (Dispatch::Threadgroups) or threads (Dispatch::Threads)
  Size3 threads_per_threadgroup;
  Dispatch dispatch = Dispatch::Threadgroups;
  // The kernel logs (os_log, tl.device_print): the command buffer gets an MTLLogState
  // (MTLCommandBufferDescriptor.logState, macOS 15+) whose handler collects the messages into
  // DispatchResult::log_messages. Without one, Metal sends shader logs to the system log, not to the program.
  bool log = false;
  std::size_t log_buffer_bytes = 0;  // MTLLogStateDescriptor.bufferSize (1 KiB..1 GiB; 0: Metal's default, 1 MiB)
};

struct DispatchResult {
  double gpu_start = 0, gpu_end = 0;  // MTLCommandBuffer GPUStartTime / GPUEndTime (seconds, host time base)
  std::string error;                  // non-empty when the command buffer's status is MTLCommandBufferStatusError
  std::vector<std::string> log_messages;  // with DispatchCommand::log: the shader's messages, in Metal's order
};

struct OsVersion {
  int major = 0, minor = 0, patch = 0;
};

class MetalApi {
 public:
  virtual ~MetalApi() = default;
  virtual std::string device_name() const = 0;        // MTLDevice.name, e.g. "Apple M3 Max"
  virtual OsVersion os_version() const = 0;           // NSProcessInfo operatingSystemVersion
  virtual std::size_t page_size() const = 0;          // getpagesize() (16 KiB on Apple silicon)
  virtual std::uint64_t max_buffer_length() const = 0;  // MTLDevice.maxBufferLength
  // A zero-filled shared-storage buffer of `bytes` (newBufferWithLength:options:); null when refused.
  virtual std::shared_ptr<ApiBuffer> new_buffer(std::size_t bytes) = 0;
  // Wraps page-aligned host memory without copying (newBufferWithBytesNoCopy:length:options:deallocator:,
  // no deallocator: the caller owns the memory); `bytes` is a multiple of page_size(). Null when refused.
  virtual std::shared_ptr<ApiBuffer> new_buffer_no_copy(void* data, std::size_t bytes) = 0;
  virtual LibraryResult make_pipeline(const LibraryRequest& request) = 0;
  virtual DispatchResult dispatch(const DispatchCommand& command) = 0;
  // Runs a developer tool (xcrun metal / metallib) for the optional on-disk precompile; false when the tool
  // is missing or fails (`output` then holds its diagnostics).
  virtual bool run_tool(const std::vector<std::string>& argv, std::string& output) = 0;
};

// The system's Metal API (MTLCreateSystemDefaultDevice); defined in metal_api_apple.mm on Apple platforms
// only. Throws Error when the Mac has no Metal device.
std::unique_ptr<MetalApi> make_system_metal_api();

}  // namespace tmetal::runtime::metal
