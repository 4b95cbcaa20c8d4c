// MetalDevice: the Metal runtime device over a MetalApi (see metal_device.h).
#include "runtime/metal/metal_device.h"

#include "runtime/kernel_source.h"
#include "runtime/metal/argument_binding.h"
#include "runtime/metal/buffer_wrapping.h"
#include "runtime/metal/compile_error_map.h"
#include "runtime/metal/function_constants.h"
#include "runtime/metal/metallib_precompile.h"
#include "runtime/metal/msl_language_version.h"
#include "runtime/metal/pipeline_cache.h"
#include "runtime/metal/shader_logging.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

namespace tmetal::runtime::metal {

namespace {

class MetalBuffer : public Buffer {
 public:
  MetalBuffer(std::shared_ptr<ApiBuffer> api, std::size_t size, void* host, WrapMode mode)
      : api_(std::move(api)), size_(size), host_(host), mode_(mode) {}
  void* data() override { return host_ ? host_ : api_->contents(); }
  std::size_t size() const override { return size_; }
  ApiBuffer* api() const { return api_.get(); }
  bool is_copy() const { return host_ != nullptr && mode_ == WrapMode::Copy; }
  void copy_in() { std::memcpy(api_->contents(), host_, size_); }
  void copy_out() { std::memcpy(host_, api_->contents(), size_); }

 private:
  std::shared_ptr<ApiBuffer> api_;
  std::size_t size_;
  void* host_;  // caller-owned memory for wrapped buffers, null for allocated ones
  WrapMode mode_;
};

// What a compiled pipeline shares between the cache and every Pipeline handed out for it.
struct CompiledState {
  std::string entry, file_name;
  std::vector<KernelParamInfo> infos;
  std::vector<msl::KernelParam> msl_params;
  unsigned declared_max_threads = 0;
  std::shared_ptr<ApiPipeline> pipeline;
  double seconds = 0;
  bool logs = false;  // the kernel uses os_log: compiled with enableLogging, dispatched with a log state
};

class MetalPipeline : public Pipeline {
 public:
  MetalPipeline(std::shared_ptr<const CompiledState> s, bool cached) : state(std::move(s)), cached_(cached) {}
  std::shared_ptr<const CompiledState> state;
  const std::string& entry() const override { return state->entry; }
  const std::vector<KernelParamInfo>& params() const override { return state->infos; }
  double compile_seconds() const override { return cached_ ? 0 : state->seconds; }
  bool from_cache() const override { return cached_; }

 private:
  bool cached_;
};

class MetalDevice : public Device {
 public:
  MetalDevice(const DeviceLimits& limits, std::unique_ptr<MetalApi> api, MetalDeviceOptions options)
      : limits_(limits), api_(std::move(api)), options_(std::move(options)) {}

  std::string name() const override { return "metal"; }
  const DeviceLimits& limits() const override { return limits_; }
  void synchronize() override {}  // every launch waits for its command buffer (waitUntilCompleted)

  std::shared_ptr<Buffer> allocate(std::size_t bytes) override {
    if (bytes > api_->max_buffer_length())
      throw Error(fmt::format("cannot allocate {} bytes: this GPU's largest buffer is {} bytes", bytes, api_->max_buffer_length()));
    auto b = api_->new_buffer(std::max<std::size_t>(bytes, 1));
    if (!b) throw Error(fmt::format("the Metal device could not allocate a buffer of {} bytes", bytes));
    return std::make_shared<MetalBuffer>(std::move(b), bytes, nullptr, WrapMode::Copy);
  }

  std::shared_ptr<Buffer> wrap(void* data, std::size_t bytes) override {
    WrapDecision d = decide_wrap(data, bytes, api_->page_size(), api_->max_buffer_length());
    if (d.mode == WrapMode::NoCopy) {
      if (auto b = api_->new_buffer_no_copy(data, d.length)) {
        std::lock_guard<std::mutex> lock(counter_mutex_);
        ++counters_.no_copy_wraps;
        return std::make_shared<MetalBuffer>(std::move(b), bytes, data, WrapMode::NoCopy);
      }
    }
    auto b = api_->new_buffer(bytes);
    if (!b) throw Error(fmt::format("the Metal device could not allocate a buffer of {} bytes", bytes));
    std::lock_guard<std::mutex> lock(counter_mutex_);
    ++counters_.copy_wraps;
    return std::make_shared<MetalBuffer>(std::move(b), bytes, data, WrapMode::Copy);
  }

