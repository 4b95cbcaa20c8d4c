// `triton-metal compile`: compiles a Triton-language kernel (.py) or tile IR (.tir) and prints the IR of
// the requested stage (--emit tile-ir-raw | tile-ir | gpu-ir | msl | metadata), or with -o DIR writes
// DIR/NAME.metal and DIR/NAME.json (stages 3–5 through tmetal::compile, include/triton_metal/kernel.h).
#include "command_registry.h"
#include "number_parse.h"
#include "kernel_cli.h"

#include "triton_metal/compile.h"
#include "triton_metal/kernel.h"
#include "triton_metal/target.h"
#include "gpu/layout_encoding.h"
#include "transforms/pass.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

struct CompileArgs {
  std::string input;
  std::string kernel;
  std::vector<std::string> signature;
  std::vector<std::string> constexprs;
  std::string emit = "tile-ir";
  std::string passes;
  bool print_after_all = false;
  std::vector<std::string> print_after;
  bool verify_each = false;
  bool no_verify_each = false;
  bool no_locations = false;
  std::string target;
  int num_warps = 4;
  int num_stages = 0;
  std::string out_dir;
};

int run(const CompileArgs& a) {
  static const std::vector<std::string> emits = {"tile-ir-raw", "tile-ir", "gpu-ir", "msl", "metadata"};
  if (std::find(emits.begin(), emits.end(), a.emit) == emits.end())
    throw tmetal::cli::UsageError(fmt::format("unknown --emit '{}' (choose from: {})", a.emit, fmt::join(emits, ", ")));
  bool tir = a.input.size() > 4 && a.input.substr(a.input.size() - 4) == ".tir";
  tmetal::Specialization spec = tmetal::cli::parse_specialization(a.signature, a.constexprs);
  if (!tir && a.kernel.empty()) throw tmetal::cli::UsageError("--kernel NAME is required for Python input");
  tmetal::CompileOptions options;
  options.run_passes = a.emit != "tile-ir-raw";
  options.print_after_all = a.print_after_all;
  options.print_after = {a.print_after.begin(), a.print_after.end()};
  options.verify_each = a.no_verify_each ? false : true;
  options.locations = !a.no_locations;
  options.dump = [](const std::string& text) { std::cout << text; };
  if (!a.passes.empty()) {
    std::vector<std::string> names;
    std::stringstream ss(a.passes);
    for (std::string p; std::getline(ss, p, ',');)
      if (!p.empty()) names.push_back(p);
    options.passes = names;
  }
  const std::vector<std::string>& gpu_passes = tmetal::gpu_pass_names();
  for (const auto& p : options.print_after)
    if (std::find(gpu_passes.begin(), gpu_passes.end(), p) == gpu_passes.end() && !tmetal::transforms::create_pass(p))
      throw tmetal::cli::UsageError(fmt::format("--print-after names unknown pass '{}' (known: {}, {})", p,
                                                fmt::join(tmetal::transforms::pass_names(), ", "), fmt::join(gpu_passes, ", ")));
  if (options.passes)
    for (const auto& p : *options.passes)
      if (!tmetal::transforms::create_pass(p))
        throw tmetal::cli::UsageError(fmt::format("--passes names unknown pass '{}' (known: {})", p, fmt::join(tmetal::transforms::pass_names(), ", ")));
  std::string source = tmetal::cli::read_source_file(a.input);
  tmetal::gpu::register_layout_encodings();  // so that GPU IR (.tir with #gpu.blocked types) parses
  bool lower = a.emit == "gpu-ir" || a.emit == "msl" || a.emit == "metadata" || !a.out_dir.empty();
  if (lower) {
    if (tir) throw tmetal::cli::UsageError("--emit gpu-ir/msl/metadata and -o need a Python kernel (.py)");
    tmetal::KernelOptions ko;
    ko.target = a.target;
    ko.num_warps = a.num_warps;
    ko.num_stages = a.num_stages;
    ko.tile = options;
    std::optional<tmetal::CompiledKernel> compiled = tmetal::cli::compile_or_report(source, a.input, a.kernel, spec, ko);
    if (!compiled) return 1;
    const tmetal::CompiledKernel& k = *compiled;
    if (!a.out_dir.empty()) {
      std::filesystem::create_directories(a.out_dir);
      for (auto [ext, text] : {std::pair{".metal", &k.msl}, std::pair{".json", &k.metadata_json}}) {
        std::string path = (std::filesystem::path(a.out_dir) / (k.name + ext)).string();
        std::ofstream out(path, std::ios::binary);
        if (!(out << *text)) throw std::runtime_error(fmt::format("cannot write '{}'", path));
      }
    }
    if (a.out_dir.empty() || a.emit != "tile-ir")
      std::cout << (a.emit == "tile-ir-raw" ? k.tile_ir_raw : a.emit == "tile-ir" ? k.tile_ir : a.emit == "gpu-ir" ? k.gpu_ir
                    : a.emit == "msl" ? k.msl : k.metadata_json);
    return 0;
  }
  try {
    tmetal::TileIrResult result = tir ? tmetal::optimize_tile_ir(source, a.input, options)
                                      : tmetal::compile_tile_ir(source, a.input, a.kernel, spec, options);
    std::cout << (a.emit == "tile-ir-raw" ? result.raw_ir : result.ir);
  } catch (const tmetal::CompileFailure& e) {
    std::string msg = e.what();
    std::cerr << msg << (msg.empty() || msg.back() != '\n' ? "\n" : "");
    return 1;
  }
  return 0;
}

