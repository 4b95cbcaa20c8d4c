// The real MetalApi (see metal_api.h), over Apple's Metal framework; compiled only on Apple platforms, with
// ARC (-fobjc-arc). Thin on purpose: every decision is made by the portable C++ that calls it, which is
// unit-tested against a fake on Linux. Each call site names the Metal API it uses, as Apple documents it.
#if defined(__APPLE__)
#import <Foundation/Foundation.h>
#import <Metal/Metal.h>

#include "runtime/metal/metal_api.h"

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>
#include <unistd.h>

namespace tmetal::runtime::metal {

namespace {

std::string utf8(NSString* s) { return s ? std::string([s UTF8String]) : std::string(); }

// Where one dispatch's MTLLogState handler puts the shader's messages (the handler may run on another thread).
struct LogSink {
  std::mutex mutex;
  std::vector<std::string> messages;
};

class AppleBuffer : public ApiBuffer {
 public:
  explicit AppleBuffer(id<MTLBuffer> b) : buffer(b) {}
  void* contents() override { return [buffer contents]; }                      // MTLBuffer.contents
  std::size_t length() const override { return static_cast<std::size_t>([buffer length]); }  // MTLBuffer.length
  std::uint64_t gpu_address() const override { return static_cast<std::uint64_t>([buffer gpuAddress]); }  // MTLBuffer.gpuAddress (macOS 13+)
  id<MTLBuffer> buffer;
};

class ApplePipeline : public ApiPipeline {
 public:
  explicit ApplePipeline(id<MTLComputePipelineState> s) : state(s) {}
  // MTLComputePipelineState.maxTotalThreadsPerThreadgroup / threadExecutionWidth / staticThreadgroupMemoryLength
  std::uint32_t max_total_threads_per_threadgroup() const override { return static_cast<std::uint32_t>([state maxTotalThreadsPerThreadgroup]); }
  std::uint32_t thread_execution_width() const override { return static_cast<std::uint32_t>([state threadExecutionWidth]); }
  std::uint64_t static_threadgroup_memory_length() const override { return static_cast<std::uint64_t>([state staticThreadgroupMemoryLength]); }
  id<MTLComputePipelineState> state;
};

MTLDataType data_type(ConstantType t) {
  switch (t) {  // MTLDataType cases of scalar function constants
    case ConstantType::Bool: return MTLDataTypeBool;
    case ConstantType::Char: return MTLDataTypeChar;
    case ConstantType::UChar: return MTLDataTypeUChar;
    case ConstantType::Short: return MTLDataTypeShort;
    case ConstantType::UShort: return MTLDataTypeUShort;
    case ConstantType::Int: return MTLDataTypeInt;
    case ConstantType::UInt: return MTLDataTypeUInt;
    case ConstantType::Long: return MTLDataTypeLong;
    case ConstantType::ULong: return MTLDataTypeULong;
    case ConstantType::Half: return MTLDataTypeHalf;
    case ConstantType::Float: return MTLDataTypeFloat;
  }
  return MTLDataTypeInt;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class AppleMetalApi : public MetalApi {
 public:
  AppleMetalApi(id<MTLDevice> d, id<MTLCommandQueue> q) : device_(d), queue_(q) {}

  std::string device_name() const override { return utf8([device_ name]); }  // MTLDevice.name

  OsVersion os_version() const override {
    NSOperatingSystemVersion v = [[NSProcessInfo processInfo] operatingSystemVersion];  // NSProcessInfo.operatingSystemVersion
    return {static_cast<int>(v.majorVersion), static_cast<int>(v.minorVersion), static_cast<int>(v.patchVersion)};
  }

  std::size_t page_size() const override { return static_cast<std::size_t>(getpagesize()); }  // getpagesize(3)

  std::uint64_t max_buffer_length() const override { return static_cast<std::uint64_t>([device_ maxBufferLength]); }  // MTLDevice.maxBufferLength

  std::shared_ptr<ApiBuffer> new_buffer(std::size_t bytes) override {
    // MTLDevice newBufferWithLength:options: (a zero-filled buffer), MTLResourceStorageModeShared
    id<MTLBuffer> b = [device_ newBufferWithLength:bytes options:MTLResourceStorageModeShared];
    if (!b) return nullptr;
    return std::make_shared<AppleBuffer>(b);
  }

  std::shared_ptr<ApiBuffer> new_buffer_no_copy(void* data, std::size_t bytes) override {
    // MTLDevice newBufferWithBytesNoCopy:length:options:deallocator: (page-aligned pointer, whole pages; nil
    // deallocator: the caller keeps ownership of the memory)
    id<MTLBuffer> b = [device_ newBufferWithBytesNoCopy:data length:bytes options:MTLResourceStorageModeShared deallocator:nil];
    if (!b) return nullptr;
    return std::make_shared<AppleBuffer>(b);
  }

  LibraryResult make_pipeline(const LibraryRequest& req) override {
    LibraryResult result;
    @autoreleasepool {
      NSError* error = nil;
      id<MTLLibrary> library = nil;
      if (!req.metallib_path.empty()) {
        NSURL* url = [NSURL fileURLWithPath:[NSString stringWithUTF8String:req.metallib_path.c_str()]];
        library = [device_ newLibraryWithURL:url error:&error];  // MTLDevice newLibraryWithURL:error:
      } else {
        MTLCompileOptions* options = [[MTLCompileOptions alloc] init];
        options.languageVersion = static_cast<MTLLanguageVersion>(req.language_version);  // MTLCompileOptions.languageVersion
        bool math_mode_set = false;
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 150000
        if (@available(macOS 15.0, *)) {
          options.mathMode = req.fast_math ? MTLMathModeFast : MTLMathModeSafe;  // MTLCompileOptions.mathMode (macOS 15+)
          math_mode_set = true;
        }
#endif
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 150000
        if (req.enable_logging) {
          if (@available(macOS 15.0, *)) options.enableLogging = YES;  // MTLCompileOptions.enableLogging (macOS 15+)
        }
#endif
        if (!math_mode_set) {
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
          options.fastMathEnabled = req.fast_math ? YES : NO;  // MTLCompileOptions.fastMathEnabled (before macOS 15; default YES)
#pragma clang diagnostic pop
        }
        NSString* source = [[NSString alloc] initWithBytes:req.source.data() length:req.source.size() encoding:NSUTF8StringEncoding];
        if (!source) {
          result.log = "the kernel's MSL is not valid UTF-8";
          return result;
        }
        library = [device_ newLibraryWithSource:source options:options error:&error];  // MTLDevice newLibraryWithSource:options:error:
      }
      if (!library) {
        result.log = error ? utf8([error localizedDescription]) : std::string("no library and no error from Metal");
        return result;
      }
      NSString* name = [NSString stringWithUTF8String:req.entry.c_str()];
      if (![[library functionNames] containsObject:name]) {  // MTLLibrary.functionNames
        result.entry_missing = true;
        return result;
      }
      MTLFunctionConstantValues* values = [[MTLFunctionConstantValues alloc] init];
      for (const ConstantValue& c : req.constants)  // MTLFunctionConstantValues setConstantValue:type:atIndex:
        [values setConstantValue:c.bytes.data() type:data_type(c.type) atIndex:static_cast<NSUInteger>(c.index)];
      error = nil;
      // MTLLibrary newFunctionWithName:constantValues:error:
      id<MTLFunction> function = [library newFunctionWithName:name constantValues:values error:&error];
      if (!function) {
        result.log = error ? utf8([error localizedDescription]) : std::string("Metal could not specialize the kernel function");
        return result;
      }
      error = nil;
      // MTLDevice newComputePipelineStateWithFunction:error:
      id<MTLComputePipelineState> state = [device_ newComputePipelineStateWithFunction:function error:&error];
      if (!state) {
        result.log = error ? utf8([error localizedDescription]) : std::string("Metal could not create the compute pipeline");
        return result;
      }
      result.pipeline = std::make_shared<ApplePipeline>(state);
    }
    return result;
  }

  DispatchResult dispatch(const DispatchCommand& cmd) override {
    DispatchResult r;
    @autoreleasepool {
      const auto* pipeline = static_cast<const ApplePipeline*>(cmd.pipeline);
      id<MTLCommandBuffer> cb = nil;
      std::shared_ptr<LogSink> sink;
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 150000
      if (cmd.log) {
        if (@available(macOS 15.0, *)) {
          // A log state per dispatch, so its messages are this launch's: MTLLogStateDescriptor (level, bufferSize),
          // MTLDevice newLogStateWithDescriptor:error:, MTLLogState addLogHandler:, MTLCommandBufferDescriptor.logState,
          // MTLCommandQueue commandBufferWithDescriptor:.
          MTLLogStateDescriptor* ld = [[MTLLogStateDescriptor alloc] init];
          ld.level = MTLLogLevelDebug;
          if (cmd.log_buffer_bytes) ld.bufferSize = static_cast<NSInteger>(cmd.log_buffer_bytes);
          NSError* error = nil;
          id<MTLLogState> state = [device_ newLogStateWithDescriptor:ld error:&error];
          if (!state) {
            r.error = "could not create a Metal log state for the kernel's prints: " +
                      (error ? utf8([error localizedDescription]) : std::string("no error from Metal"));
            return r;
          }
          sink = std::make_shared<LogSink>();
          std::shared_ptr<LogSink> s = sink;
          [state addLogHandler:^(NSString* subsystem, NSString* category, MTLLogLevel level, NSString* message) {
            (void)subsystem; (void)category; (void)level;
            std::lock_guard<std::mutex> lock(s->mutex);
            s->messages.push_back(message ? utf8(message) : std::string());
          }];
          MTLCommandBufferDescriptor* cd = [[MTLCommandBufferDescriptor alloc] init];
          cd.logState = state;
          cb = [queue_ commandBufferWithDescriptor:cd];
        }
      }
#endif
      if (!cb) cb = [queue_ commandBuffer];                                  // MTLCommandQueue commandBuffer
      id<MTLComputeCommandEncoder> encoder = [cb computeCommandEncoder];     // MTLCommandBuffer computeCommandEncoder
      [encoder setComputePipelineState:pipeline->state];                     // MTLComputeCommandEncoder setComputePipelineState:
      for (const BufferArg& b : cmd.buffers)                                 // setBuffer:offset:atIndex:
        [encoder setBuffer:static_cast<AppleBuffer*>(b.buffer)->buffer offset:b.offset atIndex:b.index];
      for (const BytesArg& b : cmd.bytes)                                    // setBytes:length:atIndex: (at most 4 KiB)
        [encoder setBytes:b.bytes.data() length:b.bytes.size() atIndex:b.index];
      for (ApiBuffer* b : cmd.resident)                                      // useResource:usage: (memory reached by address)
        [encoder useResource:static_cast<AppleBuffer*>(b)->buffer usage:(MTLResourceUsageRead | MTLResourceUsageWrite)];
      for (const ThreadgroupArg& t : cmd.threadgroup)                        // setThreadgroupMemoryLength:atIndex: (multiple of 16)
        [encoder setThreadgroupMemoryLength:t.length atIndex:t.index];
      MTLSize grid = MTLSizeMake(cmd.grid.x, cmd.grid.y, cmd.grid.z);       // MTLSizeMake
      MTLSize group = MTLSizeMake(cmd.threads_per_threadgroup.x, cmd.threads_per_threadgroup.y, cmd.threads_per_threadgroup.z);
      if (cmd.dispatch == Dispatch::Threads)
        [encoder dispatchThreads:grid threadsPerThreadgroup:group];         // dispatchThreads:threadsPerThreadgroup: (nonuniform)
      else
        [encoder dispatchThreadgroups:grid threadsPerThreadgroup:group];    // dispatchThreadgroups:threadsPerThreadgroup:
      [encoder endEncoding];                                                 // MTLCommandEncoder endEncoding
      [cb commit];                                                           // MTLCommandBuffer commit
      [cb waitUntilCompleted];                                               // MTLCommandBuffer waitUntilCompleted
      if ([cb status] == MTLCommandBufferStatusError)                        // MTLCommandBuffer.status / .error
        r.error = [cb error] ? utf8([[cb error] localizedDescription]) : std::string("command buffer failed");
      r.gpu_start = [cb GPUStartTime];                                       // MTLCommandBuffer.GPUStartTime (seconds)
      r.gpu_end = [cb GPUEndTime];                                           // MTLCommandBuffer.GPUEndTime (seconds)
      if (sink) {
        // Messages handed to the handler by the time the command buffer completed (not verified on a Mac: see
        // docs/macos.md).
        std::lock_guard<std::mutex> lock(sink->mutex);
        r.log_messages = std::move(sink->messages);
      }
    }
    return r;
  }

  bool run_tool(const std::vector<std::string>& argv, std::string& output) override {
    std::string command;
    for (const auto& a : argv) command += shell_quote(a) + " ";
    command += "2>&1";
    FILE* pipe = popen(command.c_str(), "r");  // popen(3)
    if (!pipe) return false;
    char chunk[4096];
    output.clear();
    while (std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) output.append(chunk, n);
    return pclose(pipe) == 0;
  }

 private:
  id<MTLDevice> device_;
  id<MTLCommandQueue> queue_;
};

}  // namespace

std::unique_ptr<MetalApi> make_system_metal_api() {
  id<MTLDevice> device = MTLCreateSystemDefaultDevice();  // MTLCreateSystemDefaultDevice
  if (!device) throw Error("this Mac has no Metal device (MTLCreateSystemDefaultDevice returned nil): use TRITON_METAL_DEVICE=emulator");
  id<MTLCommandQueue> queue = [device newCommandQueue];  // MTLDevice newCommandQueue
  if (!queue) throw Error("the Metal device could not create a command queue");
  return std::make_unique<AppleMetalApi>(device, queue);
}

}  // namespace tmetal::runtime::metal
#endif  // __APPLE__
