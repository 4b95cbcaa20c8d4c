// EmulatorDevice: the emulator's implementation of runtime::Device (see emulator_device.h).
#include "runtime/emulator/emulator_device.h"

#include "runtime/kernel_source.h"
#include "runtime/msl/module.h"
#include "runtime/emulator/compiler.h"
#include "runtime/emulator/executor.h"
#include "runtime/emulator/object_check.h"
#include "runtime/emulator/translate.h"
#include "runtime/emulator/watchdog.h"

#include <dlfcn.h>
#include <link.h>

#include <tuple>
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <mutex>
#include <unordered_map>

namespace tmetal::runtime::emulator {

namespace {

bool flag_from_environment(const char* name) {
  const char* e = std::getenv(name);
  return e && *e && std::string_view(e) != "0";
}
bool racecheck_from_environment() { return flag_from_environment("TRITON_METAL_RACECHECK"); }

class HostBuffer : public Buffer {
 public:
  explicit HostBuffer(std::size_t n) : size_(n), owned_(static_cast<unsigned char*>(std::aligned_alloc(256, round_up(n)))) {
    if (!owned_) throw Error(fmt::format("cannot allocate a buffer of {} bytes", n));
    std::memset(owned_, 0, round_up(n));
    data_ = owned_;
  }
  HostBuffer(void* p, std::size_t n) : size_(n), data_(p) {}
  ~HostBuffer() override { std::free(owned_); }
  void* data() override { return data_; }
  std::size_t size() const override { return size_; }

 private:
  static std::size_t round_up(std::size_t n) { return std::max<std::size_t>(256, (n + 255) / 256 * 256); }
  std::size_t size_;
  unsigned char* owned_ = nullptr;
  void* data_;
};

// The executable segment of the loaded object that contains `symbol` (a function of it).
std::pair<const char*, const char*> code_range(const void* symbol) {
  struct Search {
    const char* symbol;
    const char* begin = nullptr;
    const char* end = nullptr;
  } search{static_cast<const char*>(symbol)};
  dl_iterate_phdr(
      [](dl_phdr_info* i, std::size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        for (int k = 0; k < i->dlpi_phnum; ++k) {
          const ElfW(Phdr)& h = i->dlpi_phdr[k];
          if (h.p_type != PT_LOAD || !(h.p_flags & PF_X)) continue;
          const char* b = reinterpret_cast<const char*>(i->dlpi_addr + h.p_vaddr);
          if (s->symbol >= b && s->symbol < b + h.p_memsz) {
            s->begin = b;
            s->end = b + h.p_memsz;
            return 1;
          }
        }
        return 0;
      },
      &search);
  return {search.begin, search.end};
}

// A loaded shared object; kept for the life of the process (kernels may be cached by several pipelines).
void* load_object(const std::string& path) {
  static std::mutex mutex;
  static std::unordered_map<std::string, void*> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = loaded.find(path); it != loaded.end()) return it->second;
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) throw Error(fmt::format("cannot load the compiled kernel {}: {}", path, dlerror()));
  auto abi = reinterpret_cast<int (*)()>(dlsym(h, "tm_emulator_abi"));
  auto init = reinterpret_cast<void (*)(const metal_rt::Hooks*)>(dlsym(h, "tm_emulator_init"));
  if (!abi || !init || abi() != metal_rt::kAbiVersion) throw Error(fmt::format("{} is not a kernel object of this emulator", path));
  init(emulator_hooks());
  loaded[path] = h;
  return h;
}

class EmulatorPipeline : public Pipeline {
 public:
  std::string entry_name;
  std::string file_name;
  std::vector<KernelParamInfo> infos;
  std::vector<msl::KernelParam> msl_params;
  unsigned max_total_threads = 0;
  EntryFn fn = nullptr;
  const char* code_begin = nullptr;  // the kernel object's executable code (watchdog.h)
  const char* code_end = nullptr;
  bool fibers = true;
  double seconds = 0;
  bool cached = false;

  const std::string& entry() const override { return entry_name; }
  const std::vector<KernelParamInfo>& params() const override { return infos; }
  double compile_seconds() const override { return seconds; }
  bool from_cache() const override { return cached; }
};

class EmulatorDevice : public Device {
 public:
  explicit EmulatorDevice(const DeviceLimits& limits) : limits_(limits) {}
  std::string name() const override { return "emulator"; }
  const DeviceLimits& limits() const override { return limits_; }
  std::shared_ptr<Buffer> allocate(std::size_t bytes) override { return std::make_shared<HostBuffer>(bytes); }
  std::shared_ptr<Buffer> wrap(void* data, std::size_t bytes) override { return std::make_shared<HostBuffer>(data, bytes); }
  void synchronize() override {}