  std::shared_ptr<Pipeline> compile(const std::string& source, const std::string& entry, const CompileOptions& options) override {
    const std::string& file = options.file_name;
    KernelSource prepared = prepare_kernel_source(source, entry, options);
    const msl::EntryPoint* ep = prepared.module.find_entry(entry);
    LanguageVersion version = choose_language_version(options.msl_version, source, api_->os_version(), file);
    std::vector<ConstantValue> constants = encode_function_constants(prepared.module.function_constants, options.function_constants, file);
    bool logs = source_uses_shader_logging(source, file);
    if (logs) check_shader_logging(api_->os_version(), version, file, entry);
    PipelineKey key{source_hash(source), entry, canonical_constants(constants), version.raw(), options.fast_math};
    if (auto hit = cache_.find(key)) {
      std::lock_guard<std::mutex> lock(counter_mutex_);
      ++counters_.cache_hits;
      return std::make_shared<MetalPipeline>(hit, true);
    }
    LibraryRequest request;
    request.entry = entry;
    request.language_version = version.raw();
    request.fast_math = options.fast_math;
    request.constants = constants;
    request.enable_logging = logs;
    // A logging kernel compiles from source: the precompile's metallib would need -fmetal-enable-logging too.
    if (!logs) request.metallib_path = precompiled_library(source, key.source, version, options.fast_math);
    if (request.metallib_path.empty()) request.source = source;
    auto start = std::chrono::steady_clock::now();
    LibraryResult result = api_->make_pipeline(request);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    {
      std::lock_guard<std::mutex> lock(counter_mutex_);
      ++(request.metallib_path.empty() ? counters_.library_compiles : counters_.metallib_loads);
    }
    if (!result.pipeline) {
      if (result.entry_missing)
        throw CompileError(fmt::format("{}: error: the compiled Metal library has no kernel function '{}'", file, entry));
      throw CompileError(map_compiler_log(result.log, source, file));
    }
    auto state = std::make_shared<CompiledState>();
    state->entry = entry;
    state->file_name = file;
    state->msl_params = ep->kernel->params;
    state->declared_max_threads = ep->kernel->max_total_threads;
    for (const auto& q : state->msl_params) state->infos.push_back({q.name, q.type_text, q.attribute, q.index});
    state->pipeline = std::move(result.pipeline);
    state->seconds = seconds;
    state->logs = logs;
    cache_.insert(key, state);
    return std::make_shared<MetalPipeline>(state, false);
  }

  LaunchStats launch(const Pipeline& pipeline, const LaunchConfig& config) override {
    const auto* p = dynamic_cast<const MetalPipeline*>(&pipeline);
    if (!p) throw LaunchError("this pipeline was not compiled by the metal device");
    const CompiledState& s = *p->state;
    // The address map (host ranges -> MTLBuffer.gpuAddress of the resident buffers), bound like any argument:
    // setBytes up to 4 KiB, else a buffer of its own.
    LaunchConfig with_map;
    const LaunchConfig* use = &config;
    if (config.address_map_index >= 0) {
      with_map = config;
      std::vector<std::uint8_t> map = address_map_bytes(config.resident, [&](std::size_t i) {
        auto* mb = dynamic_cast<MetalBuffer*>(config.resident[i].buffer.get());
        if (!mb) throw LaunchError(fmt::format("kernel '{}': resident memory '{}' is a buffer of another device", s.entry, config.resident[i].name));
        return mb->api()->gpu_address();
      });
      auto index = static_cast<std::uint32_t>(config.address_map_index);
      if (map.size() <= 4096) {
        with_map.buffers[index] = Binding::raw(std::move(map));
      } else {
        auto b = allocate(map.size());
        std::memcpy(b->data(), map.data(), map.size());
        with_map.buffers[index] = Binding::of(b);
      }
      use = &with_map;
    }
    const LaunchConfig& cfg = *use;
    PipelineLimits pl{s.pipeline->max_total_threads_per_threadgroup(), s.declared_max_threads, s.pipeline->static_threadgroup_memory_length()};
    BindingPlan plan = plan_bindings(s.entry, s.msl_params, cfg, limits_, pl);
    DispatchCommand cmd;
    cmd.pipeline = s.pipeline.get();
    cmd.bytes = plan.bytes;
    cmd.threadgroup = plan.threadgroup;
    cmd.grid = cfg.grid;
    cmd.threads_per_threadgroup = cfg.threads_per_threadgroup;
    cmd.dispatch = cfg.dispatch;
    cmd.log = s.logs;
    std::set<MetalBuffer*> copies, written_copies;
    for (const BoundBuffer& b : plan.buffers) {
      auto* mb = dynamic_cast<MetalBuffer*>(b.buffer);
      if (!mb) throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] is bound to a buffer of another device", s.entry, b.index));
      cmd.buffers.push_back({b.index, mb->api(), b.offset});
      if (mb->is_copy()) {
        copies.insert(mb);
        if (b.written) written_copies.insert(mb);
      }
    }
    // Memory reached by address: made resident, copies in and out like written bindings (the kernel may write
    // any of it), and the address map from host ranges to GPU addresses (MTLBuffer.gpuAddress).
    for (const LaunchConfig::Resident& res : cfg.resident) {
      auto* mb = dynamic_cast<MetalBuffer*>(res.buffer.get());
      if (!mb) throw LaunchError(fmt::format("kernel '{}': resident memory '{}' is a buffer of another device", s.entry, res.name));
      cmd.resident.push_back(mb->api());
      if (mb->is_copy()) {
        copies.insert(mb);
        written_copies.insert(mb);
      }
    }
    std::lock_guard<std::mutex> lock(launch_mutex_);
    for (MetalBuffer* mb : copies) mb->copy_in();
    auto start = std::chrono::steady_clock::now();
    DispatchResult r = api_->dispatch(cmd);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (MetalBuffer* mb : written_copies) mb->copy_out();  // partial writes of a failed launch come back too
    write_log_messages(r.log_messages, stdout);  // tl.device_print lines, also those of a failed launch
    {
      std::lock_guard<std::mutex> counter_lock(counter_mutex_);
      ++counters_.dispatches;
    }
    if (!r.error.empty()) throw LaunchError(fmt::format("kernel '{}': the GPU reported an error: {}", s.entry, r.error));
    LaunchStats stats;
    const Size3& tg = cfg.threads_per_threadgroup;
    if (cfg.dispatch == Dispatch::Threads) {
      stats.threads = cfg.grid.volume();
      stats.threadgroups = std::uint64_t{(cfg.grid.x + tg.x - 1) / tg.x} * ((cfg.grid.y + tg.y - 1) / tg.y) * ((cfg.grid.z + tg.z - 1) / tg.z);
    } else {
      stats.threadgroups = cfg.grid.volume();
      stats.threads = cfg.grid.volume() * tg.volume();
    }
    stats.wall_seconds = wall;
    stats.gpu_seconds = r.gpu_end > r.gpu_start ? r.gpu_end - r.gpu_start : 0;
    return stats;
  }

