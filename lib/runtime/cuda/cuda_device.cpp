// The CUDA proxy device (cuda_device.h): buffers with host mirrors, MSL compile through the shared MSL
// front end + translate.h + NVRTC, module cache, and launches timed with CUDA events.
#include "runtime/cuda/cuda_device.h"

#include "runtime/kernel_source.h"

#include "runtime/cuda/driver_api.h"
#include "runtime/cuda/nvrtc_compiler.h"
#include "runtime/cuda/translate.h"
#include "runtime/emulator/compiler.h"
#include "runtime/msl/module.h"

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <unordered_map>

namespace tmetal::runtime::cuda {

namespace {

// Must match ::metal_cuda::Launch in include/metal_cuda/entry.h.
struct LaunchInfo {
  std::uint32_t grid[3];
  std::uint32_t threads_mode;
  std::uint32_t tg_offset[16];
};

class CudaBuffer : public Buffer {
 public:
  CudaBuffer(std::size_t n, void* wrapped) : size_(n) {
    if (wrapped) {
      host_ = static_cast<unsigned char*>(wrapped);
    } else {
      owned_.assign(std::max<std::size_t>(n, 1), 0);
      host_ = owned_.data();
    }
    check(driver().cuMemAlloc(&dev_, std::max<std::size_t>(n, 1)), fmt::format("allocation of {} bytes", n));
    check(driver().cuMemsetD8(dev_, 0, std::max<std::size_t>(n, 1)), "memset");
  }
  ~CudaBuffer() override { driver().cuMemFree(dev_); }
  void* data() override { return host_; }
  std::size_t size() const override { return size_; }
  CUdeviceptr device_ptr() const { return dev_; }
  void upload() {
    if (size_) check(driver().cuMemcpyHtoD(dev_, host_, size_), "host-to-device copy");
  }
  void download() {
    if (size_) check(driver().cuMemcpyDtoH(host_, dev_, size_), "device-to-host copy", true);
  }

 private:
  std::size_t size_;
  std::vector<unsigned char> owned_;
  unsigned char* host_ = nullptr;
  CUdeviceptr dev_ = 0;
};

struct LoadedModule {
  CUmodule module = nullptr;
  ~LoadedModule() {
    if (module) driver().cuModuleUnload(module);
  }
};

class CudaPipeline : public Pipeline {
 public:
  std::string entry_name, file_name;
  std::vector<KernelParamInfo> infos;
  std::vector<msl::KernelParam> msl_params;
  EntryGlue glue;
  std::shared_ptr<LoadedModule> module;
  CUfunction fn = nullptr;
  int static_shared = 0;
  int max_threads = 1024;
  unsigned max_total_threads = 0;  // [[max_total_threads_per_threadgroup(N)]]
  double seconds = 0;
  bool cached = false;
  std::vector<std::size_t> param_sizes;  // from the driver when it can tell; empty otherwise

