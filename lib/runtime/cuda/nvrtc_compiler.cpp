// NVRTC driver and in-process cache of the CUDA proxy (see nvrtc_compiler.h).
#include "runtime/cuda/nvrtc_compiler.h"

#include "triton_metal/runtime.h"

#include <fmt/core.h>
#include <nvrtc.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <vector>

namespace tmetal::runtime::cuda {

namespace {

void check(nvrtcResult r, const char* what) {
  if (r != NVRTC_SUCCESS) throw Error(fmt::format("NVRTC {} failed: {}", what, nvrtcGetErrorString(r)));
}

// NVRTC writes "FILE(LINE): error: message"; the project's diagnostics read "FILE:LINE: error: message".
std::string reformat_log(const std::string& log) {
  static const std::regex loc(R"(^(.*)\((\d+)\): (error|warning|remark)(.*)$)");
  std::istringstream in(log);
  std::string line, out;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, loc)) line = fmt::format("{}:{}: {}{}", m[1].str(), m[2].str(), m[3].str(), m[4].str());
    out += line + "\n";
  }
  return out;
}

struct Cache {
  std::mutex mutex;
  std::map<std::string, std::string> binaries;  // key: arch + mode + source
};
Cache& cache() {
  static Cache c;
  return c;
}

}  // namespace

std::string cuda_stdlib_include_dir() {
  if (const char* e = std::getenv("TRITON_METAL_CUDA_INCLUDE"); e && *e) return e;
  return TM_CUDA_STDLIB_DIR;
}

// TRITON_METAL_CUDA_DUMP=DIR: the translated CUDA source of every compile goes to DIR/FILE.cu, NVRTC's log,
// with ptxas' resource report (registers, spills, shared memory per entry), to DIR/FILE.log, and the binary to
// DIR/FILE.cubin (or .ptx): `cuobjdump -sass FILE.cubin` shows the machine code without a GPU.
static const char* dump_dir() {
  const char* e = std::getenv("TRITON_METAL_CUDA_DUMP");
  return e && *e ? e : nullptr;
}

// TRITON_METAL_CUDA_NVRTC_OPTIONS: extra NVRTC options, space-separated (e.g. --fmad=false to tell contraction
// apart from other differences with the emulator).
static std::vector<std::string> extra_options() {
  std::vector<std::string> out;
  if (const char* e = std::getenv("TRITON_METAL_CUDA_NVRTC_OPTIONS")) {
    std::istringstream in(e);
    for (std::string o; in >> o;) out.push_back(o);
  }
  return out;
}

CompiledCuda compile_cuda(const std::string& source, const std::string& file_name, const std::string& arch, bool ptx_only) {
  const std::vector<std::string> extra = extra_options();
  std::string key = arch + (ptx_only ? "|ptx|" : "|cubin|");
  for (const auto& o : extra) key += o + "|";
  key += source;
  {
    std::lock_guard<std::mutex> lock(cache().mutex);
    if (auto it = cache().binaries.find(key); it != cache().binaries.end()) return {it->second, 0, true};
  }
  auto t0 = std::chrono::steady_clock::now();
  nvrtcProgram prog;
  check(nvrtcCreateProgram(&prog, source.c_str(), (file_name + ".cu").c_str(), 0, nullptr, nullptr), "program creation");
  std::string inc = "-I" + cuda_stdlib_include_dir();
  std::string cuda_inc = std::string("-I") + TM_CUDA_TOOLKIT_INCLUDE_DIR;
  std::string gpu = (ptx_only ? "--gpu-architecture=compute_" : "--gpu-architecture=sm_") + arch.substr(arch.find('_') + 1);
  std::vector<const char*> opts = {gpu.c_str(), "--std=c++17", "-default-device", "-lineinfo", "--device-int128",
                                   inc.c_str(), cuda_inc.c_str(), "-w"};
  for (const auto& o : extra) opts.push_back(o.c_str());
  const char* dump = dump_dir();
  if (dump) opts.push_back("--ptxas-options=-v");
  nvrtcResult r = nvrtcCompileProgram(prog, static_cast<int>(opts.size()), opts.data());
  size_t log_size = 0;
  nvrtcGetProgramLogSize(prog, &log_size);
  std::string log(log_size, '\0');
  if (log_size) nvrtcGetProgramLog(prog, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  if (dump) {
    std::string stem = fmt::format("{}/{}", dump, file_name);
    std::ofstream(stem + ".cu") << source;
    std::ofstream(stem + ".log") << log << "\n";
  }
  if (r != NVRTC_SUCCESS) {
    nvrtcDestroyProgram(&prog);
    throw CompileError(fmt::format("{}: the CUDA proxy could not compile the kernel (NVRTC: {}):\n{}", file_name,
                                   nvrtcGetErrorString(r), reformat_log(log)));
  }
  std::string binary;
  size_t n = 0;
  if (ptx_only) {
    check(nvrtcGetPTXSize(prog, &n), "PTX size");
    binary.resize(n);
    check(nvrtcGetPTX(prog, binary.data()), "PTX");
  } else {
    check(nvrtcGetCUBINSize(prog, &n), "cubin size");
    binary.resize(n);
    check(nvrtcGetCUBIN(prog, binary.data()), "cubin");
  }
  nvrtcDestroyProgram(&prog);
  if (dump) std::ofstream(fmt::format("{}/{}{}", dump, file_name, ptx_only ? ".ptx" : ".cubin"), std::ios::binary) << binary;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  {
    std::lock_guard<std::mutex> lock(cache().mutex);
    cache().binaries.emplace(key, binary);
  }
  return {binary, seconds, false};
}

}  // namespace tmetal::runtime::cuda