tmetal::cli::CommandRegistration reg{
    "compile", "compile a Triton-language kernel (.py) or tile IR (.tir) and print its IR",
    [](CLI::App& cmd) -> tmetal::cli::RunFunction {
      auto a = std::make_shared<CompileArgs>();
      cmd.add_option("input", a->input, "kernel source (.py) or tile IR (.tir)")->required();
      cmd.add_option("--kernel,-k", a->kernel, "name of the @triton.jit function to compile");
      cmd.add_option("--signature,-s", a->signature, "argument types, e.g. 'x_ptr=*fp32:16, n=i32' (:16 = divisible by 16 / 16-byte aligned)");
      cmd.add_option("--constexpr,-c", a->constexprs, "constexpr values, e.g. BLOCK=1024 (repeatable)");
      cmd.add_option("--emit", a->emit, "output: tile-ir-raw (after the front end), tile-ir (after the tile passes), gpu-ir (with layouts), msl, metadata");
      cmd.add_option("--target,-t", a->target, "hardware-model target (m1, m3, m4-max, ...; default TRITON_METAL_TARGET or apple-m3)");
      tmetal::cli::add_number_option(cmd, "--num-warps", a->num_warps, INT32_MIN, INT32_MAX, "simdgroups per threadgroup (Triton's num_warps; default 4)");
      tmetal::cli::add_number_option(cmd, "--num-stages", a->num_stages, 0, 8, "software-pipelining depth of dot K loops (Triton's num_stages; 1: none; default: the target's)");
      cmd.add_option("-o,--output-dir", a->out_dir, "write NAME.metal and NAME.json into this folder");
      cmd.add_option("--passes", a->passes, "comma-separated tile passes to run instead of the default pipeline");
      cmd.add_flag("--print-after-all", a->print_after_all, "print the IR after every pass");
      cmd.add_option("--print-after", a->print_after, "print the IR after the named pass (repeatable)");
      cmd.add_flag("--verify-each", a->verify_each, "verify the IR after the front end and every pass (the default)");
      cmd.add_flag("--no-verify-each", a->no_verify_each, "do not verify between passes");
      cmd.add_flag("--no-locations", a->no_locations, "omit loc(...) from printed IR");
      return [a] { return run(*a); };
    }};

}  // namespace
