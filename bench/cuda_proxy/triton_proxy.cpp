// Generic driver of the CUDA proxy for kernels compiled by OUR compiler (triton-metal compile: NAME.metal +
// NAME.json): for each case of a manifest (written by triton_bench.py) it compiles the MSL on the device
// (CUDA: MSL -> CUDA translation + NVRTC; or the emulator, for a CPU check of this driver), binds buffers
// and scalars by the metadata's params (name -> [[buffer(i)]], scalars packed by dtype as setBytes),
// launches the Triton grid as threadgroups with threads_per_threadgroup from the metadata (as tmetal::launch
// does: one threadgroup per program), writes every non-input buffer to a file for the float64 check, and
// times the kernel (per-launch CUDA events, warm-up, median). One JSON line per case.
// With --counters the emulator counts threadgroup bytes too (TRITON_METAL_THREADGROUP_COUNTERS=1); every
// result line carries the launch's counters ("stats").
// --translate-only ARCH (CUDA builds; no GPU needed): only translate each kernel and compile it with NVRTC for ARCH
// (e.g. sm_90), to check kernels before a GPU run (with TRITON_METAL_CUDA_DUMP, ptxas' resource reports too).
// Usage: triton_proxy MANIFEST.json RESULTS.jsonl [--device cuda|emulator] [--no-time] [--counters]
//                     [--translate-only ARCH]
#include "triton_metal/runtime.h"
#if TM_HAVE_CUDA
#include "runtime/cuda/cuda_device.h"
#include "runtime/cuda/nvrtc_compiler.h"
#include "runtime/cuda/translate.h"
#include "runtime/kernel_source.h"
#endif

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace rt = tmetal::runtime;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scalar argument as the bytes of its MSL type (Triton i32 -> int, fp32 -> float, ...).
std::vector<std::uint8_t> scalar_bytes(const std::string& dtype, const json& v) {
  auto put = [](auto x) {
    std::vector<std::uint8_t> b(sizeof(x));
    std::memcpy(b.data(), &x, sizeof(x));
    return b;
  };
  if (dtype == "i32") return put(static_cast<std::int32_t>(v.get<long long>()));
  if (dtype == "u32") return put(static_cast<std::uint32_t>(v.get<long long>()));
  if (dtype == "i64") return put(static_cast<std::int64_t>(v.get<long long>()));
  if (dtype == "u64") return put(static_cast<std::uint64_t>(v.get<long long>()));
  if (dtype == "f32") return put(v.get<float>());
  if (dtype == "i1") return put(static_cast<bool>(v.get<long long>()));
  throw std::runtime_error("scalar dtype '" + dtype + "' not supported by the driver");
}

struct Device {
  std::unique_ptr<rt::Device> dev;
#if TM_HAVE_CUDA
  rt::cuda::CudaDevice* cuda = nullptr;
#endif
};

// The kernel directory's metadata and MSL.
std::pair<json, std::string> read_kernel(const json& c) {
  fs::path dir = c["dir"].get<std::string>();
  fs::path meta_path;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") meta_path = e.path();
  if (meta_path.empty()) throw std::runtime_error("no metadata .json in " + dir.string());
  json meta = json::parse(slurp(meta_path));
  return {meta, slurp(dir / (meta["entry"].get<std::string>() + ".metal"))};
}

#if TM_HAVE_CUDA
json translate_case(const json& c, const std::string& arch) {
  auto [meta, msl] = read_kernel(c);
  std::string entry = meta["entry"];
  rt::CompileOptions o;
  o.file_name = entry + ".metal";
  auto prepared = rt::prepare_kernel_source(msl, entry, o);
  auto tr = rt::cuda::translate(prepared.module, prepared.function_constants);
  auto bin = rt::cuda::compile_cuda(tr.cuda, o.file_name, arch);
  return {{"name", c["name"]}, {"ran", true}, {"translated", true}, {"nvrtc_s", bin.seconds}};
}
#endif

