// `triton-metal run`: compiles a Triton-language kernel, fills its arrays with random data, runs it on a device
// (the Metal emulator by default, or the float64 tile-IR interpreter) and, with --check, compares every output
// element with the interpreter's float64 run, printing one verdict per output.
//
// Argument rules: every pointer parameter needs `--size NAME=ELEMENTS`; integer and float scalar parameters take
// their value from `--size NAME=VALUE` (an integer scalar without one is an error). Inputs and outputs are all
// filled with random data (floats uniform in [-1, 1), integers in [0, 16)), so elements a kernel must write
// but does not are caught too.
#include "command_registry.h"
#include "kernel_cli.h"
#include "number_parse.h"

#include "interpreter/host_array.h"
#include "interpreter/tile_interpreter.h"
#include "ir/operation.h"
#include "ir/parser.h"
#include "triton_metal/kernel.h"
#include "triton_metal/target.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace {

struct RunArgs {
  std::string input, kernel, grid = "1", target, device = "emulator";
  std::vector<std::string> signature, constexprs, sizes;
  int num_warps = 4;
  int num_stages = 0;
  bool check = false;
  uint64_t seed = 1;
};

double tolerance(const std::string& dtype) {
  if (dtype == "f32") return 1e-4;
  if (dtype == "f16") return 1e-2;
  if (dtype == "bf16") return 6e-2;
  return 0;
}