  const std::string& entry() const override { return entry_name; }
  const std::vector<KernelParamInfo>& params() const override { return infos; }
  double compile_seconds() const override { return seconds; }
  bool from_cache() const override { return cached; }
};

class CudaDeviceImpl : public CudaDevice {
 public:
  explicit CudaDeviceImpl(const DeviceLimits& limits) : limits_(limits) {
    const Driver& d = driver();
    check(d.cuInit(0), "initialization");
    int count = 0;
    check(d.cuDeviceGetCount(&count), "device count");
    int ordinal = 0;
    if (const char* e = std::getenv("TRITON_METAL_CUDA_DEVICE"); e && *e) ordinal = std::atoi(e);
    if (count == 0) throw Error("the cuda device needs an NVIDIA GPU, and the driver sees none");
    if (ordinal < 0 || ordinal >= count) throw Error(fmt::format("TRITON_METAL_CUDA_DEVICE={} but there are {} GPUs", ordinal, count));
    check(d.cuDeviceGet(&dev_, ordinal), "device lookup");
    check(d.cuDevicePrimaryCtxRetain(&ctx_, dev_), "context creation");
    check(d.cuCtxSetCurrent(ctx_), "context activation");
    char name[256] = {};
    d.cuDeviceGetName(name, sizeof name, dev_);
    gpu_name_ = name;
    int major = 0, minor = 0;
    d.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev_);
    d.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev_);
    arch_ = fmt::format("sm_{}{}", major, minor);
    check(d.cuEventCreate(&start_, CU_EVENT_DEFAULT), "event creation");
    check(d.cuEventCreate(&stop_, CU_EVENT_DEFAULT), "event creation");
  }
  ~CudaDeviceImpl() override {
    // Modules go before the context; pipelines that outlive the device keep an empty module.
    for (auto& [bin, mod] : modules_) {
      if (mod->module) driver().cuModuleUnload(mod->module);
      mod->module = nullptr;
    }
    modules_.clear();
    driver().cuEventDestroy(start_);
    driver().cuEventDestroy(stop_);
    driver().cuDevicePrimaryCtxRelease(dev_);
  }

  std::string name() const override { return "cuda"; }
  std::string gpu_name() const override { return gpu_name_; }
  std::string arch() const override { return arch_; }
  const DeviceLimits& limits() const override { return limits_; }
  std::shared_ptr<Buffer> allocate(std::size_t bytes) override { return std::make_shared<CudaBuffer>(bytes, nullptr); }
  std::shared_ptr<Buffer> wrap(void* data, std::size_t bytes) override { return std::make_shared<CudaBuffer>(bytes, data); }
  void synchronize() override { check(driver().cuCtxSynchronize(), "synchronize", true); }
  void set_host_sync(bool on) override { host_sync_ = on; }
  void upload(Buffer& b) override { as_cuda(b).upload(); }
  void download(Buffer& b) override {
    synchronize();
    as_cuda(b).download();
  }

