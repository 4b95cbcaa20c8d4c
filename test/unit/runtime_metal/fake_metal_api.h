// A fake MetalApi for the Metal device's unit tests: it records every request, and its "GPU" is the Metal
// emulator, so dispatches compute real results from the buffers the device bound (the emulator plays the
// part of Apple's GPU; what is tested is the device's C++ around it).
#pragma once

#include "runtime/metal/metal_api.h"
#include "triton_metal/runtime.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tmetal::runtime::metal::testing {

class FakeBuffer : public ApiBuffer {
 public:
  explicit FakeBuffer(std::size_t n) : storage_(n, 0), data_(storage_.data()), size_(n) {}
  FakeBuffer(void* external, std::size_t n) : data_(static_cast<std::uint8_t*>(external)), size_(n), no_copy_(true) {}
  void* contents() override { return data_; }
  std::size_t length() const override { return size_; }
  // The fake's GPU is the emulator, whose device addresses are host addresses.
  std::uint64_t gpu_address() const override { return reinterpret_cast<std::uintptr_t>(data_); }
  bool no_copy() const { return no_copy_; }

 private:
  std::vector<std::uint8_t> storage_;
  std::uint8_t* data_;
  std::size_t size_;
  bool no_copy_ = false;
};

class FakePipeline : public ApiPipeline {
 public:
  std::shared_ptr<Pipeline> emulated;  // the emulator's pipeline of the same MSL and entry
  std::uint32_t max_threads = 1024;
  std::uint64_t static_tg = 0;
  std::uint32_t max_total_threads_per_threadgroup() const override { return max_threads; }
  std::uint32_t thread_execution_width() const override { return 32; }
  std::uint64_t static_threadgroup_memory_length() const override { return static_tg; }
};

class FakeMetalApi : public MetalApi {
 public:
  FakeMetalApi() : gpu_(make_device("emulator")) {}

  // Knobs.
  OsVersion os{14, 5, 0};
  std::size_t page = 16384;
  std::uint64_t max_length = std::uint64_t{1} << 32;
  std::string compile_log;       // non-empty: make_pipeline fails with this log
  bool refuse_no_copy = false;
  std::uint32_t pipeline_max_threads = 1024;
  std::uint64_t pipeline_static_tg = 0;
  double gpu_start = 100.0, gpu_end = 100.0;  // GPUStartTime / GPUEndTime the fake reports
  std::string gpu_error;                      // non-empty: the command buffer "fails" (after running)
  bool tools_work = true;                     // run_tool: succeed and write the output file (last argv)
  std::function<void(const DispatchCommand&)> before_gpu;  // runs just before the emulated dispatch

  // Records.
  std::vector<LibraryRequest> requests;
  std::vector<DispatchCommand> dispatches;
  std::vector<std::vector<std::string>> tool_runs;
  std::vector<FakeBuffer*> no_copy_buffers;

  std::string device_name() const override { return "Fake Apple M3"; }
  OsVersion os_version() const override { return os; }
  std::size_t page_size() const override { return page; }
  std::uint64_t max_buffer_length() const override { return max_length; }
  std::shared_ptr<ApiBuffer> new_buffer(std::size_t bytes) override { return std::make_shared<FakeBuffer>(bytes); }
  std::shared_ptr<ApiBuffer> new_buffer_no_copy(void* data, std::size_t bytes) override {
    if (refuse_no_copy) return nullptr;
    auto b = std::make_shared<FakeBuffer>(data, bytes);
    no_copy_buffers.push_back(b.get());
    return b;
  }

  LibraryResult make_pipeline(const LibraryRequest& request) override {
    requests.push_back(request);
    LibraryResult r;
    if (!compile_log.empty()) {
      r.log = compile_log;
      return r;
    }
    auto p = std::make_shared<FakePipeline>();
    std::string source = request.source;
    if (!request.metallib_path.empty()) source = read_file(request.metallib_path);
    CompileOptions o;
    for (const auto& c : request.constants) {
      if (c.type == ConstantType::Int) {
        std::int32_t v;
        std::memcpy(&v, c.bytes.data(), 4);
        o.function_constants[std::to_string(c.index)] = std::int64_t{v};
      } else if (c.type == ConstantType::Bool) {
        o.function_constants[std::to_string(c.index)] = c.bytes[0] != 0;
      }
    }
    p->emulated = gpu_->compile(source, request.entry, o);
    p->max_threads = pipeline_max_threads;
    p->static_tg = pipeline_static_tg;
    r.pipeline = p;
    return r;
  }

  DispatchResult dispatch(const DispatchCommand& cmd) override {
    dispatches.push_back(cmd);
    if (before_gpu) before_gpu(cmd);
    LaunchConfig cfg;
    cfg.grid = cmd.grid;
    cfg.threads_per_threadgroup = cmd.threads_per_threadgroup;
    cfg.dispatch = cmd.dispatch;
    for (const auto& b : cmd.buffers) cfg.buffers[b.index] = Binding::of(gpu_->wrap(b.buffer->contents(), b.buffer->length()), b.offset);
    for (const auto& b : cmd.bytes) cfg.buffers[b.index] = Binding::raw(b.bytes);
    for (const auto& t : cmd.threadgroup) cfg.threadgroup_memory[t.index] = t.length;
    // Made resident (useResource): the emulated GPU checks accesses against them as Metal makes them reachable.
    for (ApiBuffer* b : cmd.resident) cfg.resident.push_back({gpu_->wrap(b->contents(), b->length()), "resident buffer"});
    // The emulated kernel's os_log lines: handed back as Metal's MTLLogState handler would when the command
    // has a log state; without one Metal writes them to the system log, which the program never sees.
    std::vector<std::string> logged;
    struct Restore {
      LogSink previous;
      ~Restore() { set_emulator_log_sink(std::move(previous)); }
    } restore{set_emulator_log_sink([&logged](const std::string& line) { logged.push_back(line); })};
    gpu_->launch(*static_cast<const FakePipeline*>(cmd.pipeline)->emulated, cfg);
    DispatchResult r;
    if (cmd.log) r.log_messages = logged;
    r.gpu_start = gpu_start;
    r.gpu_end = gpu_end;
    r.error = gpu_error;
    return r;
  }

  bool run_tool(const std::vector<std::string>& argv, std::string& output) override {
    tool_runs.push_back(argv);
    if (!tools_work) {
      output = "xcrun: error: unable to find utility \"metal\", not a developer tool or in PATH";
      return false;
    }
    // `xcrun ... metal ... -c SRC -o AIR` and `xcrun ... metallib AIR -o OUT`: the fake's "AIR" and
    // "metallib" are copies of the MSL, which make_pipeline reads back from the library file.
    write_file(argv.back(), read_file(argv[argv.size() - 3]));
    return true;
  }

  static std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }

 private:
  std::unique_ptr<Device> gpu_;
};

}  // namespace tmetal::runtime::metal::testing