int run(const RunArgs& a) {
  if (a.device != "emulator" && a.device != "interpreter" && a.device != "cuda" && a.device != "metal")
    throw tmetal::cli::UsageError(fmt::format("unknown --device '{}' (choose emulator, metal, cuda or interpreter)", a.device));
  if (a.check && a.device == "interpreter")
    throw tmetal::cli::UsageError("--check compares a device with the interpreter: use it with --device emulator, metal or cuda");
  tmetal::Specialization spec = tmetal::cli::parse_specialization(a.signature, a.constexprs);
  std::map<std::string, std::string> sizes;
  for (const auto& s : a.sizes) {
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');) {
      auto eq = item.find('=');
      if (eq == std::string::npos) throw tmetal::cli::UsageError(fmt::format("--size '{}' must be NAME=VALUE", item));
      auto trim = [](std::string x) {
        x.erase(0, x.find_first_not_of(" \t"));
        x.erase(x.find_last_not_of(" \t") + 1);
        return x;
      };
      sizes[trim(item.substr(0, eq))] = trim(item.substr(eq + 1));
    }
  }
  auto grid = tmetal::cli::parse_dims(a.grid, tmetal::cli::kMaxGridDimension, "--grid");
  std::string source = tmetal::cli::read_source_file(a.input);
  tmetal::KernelOptions ko;
  ko.target = a.target;
  ko.num_warps = a.num_warps;
  ko.num_stages = a.num_stages;
  std::optional<tmetal::CompiledKernel> compiled = tmetal::cli::compile_or_report(source, a.input, a.kernel, spec, ko);
  if (!compiled) return 1;
  const tmetal::CompiledKernel& k = *compiled;
  if (static_cast<uint64_t>(grid[0]) * k.threads_per_threadgroup > tmetal::cli::kMaxThreadsPerDimension)
    throw tmetal::cli::UsageError(fmt::format("--grid {}: {} programs of {} threads exceed Metal's {} threads per grid dimension", a.grid, grid[0],
                                              k.threads_per_threadgroup, tmetal::cli::kMaxThreadsPerDimension));
  // Arguments.
  std::vector<tmetal::interp::HostArray> arrays(k.params.size());
  std::vector<double> scalars(k.params.size(), 0);
  std::vector<int64_t> int_scalars(k.params.size(), 0);
  for (size_t i = 0; i < k.params.size(); ++i) {
    const auto& p = k.params[i];
    auto it = sizes.find(p.name);
    if (it == sizes.end())
      throw tmetal::cli::UsageError(fmt::format("missing --size {}=N ({} {} of kernel '{}')", p.name, p.pointer ? "element count of array" : "value of scalar", p.name, k.name));
    std::string text = it->second;
    sizes.erase(it);
    if (p.pointer) {
      // At most 2^40 elements: the host must hold the array (and a reference copy with --check).
      uint64_t count = tmetal::cli::parse_unsigned(text, uint64_t{1} << 40, fmt::format("--size {} (element count)", p.name));
      if (count == 0) throw tmetal::cli::UsageError(fmt::format("--size {}: the element count must be a positive integer", p.name));
      arrays[i] = tmetal::interp::HostArray(p.dtype, static_cast<size_t>(count));
      if (tmetal::interp::dtype_is_float(p.dtype)) arrays[i].fill_random(a.seed * 1000 + i, -1, 1);
      else arrays[i].fill_random(a.seed * 1000 + i, 0, 15);
    } else {
      auto v = tmetal::cli::parse_value_of_type(text, p.dtype, fmt::format("--size {}", p.name));
      scalars[i] = v.f;
      int_scalars[i] = v.i;
    }
  }
  if (!sizes.empty()) throw tmetal::cli::UsageError(fmt::format("--size names '{}', which is not a parameter of kernel '{}'", sizes.begin()->first, k.name));
  std::vector<tmetal::interp::HostArray> reference = arrays;
  // The device run prints the kernel's tl.device_print lines (Triton's interpreter format); the reference
  // run of --check does not.
  auto run_interpreter = [&](std::vector<tmetal::interp::HostArray>& data, bool print) {
    std::unique_ptr<tmetal::ir::Operation> module = tmetal::ir::parse_ir(k.tile_ir, a.input);
    const tmetal::ir::Operation* func = nullptr;
    module->walk([&](tmetal::ir::Operation* op) {
      if (op->is(tmetal::ir::OpCode::Func)) func = op;
    });
    std::vector<tmetal::interp::InterpArg> args;
    for (size_t i = 0; i < k.params.size(); ++i) args.push_back({k.params[i].pointer ? &data[i] : nullptr, scalars[i]});
    tmetal::interp::PrintSink sink;
    if (print) sink = [](const tmetal::interp::PrintEvent& e) { std::cout << tmetal::interp::format_print(e) << std::flush; };
    if (print) std::cout << func->str_attr("tt.static_prints") << std::flush;  // tl.static_print, as Triton's interpreter
    tmetal::interp::interpret(*func, grid, args, sink);
  };
  if (a.device != "interpreter") {
    // The device enforces the limits of the chip the kernel was compiled for.
    auto device = tmetal::runtime::make_device(a.device, tmetal::runtime::limits_of(tmetal::target::resolve_target(k.target)));
    std::vector<tmetal::KernelArg> args;
    for (size_t i = 0; i < k.params.size(); ++i)
      args.push_back(k.params[i].pointer ? tmetal::KernelArg::array(arrays[i].data(), arrays[i].bytes())
                     : tmetal::interp::dtype_is_float(k.params[i].dtype) ? tmetal::KernelArg::scalar_real(scalars[i])
                                                                         : tmetal::KernelArg::scalar(int_scalars[i]));
    auto stats = tmetal::launch(k, *device, grid, args);
    std::cout << fmt::format("ran {} on {} ({}): grid {}x{}x{} of {} threads, {} bytes read, {} written, threadgroup bytes read {}, "
                             "written {}, barriers {}, simdgroup multiply-accumulates {}{}\n",
                             k.name, device->name(), k.target, grid[0], grid[1], grid[2], k.threads_per_threadgroup,
                             stats.device_bytes_read, stats.device_bytes_written, stats.threadgroup_bytes_read,
                             stats.threadgroup_bytes_written, stats.barriers, stats.simdgroup_multiply_accumulates,
                             stats.gpu_seconds > 0 ? fmt::format(", GPU time {:.3f} ms", stats.gpu_seconds * 1e3) : "");
  } else {
    run_interpreter(arrays, true);
    std::cout << fmt::format("ran {} on the float64 interpreter: grid {}x{}x{}\n", k.name, grid[0], grid[1], grid[2]);
  }
  if (!a.check) {
    for (size_t i = 0; i < k.params.size(); ++i) {
      const auto& p = k.params[i];
      if (!p.pointer || (p.role != "output" && p.role != "inout")) continue;
      double sum = 0;
      for (size_t j = 0; j < arrays[i].size(); ++j) sum += arrays[i].get(j);
      std::cout << fmt::format("{} ({}, {} elements): sum {:.6g}\n", p.name, p.dtype, arrays[i].size(), sum);
    }
    return 0;
  }
  run_interpreter(reference, false);
  bool ok = true;
  for (size_t i = 0; i < k.params.size(); ++i) {
    const auto& p = k.params[i];
    if (!p.pointer || (p.role != "output" && p.role != "inout")) continue;
    double tol = tolerance(p.dtype), worst = 0;
    size_t worst_at = 0;
    for (size_t j = 0; j < arrays[i].size(); ++j) {
      double want = tmetal::interp::round_to_dtype(reference[i].get(j), p.dtype);
      double err = std::fabs(arrays[i].get(j) - want) / (1.0 + std::fabs(want));
      if (std::isnan(err) && !(std::isnan(arrays[i].get(j)) && std::isnan(want))) err = INFINITY;
      if (std::isnan(err)) err = 0;
      if (err > worst) {
        worst = err;
        worst_at = j;
      }
    }
    bool pass = worst <= tol;
    ok = ok && pass;
    std::cout << fmt::format("{} ({}, {} elements): max error {:.3g}{} tolerance {:.3g}: {}\n", p.name, p.dtype, arrays[i].size(), worst,
                             pass ? "" : fmt::format(" at element {} (got {}, want {})", worst_at, arrays[i].get(worst_at), reference[i].get(worst_at)),
                             tol, pass ? "PASS" : "FAIL");
  }
  return ok ? 0 : 1;
}