  MetalDeviceCounters counters() const {
    std::lock_guard<std::mutex> lock(counter_mutex_);
    MetalDeviceCounters c = counters_;
    c.cache_hits = cache_.hits();
    return c;
  }

 private:
  // The precompiled metallib of this source when precompiling is on and works; "" otherwise (compile the source).
  std::string precompiled_library(const std::string& source, std::uint64_t hash, const LanguageVersion& version, bool fast_math) {
    if (!options_.precompile || options_.cache_dir.empty() || tools_failed_) return {};
    PrecompilePlan plan = plan_precompile(options_.cache_dir, hash, version, fast_math);
    std::error_code ec;
    if (std::filesystem::exists(plan.metallib_path, ec)) return plan.metallib_path;
    std::filesystem::create_directories(options_.cache_dir, ec);
    {
      std::ofstream out(plan.source_path, std::ios::binary);
      out << source;
      if (!out) return {};
    }
    std::string output;
    // Build under a private name and rename into place, so a concurrent reader never sees a partial library.
    std::string final_path = plan.metallib_path;
    std::string tmp = final_path + fmt::format(".tmp{}", reinterpret_cast<std::uintptr_t>(this));
    plan.link_argv.back() = tmp;
    if (!api_->run_tool(plan.compile_argv, output) || !api_->run_tool(plan.link_argv, output)) {
      tools_failed_ = true;  // no Xcode (or a compile error, which the source compile will report with its lines)
      return {};
    }
    std::filesystem::rename(tmp, final_path, ec);
    if (ec) return {};
    return final_path;
  }

  DeviceLimits limits_;
  std::unique_ptr<MetalApi> api_;
  MetalDeviceOptions options_;
  PipelineCache<const CompiledState> cache_;
  std::mutex launch_mutex_;
  mutable std::mutex counter_mutex_;
  MetalDeviceCounters counters_;
  bool tools_failed_ = false;
};

}  // namespace

MetalDeviceOptions metal_device_options_from_env() {
  MetalDeviceOptions o;
  const char* p = std::getenv("TRITON_METAL_PRECOMPILE");
  o.precompile = p && std::string(p) == "1";
  o.cache_dir = metal_cache_dir();
  return o;
}

std::unique_ptr<Device> make_metal_device(const DeviceLimits& limits, std::unique_ptr<MetalApi> api, const MetalDeviceOptions& options) {
  if (!api) throw Error("the metal device needs a Metal API");
  if (limits.max_threads_per_threadgroup == 0 || limits.max_threadgroup_memory_bytes == 0) throw Error("device limits must be positive");
  return std::make_unique<MetalDevice>(limits, std::move(api), options);
}

MetalDeviceCounters metal_device_counters(const Device& device) {
  const auto* d = dynamic_cast<const MetalDevice*>(&device);
  if (!d) throw Error(fmt::format("device '{}' is not a metal device", device.name()));
  return d->counters();
}

}  // namespace tmetal::runtime::metal