  std::shared_ptr<Pipeline> compile(const std::string& source, const std::string& entry, const CompileOptions& options) override {
    KernelSource prepared = prepare_kernel_source(source, entry, options);
    const msl::Module& module = prepared.module;
    const msl::EntryPoint* ep = module.find_entry(entry);
    const std::map<std::string, std::string>& fcs = prepared.function_constants;
    Translation tr = translate(module, fcs);
    CompiledObject obj = compile_shared_object(tr.cpp, options.file_name);
    check_object_symbols(obj.path, module);  // confinement: refused before any of its code is loaded
    void* h = load_object(obj.path);
    auto p = std::make_shared<EmulatorPipeline>();
    p->entry_name = entry;
    p->file_name = options.file_name;
    p->fn = reinterpret_cast<EntryFn>(dlsym(h, tr.symbols.at(entry).c_str()));
    if (!p->fn) throw Error(fmt::format("{} lacks the entry point of '{}'", obj.path, entry));
    std::tie(p->code_begin, p->code_end) = code_range(reinterpret_cast<const void*>(p->fn));
    p->msl_params = ep->kernel->params;
    p->max_total_threads = ep->kernel->max_total_threads;
    for (const auto& q : p->msl_params) p->infos.push_back({q.name, q.type_text, q.attribute, q.index});
    p->fibers = module.uses_synchronization;
    p->seconds = obj.seconds;
    p->cached = obj.from_cache;
    return p;
  }