tmetal::cli::CommandRegistration reg{
    "run", "compile a kernel, run it on random data (emulator or interpreter) and --check it against the float64 interpreter",
    [](CLI::App& cmd) -> tmetal::cli::RunFunction {
      auto a = std::make_shared<RunArgs>();
      cmd.add_option("input", a->input, "kernel source (.py)")->required();
      cmd.add_option("--kernel,-k", a->kernel, "name of the @triton.jit function")->required();
      cmd.add_option("--signature,-s", a->signature, "argument types, e.g. 'x_ptr=*fp32:16, n=i32'");
      cmd.add_option("--constexpr,-c", a->constexprs, "constexpr values, e.g. BLOCK=1024 (repeatable)");
      cmd.add_option("--grid,-g", a->grid, "Triton grid X[,Y,Z] (programs per axis)");
      tmetal::cli::add_number_option(cmd, "--num-warps", a->num_warps, INT32_MIN, INT32_MAX, "simdgroups per threadgroup (default 4)");
      tmetal::cli::add_number_option(cmd, "--num-stages", a->num_stages, 0, 8, "software-pipelining depth of dot K loops (1: none; default: the target's)");
      cmd.add_option("--size", a->sizes, "NAME=N: element count of array NAME, or value of scalar NAME (repeatable, comma lists)");
      cmd.add_option("--target,-t", a->target, "hardware-model target (default TRITON_METAL_TARGET or apple-m3)");
      cmd.add_option("--device", a->device, "emulator (default), metal (macOS), cuda (the CUDA proxy, where built) or interpreter");
      tmetal::cli::add_number_option<uint64_t>(cmd, "--seed", a->seed, 0, UINT64_MAX, "random seed of the input data");
      cmd.add_flag("--check", a->check, "compare every output element with the float64 interpreter; exit 1 on mismatch");
      return [a] { return run(*a); };
    }};

}  // namespace