json run_case(Device& d, const json& c, bool time) {
  json r{{"name", c["name"]}};
  auto [meta, msl] = read_kernel(c);
  std::string entry = meta["entry"];

  rt::CompileOptions o;
  o.file_name = entry + ".metal";
  auto t0 = std::chrono::steady_clock::now();
  auto pipe = d.dev->compile(msl, entry, o);
  r["compile_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  rt::LaunchConfig cfg;
  auto g = c["grid"];
  cfg.grid = {g.at(0).get<std::uint32_t>(), g.size() > 1 ? g[1].get<std::uint32_t>() : 1u, g.size() > 2 ? g[2].get<std::uint32_t>() : 1u};
  auto tpt = meta["threads_per_threadgroup"];
  cfg.threads_per_threadgroup = {tpt[0].get<std::uint32_t>(), tpt[1].get<std::uint32_t>(), tpt[2].get<std::uint32_t>()};
  cfg.dispatch = rt::Dispatch::Threadgroups;
  const json& args = c["args"];
  std::vector<std::pair<std::string, std::shared_ptr<rt::Buffer>>> outs;
  for (auto& b : meta["buffers"]) {
    std::string name = b["name"];
    if (!args.contains(name)) throw std::runtime_error("manifest has no argument " + name);
    std::string bytes = slurp(args[name]["file"].get<std::string>());
    auto buf = d.dev->allocate(std::max<std::size_t>(bytes.size(), 1));
    std::memcpy(buf->data(), bytes.data(), bytes.size());
    cfg.buffers[b["index"].get<std::uint32_t>()] = rt::Binding::of(buf);
    if (b["role"] != "input") outs.emplace_back(name, buf);
  }
  for (auto& s : meta["scalars"]) {
    std::string name = s["name"];
    if (!args.contains(name)) throw std::runtime_error("manifest has no argument " + name);
    cfg.buffers[s["index"].get<std::uint32_t>()] = rt::Binding::raw(scalar_bytes(s["dtype"], args[name]["value"]));
  }
  auto first = d.dev->launch(*pipe, cfg);  // host sync on: inputs up, outputs back
  r["first_ms"] = first.wall_seconds * 1e3;
  // The emulator's counters of this launch (0 on the CUDA proxy, which does not count).
  r["stats"] = {{"device_bytes_read", first.device_bytes_read}, {"device_bytes_written", first.device_bytes_written},
                {"threadgroup_bytes_read", first.threadgroup_bytes_read}, {"threadgroup_bytes_written", first.threadgroup_bytes_written},
                {"barriers", first.barriers}, {"simd_collectives", first.simd_collectives},
                {"simdgroup_multiply_accumulates", first.simdgroup_multiply_accumulates},
                {"threadgroups", first.threadgroups}, {"threads", first.threads}};
  fs::path out_dir = c["out_dir"].get<std::string>();
  fs::create_directories(out_dir);
  for (auto& [name, buf] : outs) {
    std::ofstream f(out_dir / (name + ".bin"), std::ios::binary);
    f.write(static_cast<const char*>(buf->data()), static_cast<std::streamsize>(buf->size()));
  }
  r["ran"] = true;
#if TM_HAVE_CUDA
  if (time && d.cuda) {
    int warmup = 5, iters = 30;
    if (first.wall_seconds > 0.02) warmup = 2, iters = 7;
    d.cuda->set_host_sync(false);
    for (int i = 0; i < warmup; ++i) d.dev->launch(*pipe, cfg);
    std::vector<double> t;
    for (int i = 0; i < iters; ++i) t.push_back(d.dev->launch(*pipe, cfg).wall_seconds * 1e3);
    d.cuda->set_host_sync(true);
    std::sort(t.begin(), t.end());
    r["ms"] = t[t.size() / 2];
    r["ms_min"] = t.front();
    r["iters"] = iters;
  }
#else
  (void)time;
#endif
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MANIFEST.json RESULTS.jsonl [--device cuda|emulator] [--no-time] [--counters]\n", argv[0]);
    return 2;
  }
  std::string device = "cuda";
  bool time = true;
  std::string translate_arch;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--device" && i + 1 < argc) device = argv[++i];
    else if (a == "--no-time") time = false;
    else if (a == "--translate-only" && i + 1 < argc) translate_arch = argv[++i];
    else if (a == "--counters") {
      setenv("TRITON_METAL_THREADGROUP_COUNTERS", "1", 1);
    }
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (!translate_arch.empty()) {
#if TM_HAVE_CUDA
    json manifest = json::parse(slurp(argv[1]));
    std::ofstream res(argv[2]);
    int failures = 0;
    for (auto& c : manifest["cases"]) {
      json r;
      try {
        r = translate_case(c, translate_arch);
      } catch (const std::exception& e) {
        r = {{"name", c["name"]}, {"ran", false}, {"error", std::string(e.what()).substr(0, 3000)}};
        ++failures;
      }
      std::printf("%-24s %s\n", c["name"].get<std::string>().c_str(), r.value("ran", false) ? "translated + NVRTC ok" : r.value("error", "").c_str());
      res << r.dump() << "\n";
    }
    return failures ? 1 : 0;
#else
    std::fprintf(stderr, "error: --translate-only needs a build with the CUDA toolkit\n");
    return 1;
#endif
  }
  Device d;
  try {
#if TM_HAVE_CUDA
    if (device == "cuda") {
      auto c = rt::cuda::make_cuda_device({});
      std::printf("GPU: %s (%s)\n", c->gpu_name().c_str(), c->arch().c_str());
      d.cuda = c.get();
      d.dev = std::move(c);
    }
#endif
#if !TM_PROXY_CUDA_ONLY  // run_gpu_bench.sh (driver_sources.txt) builds without the emulator
    if (!d.dev) d.dev = rt::make_device(device);
#endif
    if (!d.dev) throw std::runtime_error("this build has only --device cuda");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  json manifest = json::parse(slurp(argv[1]));
  std::ofstream res(argv[2]);
  int failures = 0;
  for (auto& c : manifest["cases"]) {
    json r;
    try {
      r = run_case(d, c, time);
    } catch (const std::exception& e) {
      r = {{"name", c["name"]}, {"ran", false}, {"error", std::string(e.what()).substr(0, 3000)}};
      ++failures;
    }
    std::printf("%-20s %s %s\n", c["name"].get<std::string>().c_str(), r.value("ran", false) ? "ran" : "ERROR",
                r.contains("ms") ? (std::to_string(r["ms"].get<double>()) + " ms").c_str() : r.value("error", "").c_str());
    std::fflush(stdout);
    res << r.dump() << "\n";
    res.flush();
  }
  return failures ? 1 : 0;
}