  LaunchStats launch(const Pipeline& pipeline, const LaunchConfig& config) override {
    const auto* p = dynamic_cast<const EmulatorPipeline*>(&pipeline);
    if (!p) throw LaunchError("this pipeline was not compiled by the emulator device");
    // The address map: host addresses are the emulator's device addresses (its buffers are host memory).
    LaunchConfig with_map;
    const LaunchConfig* use = &config;
    if (config.address_map_index >= 0) {
      if (config.address_map_index >= metal_rt::kMaxBuffers)
        throw LaunchError(fmt::format("kernel '{}': the address map's [[buffer({})]] is outside 0..30", p->entry_name, config.address_map_index));
      with_map = config;
      with_map.buffers[static_cast<std::uint32_t>(config.address_map_index)] = Binding::raw(address_map_bytes(
          config.resident, [&](std::size_t i) { return reinterpret_cast<std::uintptr_t>(config.resident[i].buffer->data()); }));
      use = &with_map;
    }
    const LaunchConfig& cfg = *use;
    const Size3& tg = cfg.threads_per_threadgroup;
    if (tg.x == 0 || tg.y == 0 || tg.z == 0 || cfg.grid.x == 0 || cfg.grid.y == 0 || cfg.grid.z == 0)
      throw LaunchError(fmt::format("kernel '{}': grid and threadgroup sizes must be positive in every dimension", p->entry_name));
    if (tg.volume() > limits_.max_threads_per_threadgroup)
      throw LaunchError(fmt::format("kernel '{}': {} threads per threadgroup ({}x{}x{}) exceed the device limit of {}",
                                    p->entry_name, tg.volume(), tg.x, tg.y, tg.z, limits_.max_threads_per_threadgroup));
    if (p->max_total_threads && tg.volume() > p->max_total_threads)
      throw LaunchError(fmt::format("kernel '{}': {} threads per threadgroup exceed its [[max_total_threads_per_threadgroup({})]]",
                                    p->entry_name, tg.volume(), p->max_total_threads));
    LaunchPlan plan;
    plan.kernel = p->entry_name;
    plan.file_name = p->file_name;
    plan.entry = p->fn;
    plan.use_fibers = p->fibers;
    plan.limits = limits_;
    plan.racecheck = cfg.racecheck || racecheck_from_environment();
    plan.threadgroup_counters = cfg.threadgroup_counters || flag_from_environment("TRITON_METAL_THREADGROUP_COUNTERS");
    plan.timeout_seconds = cfg.timeout_seconds > 0 ? cfg.timeout_seconds : timeout_from_environment();
    plan.code_begin = p->code_begin;
    plan.code_end = p->code_end;
    plan.threads_per_group = tg;
    if (cfg.dispatch == Dispatch::Threads) {
      plan.nonuniform = true;
      plan.threads_per_grid = cfg.grid;
      plan.threadgroups = {(cfg.grid.x + tg.x - 1) / tg.x, (cfg.grid.y + tg.y - 1) / tg.y, (cfg.grid.z + tg.z - 1) / tg.z};
    } else {
      plan.threadgroups = cfg.grid;
      plan.threads_per_grid = {cfg.grid.x * tg.x, cfg.grid.y * tg.y, cfg.grid.z * tg.z};
    }
    plan.buffers.assign(metal_rt::kMaxBuffers, metal_rt::Region{});
    plan.threadgroup_lengths.assign(metal_rt::kMaxThreadgroupBufs, 0);
    plan.threadgroup_names.assign(metal_rt::kMaxThreadgroupBufs, "");
    std::uint64_t dynamic = 0;
    for (const auto& q : p->msl_params) {
      if (q.role == msl::ParamRole::Buffer) {
        if (q.index < 0 || q.index >= metal_rt::kMaxBuffers)
          throw LaunchError(fmt::format("kernel '{}': parameter '{}' uses [[buffer({})]], outside 0..30", p->entry_name, q.name, q.index));
        auto it = cfg.buffers.find(static_cast<std::uint32_t>(q.index));
        if (it == cfg.buffers.end() && q.is_pointer) {
          // Metal allows a buffer the launched code never reads to stay unbound; an access is reported.
          metal_rt::Region r{};
          r.name = q.name.c_str();
          r.index = q.index;
          r.kind = q.space == msl::AddressSpace::Constant ? metal_rt::kConstantBuffer : metal_rt::kDeviceBuffer;
          plan.buffers[q.index] = r;
          continue;
        }
        if (it == cfg.buffers.end())
          throw LaunchError(fmt::format("kernel '{}': parameter '{}' [[buffer({})]] has nothing bound", p->entry_name, q.name, q.index));
        const Binding& b = it->second;
        metal_rt::Region r{};
        if (b.buffer) {
          if (b.offset > b.buffer->size())
            throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] offset {} is past the buffer's {} bytes", p->entry_name, q.index, b.offset, b.buffer->size()));
          r.base = static_cast<char*>(b.buffer->data()) + b.offset;
          r.bytes = b.buffer->size() - b.offset;
        } else {
          r.base = const_cast<char*>(reinterpret_cast<const char*>(b.bytes.data()));
          r.bytes = b.bytes.size();
          if (r.bytes == 0)
            throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] '{}' is bound to empty data", p->entry_name, q.index, q.name));
        }
        r.name = q.name.c_str();
        r.index = q.index;
        r.kind = q.space == msl::AddressSpace::Constant ? metal_rt::kConstantBuffer : metal_rt::kDeviceBuffer;
        plan.buffers[q.index] = r;
      } else if (q.role == msl::ParamRole::Threadgroup) {
        if (q.index < 0 || q.index >= metal_rt::kMaxThreadgroupBufs)
          throw LaunchError(fmt::format("kernel '{}': parameter '{}' uses [[threadgroup({})]], outside 0..30", p->entry_name, q.name, q.index));
        auto it = cfg.threadgroup_memory.find(static_cast<std::uint32_t>(q.index));
        if (it == cfg.threadgroup_memory.end() || it->second == 0)
          throw LaunchError(fmt::format("kernel '{}': parameter '{}' [[threadgroup({})]] has no threadgroup memory length set",
                                        p->entry_name, q.name, q.index));
        plan.threadgroup_lengths[q.index] = it->second;
        plan.threadgroup_names[q.index] = q.name;
        dynamic += it->second;
      }
    }
    // Resident memory (reached by address): regions after the 31 bindings, found by address like them.
    std::vector<std::string> resident_names;
    resident_names.reserve(cfg.resident.size());
    for (const auto& res : cfg.resident) {
      if (!res.buffer) throw LaunchError(fmt::format("kernel '{}': a resident buffer of the launch is null", p->entry_name));
      resident_names.push_back(res.name.empty() ? std::string("memory") : res.name);
      metal_rt::Region r{};
      r.base = static_cast<char*>(res.buffer->data());
      r.bytes = res.buffer->size();
      r.name = resident_names.back().c_str();
      r.index = -1;
      r.kind = metal_rt::kDeviceBuffer;
      plan.buffers.push_back(r);
    }
    if (dynamic > limits_.max_threadgroup_memory_bytes)
      throw LaunchError(fmt::format("kernel '{}': threadgroup memory lengths total {} bytes, over the device limit of {} bytes",
                                    p->entry_name, dynamic, limits_.max_threadgroup_memory_bytes));
    std::lock_guard<std::mutex> lock(launch_mutex_);
    return executor_.run(plan);
  }

 private:
  DeviceLimits limits_;
  Executor executor_;
  std::mutex launch_mutex_;
};

}  // namespace

std::unique_ptr<Device> make_emulator_device(const DeviceLimits& limits) {
  if (limits.simd_width != 32)
    throw Error(fmt::format("the emulator implements 32-wide SIMD groups (every Apple GPU's), not {}", limits.simd_width));
  if (limits.max_threads_per_threadgroup == 0 || limits.max_threadgroup_memory_bytes == 0)
    throw Error("device limits must be positive");
  return std::make_unique<EmulatorDevice>(limits);
}

}  // namespace tmetal::runtime::emulator