  std::shared_ptr<Pipeline> compile(const std::string& source, const std::string& entry, const CompileOptions& options) override {
    KernelSource prepared = prepare_kernel_source(source, entry, options);
    const msl::Module& module = prepared.module;
    const msl::EntryPoint* ep = module.find_entry(entry);
    const std::map<std::string, std::string>& fcs = prepared.function_constants;
    Translation tr;
    try {
      tr = translate(module, fcs);
    } catch (const msl::SyntaxError& e) {
      throw CompileError(e.what());
    }
    CompiledCuda bin = compile_cuda(tr.cuda, options.file_name, arch_);
    auto p = std::make_shared<CudaPipeline>();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto& mod = modules_[bin.binary];
      if (!mod) {
        mod = std::make_shared<LoadedModule>();
        check(driver().cuModuleLoadData(&mod->module, bin.binary.data()), "module load");
      }
      p->module = mod;
    }
    p->entry_name = entry;
    p->file_name = options.file_name;
    p->glue = tr.entries.at(entry);
    check(driver().cuModuleGetFunction(&p->fn, p->module->module, p->glue.symbol.c_str()), "kernel lookup");
    driver().cuFuncGetAttribute(&p->static_shared, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, p->fn);
    driver().cuFuncGetAttribute(&p->max_threads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, p->fn);
    if (driver().cuFuncGetParamInfo) {
      for (std::size_t i = 0; i < p->glue.args.size(); ++i) {
        std::size_t off = 0, size = 0;
        if (driver().cuFuncGetParamInfo(p->fn, i, &off, &size) != CUDA_SUCCESS) {
          p->param_sizes.clear();
          break;
        }
        p->param_sizes.push_back(size);
      }
    }
    p->msl_params = ep->kernel->params;
    p->max_total_threads = ep->kernel->max_total_threads;
    for (const auto& q : p->msl_params) p->infos.push_back({q.name, q.type_text, q.attribute, q.index});
    p->seconds = bin.seconds;
    p->cached = bin.from_cache;
    return p;
  }

  LaunchStats launch(const Pipeline& pipeline, const LaunchConfig& config) override {
    const auto* p = dynamic_cast<const CudaPipeline*>(&pipeline);
    if (!p) throw LaunchError("the pipeline was not compiled by the cuda device");
    const std::string& k = p->entry_name;
    if (!config.resident.empty() || config.address_map_index >= 0)
      throw LaunchError(fmt::format("kernel '{}': the cuda proxy does not run kernels that reach memory by address (pointers made "
                                    "from integers): use the emulator", k));
    const Size3& t = config.threads_per_threadgroup;
    if (t.volume() == 0 || config.grid.volume() == 0)
      throw LaunchError(fmt::format("kernel '{}': the grid and the threadgroup size must be non-zero", k));
    std::uint64_t max_threads = std::min<std::uint64_t>(limits_.max_threads_per_threadgroup, static_cast<std::uint64_t>(p->max_threads));
    if (p->max_total_threads) max_threads = std::min<std::uint64_t>(max_threads, p->max_total_threads);
    if (t.volume() > max_threads)
      throw LaunchError(fmt::format("kernel '{}': {} threads per threadgroup exceed the limit of {}", k, t.volume(), max_threads));

    // Threadgroup memory: [[threadgroup(i)]] buffers in dynamic shared memory, 16-byte aligned.
    LaunchInfo info{};
    std::size_t dynamic = 0;
    for (int idx : p->glue.threadgroup_indices) {
      auto it = config.threadgroup_memory.find(static_cast<std::uint32_t>(idx));
      if (it == config.threadgroup_memory.end())
        throw LaunchError(fmt::format("kernel '{}': [[threadgroup({})]] has no length set", k, idx));
      info.tg_offset[idx] = static_cast<std::uint32_t>(dynamic);
      dynamic += (it->second + 15) / 16 * 16;
    }
    std::uint64_t tg_total = dynamic + static_cast<std::uint64_t>(p->static_shared);
    if (tg_total > limits_.max_threadgroup_memory_bytes)
      throw LaunchError(fmt::format("kernel '{}': threadgroup memory of {} bytes (threadgroup arrays {} bytes plus "
                                    "[[threadgroup(i)]] buffers {} bytes) exceeds the device limit of {} bytes",
                                    k, tg_total, p->static_shared, dynamic, limits_.max_threadgroup_memory_bytes));
    if (dynamic > 48 * 1024)
      check(driver().cuFuncSetAttribute(p->fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, static_cast<int>(dynamic)),
            "shared-memory configuration", true);

    // Arguments, in the entry's parameter order, then the launch description.
    std::vector<CUdeviceptr> ptrs(p->glue.args.size());
    std::vector<std::vector<unsigned char>> values(p->glue.args.size());
    std::vector<void*> args;
    std::set<CudaBuffer*> bound, written;
    for (std::size_t i = 0; i < p->glue.args.size(); ++i) {
      const EntryArg& a = p->glue.args[i];
      auto it = config.buffers.find(static_cast<std::uint32_t>(a.index));
      if (it == config.buffers.end())
        throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] ('{}') is not bound", k, a.index, a.name));
      const Binding& b = it->second;
      if (a.kind == EntryArg::BufferPointer) {
        if (!b.buffer)
          throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] ('{}' of type '{}') needs a buffer, not bytes", k, a.index, a.name, a.type));
        auto& cb = as_cuda(*b.buffer);
        if (b.offset > cb.size())
          throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] offset {} is past the end of its {}-byte buffer", k, a.index, b.offset, cb.size()));
        ptrs[i] = cb.device_ptr() + b.offset;
        args.push_back(&ptrs[i]);
        bound.insert(&cb);
        bool is_const = p->msl_params.size() > 0 && param_is_const(*p, a.index);
        if (!is_const) written.insert(&cb);
      } else {
        std::size_t need = i < p->param_sizes.size() ? p->param_sizes[i] : 0;
        std::vector<unsigned char>& v = values[i];
        if (b.buffer) {
          auto& cb = as_cuda(*b.buffer);
          std::size_t n = cb.size() > b.offset ? cb.size() - b.offset : 0;
          v.assign(std::max<std::size_t>(n, need), 0);
          if (!host_sync_ && n) check(driver().cuMemcpyDtoH(v.data(), cb.device_ptr() + b.offset, n), "argument read", true);
          else if (n) std::memcpy(v.data(), static_cast<unsigned char*>(cb.data()) + b.offset, n);
        } else {
          v = b.bytes;
        }
        if (need && v.size() < need)
          throw LaunchError(fmt::format("kernel '{}': [[buffer({})]] ('{}' of type '{}') needs {} bytes, {} were bound", k,
                                        a.index, a.name, a.type, need, v.size()));
        v.resize(std::max<std::size_t>(v.size(), need ? need : 4096), 0);
        args.push_back(v.data());
      }
    }
    std::uint32_t groups[3];
    const std::uint32_t grid[3] = {config.grid.x, config.grid.y, config.grid.z}, tg[3] = {t.x, t.y, t.z};
    for (int d = 0; d < 3; ++d) {
      if (config.dispatch == Dispatch::Threads) {
        groups[d] = (grid[d] + tg[d] - 1) / tg[d];
        info.grid[d] = grid[d];
      } else {
        groups[d] = grid[d];
        info.grid[d] = grid[d] * tg[d];
      }
    }
    info.threads_mode = config.dispatch == Dispatch::Threads ? 1 : 0;
    args.push_back(&info);

    if (host_sync_)
      for (CudaBuffer* b : bound) b->upload();
    const Driver& d = driver();
    check(d.cuEventRecord(start_, nullptr), "event record", true);
    check(d.cuLaunchKernel(p->fn, groups[0], groups[1], groups[2], t.x, t.y, t.z, static_cast<unsigned>(dynamic), nullptr,
                           args.data(), nullptr),
          fmt::format("launch of kernel '{}'", k), true);
    check(d.cuEventRecord(stop_, nullptr), "event record", true);
    check(d.cuEventSynchronize(stop_), fmt::format("execution of kernel '{}'", k), true);
    float ms = 0;
    check(d.cuEventElapsedTime(&ms, start_, stop_), "event timing", true);
    if (host_sync_)
      for (CudaBuffer* b : written) b->download();

    LaunchStats s;
    s.wall_seconds = ms * 1e-3;
    s.threadgroups = std::uint64_t{groups[0]} * groups[1] * groups[2];
    s.threads = config.dispatch == Dispatch::Threads ? config.grid.volume() : s.threadgroups * t.volume();
    return s;
  }

 private:
  static CudaBuffer& as_cuda(Buffer& b) {
    auto* c = dynamic_cast<CudaBuffer*>(&b);
    if (!c) throw LaunchError("the buffer was not allocated by the cuda device");
    return *c;
  }
  static bool param_is_const(const CudaPipeline& p, int index) {
    for (const auto& q : p.msl_params)
      if (q.role == msl::ParamRole::Buffer && q.index == index)
        return q.is_const || q.space == msl::AddressSpace::Constant;
    return false;
  }

  DeviceLimits limits_;
  CUdevice dev_ = 0;
  CUcontext ctx_ = nullptr;
  CUevent start_ = nullptr, stop_ = nullptr;
  std::string gpu_name_, arch_;
  bool host_sync_ = true;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<LoadedModule>> modules_;
};

}  // namespace

std::unique_ptr<CudaDevice> make_cuda_device(const DeviceLimits& limits) { return std::make_unique<CudaDeviceImpl>(limits); }

}  // namespace tmetal::runtime::cuda
