// `triton-metal graph`: loads an operator graph (docs/graph-format.md), optimizes it for a target,
// and prints the report (--report), layout reasons (--explain) or the graph around each pass (--dump);
// writes the execution plan, kernel sources and each kernel's MSL and metadata (--emit-dir); runs it
// (--run --reference on the float64 reference; --run --check compiles every kernel, runs fused and
// unfused plans on the default Device and compares both with the float64 reference; --run --device runs
// only the fused plan). The model is a graph JSON file or an ONNX file (imported first, graph_import.h);
// --input NAME=FILE.npy supplies input values and --outputs-dir writes the fused plan's outputs.
#include "command_registry.h"
#include "graph_import.h"
#include "number_parse.h"

#include "graph/file_confinement.h"
#include "graph/npy.h"
#include "triton_metal/graph.h"
#include "triton_metal/kernel.h"
#include "triton_metal/runtime.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace {

struct Options {
  std::string model;
  std::string target;
  bool report = false, explain = false, dump = false, no_fuse = false, no_optimize = false;
  bool run = false, reference = false, check = false, device = false;
  std::string passes, emit_dir, kernels_dir, values_dir, outputs_dir;
  std::vector<std::string> input_files, input_shapes;
  uint64_t seed = 1;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

void print_checksums(const tmetal::graph::Graph& g, const tmetal::graph::Values& values) {
  for (const auto& name : g.outputs) {
    const auto& v = values.at(name);
    double sum = 0, abs_sum = 0;
    for (double x : v.data) {
      sum += x;
      abs_sum += std::fabs(x);
    }
    fmt::print("output {} {}: sum {:.9g} abs_sum {:.9g}\n", name, tmetal::graph::shape_str(v.shape), sum, abs_sum);
  }
}

// --run holds every tensor as float64 values on the host: refuse graphs that cannot fit, naming the
// largest tensor, before allocating (a declared [2^40] input would otherwise end in bad_alloc).
void check_host_memory(const tmetal::graph::Graph& g) {
  constexpr uint64_t kLimit = uint64_t{16} << 30;
  uint64_t total = 0, largest = 0;
  std::string largest_name;
  for (const auto& [name, t] : g.tensors) {
    uint64_t bytes = static_cast<uint64_t>(tmetal::graph::numel(t.shape)) * 8;  // shapes are bounded at load
    total += bytes;
    if (bytes >= largest) largest = bytes, largest_name = name;
  }
  if (total > kLimit)
    throw std::runtime_error(fmt::format("--run: the graph's tensors need {} bytes of host memory (tensor '{}' {} alone needs {}), "
                                         "more than the 16 GiB --run allows",
                                         total, largest_name, tmetal::graph::shape_str(g.tensor(largest_name).shape), largest));
}

// Largest |a - b| relative to the largest |reference| (equal infinities match).
double relative_error(const std::vector<double>& ref, const std::vector<double>& got) {
  double scale = 1e-30, diff = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (std::isinf(ref[i]) && ref[i] == got[i]) continue;
    scale = std::max(scale, std::fabs(ref[i]));
    double d = std::fabs(ref[i] - got[i]);
    diff = std::isnan(d) ? INFINITY : std::max(diff, d);
  }
  return diff / scale;
}

// The run's input values: random (--seed), then each --input NAME=FILE.npy replaces its input's values
// (the file's shape and dtype must be the input's).
tmetal::graph::Values run_inputs(const Options& o, const tmetal::graph::Graph& g) {
  namespace tg = tmetal::graph;
  auto inputs = tg::random_inputs(g, o.seed);
  for (const auto& spec : o.input_files) {
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) throw tmetal::cli::UsageError(fmt::format("--input '{}': expected NAME=FILE.npy", spec));
    std::string name = spec.substr(0, eq);
    if (!std::count(g.inputs.begin(), g.inputs.end(), name))
      throw std::runtime_error(fmt::format("--input '{}': the graph has no input '{}'", spec, name));
    tg::NpyArray a = tg::read_npy(spec.substr(eq + 1));
    const tg::Tensor& t = g.tensor(name);
    if (a.shape != t.shape || a.descr != tg::npy_descr(t.dtype))
      throw std::runtime_error(fmt::format("--input '{}': the file holds {} '{}', input '{}' is {} {} ('{}')", spec, tg::shape_str(a.shape), a.descr,
                                           name, tg::shape_str(t.shape), tg::dtype_name(t.dtype), tg::npy_descr(t.dtype)));
    inputs[name] = tg::TensorValue{a.shape, std::move(a.data)};
  }
  return inputs;
}

// --outputs-dir: each graph output as <safe name>.npy in its dtype, and outputs.json mapping names to files.
void write_outputs(const Options& o, const tmetal::graph::Graph& g, const tmetal::graph::Values& values) {
  namespace tg = tmetal::graph;
  if (o.outputs_dir.empty()) return;
  std::filesystem::path dir(o.outputs_dir);
  std::filesystem::create_directories(dir);
  nlohmann::json index = nlohmann::json::object();
  std::set<std::string> used;
  for (const auto& name : g.outputs) {
    std::string stem = tg::safe_file_name(name);
    for (int k = 2; !used.insert(stem).second; ++k) stem = fmt::format("{}-{}", tg::safe_file_name(name), k);
    std::filesystem::path file = dir / (stem + ".npy");
    if (std::filesystem::is_symlink(file))
      throw std::runtime_error(fmt::format("--outputs-dir: '{}' is a symlink; refusing to write through it", file.string()));
    const tg::Tensor& t = g.tensor(name);
    tg::write_npy(file, values.at(name).shape, t.dtype, values.at(name).data);
    index[name] = file.filename().string();
  }
  std::ofstream(dir / "outputs.json") << index.dump(1) << "\n";
}

// --run --device: only the fused plan, as compiled kernels on the default device.
int run_device(const Options& o, const tmetal::graph::Graph& graph, const tmetal::graph::Plan& plan, const tmetal::graph::GraphTarget& target) {
  namespace tg = tmetal::graph;
  auto inputs = run_inputs(o, plan.graph);
  auto device = tmetal::runtime::make_device("emulator");
  std::filesystem::path kernels = o.kernels_dir.empty() ? tg::default_kernels_dir() : std::filesystem::path(o.kernels_dir);
  tg::DeviceGroupRunner runner(*device, kernels);
  auto fused = tg::execute_plan(plan, inputs, runner);
  fmt::print("ran on {} for {}: fused plan {} kernel launches, {} device bytes\n", device->name(), target.name, runner.launches(),
             runner.device_bytes());
  print_checksums(graph, fused);
  write_outputs(o, graph, fused);
  return 0;
}

// --run --check: fused plan and unfused plan as compiled kernels on the default device, both compared
// with the float64 reference of the graph as written; one verdict line per graph output.
int run_check(const Options& o, const tmetal::graph::Graph& graph, const tmetal::graph::Plan& plan,
              const tmetal::graph::GraphTarget& target, tmetal::graph::CompileOptions options) {
  namespace tg = tmetal::graph;
  options.fuse = false;
  options.after_pass = nullptr;
  tg::Plan unfused = tg::compile_graph(graph, target, options);
  auto inputs = run_inputs(o, plan.graph);
  auto reference = tg::run_reference(graph, inputs);
  auto device = tmetal::runtime::make_device("emulator");
  std::filesystem::path kernels = o.kernels_dir.empty() ? tg::default_kernels_dir() : std::filesystem::path(o.kernels_dir);
  tg::DeviceGroupRunner fused_runner(*device, kernels), unfused_runner(*device, kernels);
  auto fused = tg::execute_plan(plan, inputs, fused_runner);
  auto plain = tg::execute_plan(unfused, inputs, unfused_runner);
  fmt::print("ran on {} for {} (random inputs, seed {}): fused plan {} kernel launches, {} device bytes; unfused plan {}, {} device bytes\n",
             device->name(), target.name, o.seed, fused_runner.launches(), fused_runner.device_bytes(), unfused_runner.launches(),
             unfused_runner.device_bytes());
  bool ok = true;
  for (const auto& name : graph.outputs) {
    auto dtype = graph.tensor(name).dtype;
    // Kernels compute in f32 and store in the output dtype; passes round folded weights to their dtype.
    double tol = dtype == tg::DType::F16 ? 5e-3 : dtype == tg::DType::BF16 ? 3e-2 : 1e-4;
    double e_ref = relative_error(reference.at(name).data, fused.at(name).data);
    double e_unfused = relative_error(plain.at(name).data, fused.at(name).data);
    double e_unfused_ref = relative_error(reference.at(name).data, plain.at(name).data);
    bool pass = e_ref <= tol && e_unfused <= tol && e_unfused_ref <= tol;
    ok = ok && pass;
    fmt::print("check {} {} {}: fused vs float64 {:.3g}, fused vs unfused {:.3g}, unfused vs float64 {:.3g} (max error relative to "
               "the largest magnitude; tolerance {:.0e}): {}\n",
               name, tg::shape_str(graph.tensor(name).shape), tg::dtype_name(dtype), e_ref, e_unfused, e_unfused_ref, tol, pass ? "PASS" : "FAIL");
  }
  write_outputs(o, graph, fused);
  if (!ok) throw std::runtime_error("the fused kernels' results do not match");
  return 0;
}

int run(const Options& o) {
  namespace tg = tmetal::graph;
  if (o.run && int(o.reference) + int(o.check) + int(o.device) != 1)
    throw tmetal::cli::UsageError("--run needs exactly one of --reference, --check or --device");
  if (!(o.run && (o.check || o.device)) && !o.outputs_dir.empty()) throw tmetal::cli::UsageError("--outputs-dir goes with --run --check or --run --device");
  if (!o.run && !o.input_files.empty()) throw tmetal::cli::UsageError("--input goes with --run");
  if (!o.run && !o.values_dir.empty()) throw tmetal::cli::UsageError("--values-dir goes with --run --reference");
  if (!o.run && (o.reference || o.check || o.device)) throw tmetal::cli::UsageError("--reference, --check and --device go with --run");
  if (!o.input_shapes.empty() && !tmetal::cli::is_onnx_file(o.model)) throw tmetal::cli::UsageError("--input-shape goes with an .onnx model");
  tg::GraphTarget target;
  try {  // --target, else the hardware model's default ($TRITON_METAL_TARGET, the detected GPU, apple-m3)
    target = o.target.empty() ? tg::GraphTarget::from_target(tmetal::target::default_target()) : tg::GraphTarget::from_name(o.target);
  } catch (const tg::GraphError& e) {
    throw tmetal::cli::UsageError(e.what());
  } catch (const tmetal::target::UnknownTargetError& e) {
    throw tmetal::cli::UsageError(e.what());
  }
  tg::Graph graph;
  if (tmetal::cli::is_onnx_file(o.model)) {
    // Imported into <emit-dir>/onnx-import (kept) or a private temporary folder removed once loaded.
    bool keep = !o.emit_dir.empty();
    std::filesystem::path work;
    if (keep) {
      work = std::filesystem::path(o.emit_dir) / "onnx-import";
    } else {  // a private folder (mkdtemp: mode 0700, a fresh name), never a predictable path in /tmp
      std::string tmpl = (std::filesystem::temp_directory_path() / "triton-metal-onnx-XXXXXX").string();
      if (!::mkdtemp(tmpl.data())) throw std::runtime_error(fmt::format("cannot create a temporary folder for the ONNX import: {}", std::strerror(errno)));
      work = tmpl;
    }
    struct Cleanup {
      std::filesystem::path dir;
      bool keep;
      ~Cleanup() {
        std::error_code ec;
        if (!keep) std::filesystem::remove_all(dir, ec);
      }
    } cleanup{work, keep};
    graph = tg::load_graph_file(tmetal::cli::import_onnx_model(o.model, work, o.input_shapes));
  } else {
    graph = tg::load_graph_file(o.model);
  }
  tg::CompileOptions options;
  options.fuse = !o.no_fuse;
  options.optimize = !o.no_optimize;
  options.passes = split(o.passes);
  if (o.dump) {
    fmt::print("// graph as loaded\n{}", tg::print_graph(graph));
    options.after_pass = [](const tg::PassLog& log, const tg::Graph& g) {
      fmt::print("// after {} ({} change{})\n", log.pass, log.changes.size(), log.changes.size() == 1 ? "" : "s");
      for (const auto& c : log.changes) fmt::print("//   {}\n", c);
      if (!log.changes.empty()) fmt::print("{}", tg::print_graph(g));
    };
  }
  tg::Plan plan = tg::compile_graph(graph, target, options);
  bool any = o.dump || o.explain || !o.emit_dir.empty() || o.run;
  if (o.report || !any) fmt::print("{}", tg::format_report(plan));
  if (o.explain) fmt::print("{}", tg::format_layout_explanation(plan));
  if (!o.emit_dir.empty()) {
    std::filesystem::path dir(o.emit_dir);
    std::filesystem::create_directories(dir / "kernels");
    std::filesystem::path kernels = o.kernels_dir.empty() ? tg::default_kernels_dir() : std::filesystem::path(o.kernels_dir);
    auto json = tg::plan_to_json(plan);
    auto device = tmetal::runtime::make_device("emulator");
    tg::DeviceGroupRunner compiler(*device, kernels);
    for (size_t i = 0; i < plan.groups.size(); ++i) {
      if (!plan.groups[i].launches_kernel) continue;
      auto src = tg::kernel_source_for(plan, plan.groups[i], kernels);
      std::ofstream(dir / "kernels" / src.file_name) << src.source;
      json["groups"][i]["source"] = "kernels/" + src.file_name;
      json["groups"][i]["entry"] = src.entry;
      json["groups"][i]["constexprs"] = src.constexprs;
      const tmetal::CompiledKernel& k = compiler.compile_group(plan, plan.groups[i]);
      std::string stem = plan.groups[i].name;
      std::ofstream(dir / "kernels" / (stem + ".metal")) << k.msl;
      std::ofstream(dir / "kernels" / (stem + ".json")) << k.metadata_json << "\n";
      json["groups"][i]["msl"] = "kernels/" + stem + ".metal";
      json["groups"][i]["metadata"] = "kernels/" + stem + ".json";
      json["groups"][i]["threads_per_threadgroup"] = k.threads_per_threadgroup;
      json["groups"][i]["threadgroup_memory_bytes"] = k.threadgroup_memory_bytes;
    }
    if (std::filesystem::exists(kernels / "epilogue.py"))  // helpers the GEMM templates import
      std::filesystem::copy_file(kernels / "epilogue.py", dir / "kernels" / "epilogue.py", std::filesystem::copy_options::overwrite_existing);
    std::ofstream(dir / "plan.json") << json.dump(2) << "\n";
    std::ofstream(dir / "graph.optimized.json") << tg::graph_to_json(plan.graph).dump(1) << "\n";
    fmt::print("wrote {} (plan.json, graph.optimized.json, {} kernel sources with their MSL and metadata)\n", dir.string(),
               plan.traffic.fused_kernels);
  }
  if (o.run) check_host_memory(plan.graph);
  if (o.run && o.check) return run_check(o, graph, plan, target, options);
  if (o.run && o.device) return run_device(o, graph, plan, target);
  if (o.run && o.reference) {
    auto inputs = run_inputs(o, plan.graph);
    auto reference = tg::run_reference(graph, inputs);
    fmt::print("float64 reference, random inputs (seed {}):\n", o.seed);
    print_checksums(graph, reference);
    if (!o.values_dir.empty()) {  // every tensor of the optimized graph, as f32 .npy files
      // Tensor names come from the graph file: each becomes a safe file name inside --values-dir (never a
      // path), names that collide after the mapping get a numeric suffix, and an existing symlink is not
      // followed.
      std::filesystem::path dir(o.values_dir);
      std::filesystem::create_directories(dir);
      std::set<std::string> used;
      for (const auto& [name, value] : tg::run_reference(plan.graph, inputs)) {
        std::string stem = tg::safe_file_name(name);
        for (int k = 2; !used.insert(stem).second; ++k) stem = fmt::format("{}-{}", tg::safe_file_name(name), k);
        std::filesystem::path file = dir / (stem + ".npy");
        if (std::filesystem::is_symlink(file))
          throw std::runtime_error(fmt::format("--values-dir: '{}' is a symlink; refusing to write through it", file.string()));
        tg::write_npy(file, value.shape, tg::DType::F32, value.data);
      }
    }
    tg::ReferenceGroupRunner runner;
    auto planned = tg::execute_plan(plan, inputs, runner);
    // Passes round folded weights to their dtype, so compare with a dtype-fit tolerance relative to the
    // output's magnitude.
    double worst = 0;
    for (const auto& name : graph.outputs) {
      const auto& a = reference.at(name).data;
      const auto& b = planned.at(name).data;
      double scale = 1e-30, diff = 0;
      for (size_t i = 0; i < a.size(); ++i) {
        if (std::isinf(a[i]) && a[i] == b[i]) continue;
        scale = std::max(scale, std::fabs(a[i]));
        diff = std::max(diff, std::fabs(a[i] - b[i]));
      }
      worst = std::max(worst, diff / scale);
    }
    auto dtype = graph.tensor(graph.outputs[0]).dtype;
    double tol = dtype == tg::DType::F16 ? 2e-3 : dtype == tg::DType::BF16 ? 2e-2 : 1e-5;
    fmt::print("plan ({} kernels, pooled buffers) run group by group in float64: max difference {:.3g} of the output magnitude "
               "from the unoptimized graph (tolerance {:.0e})\n",
               plan.traffic.fused_kernels, worst, tol);
    if (!(worst <= tol)) throw std::runtime_error(fmt::format("the optimized plan differs from the graph by {:.3g}", worst));
  }
  return 0;
}

tmetal::cli::RunFunction setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("model", o->model, "graph JSON file (docs/graph-format.md) or ONNX model (.onnx, docs/graph-import.md)")->required();
  app.add_option("--input-shape", o->input_shapes, "NAME=D0,D1,...: static shape of an ONNX input with symbolic dimensions (repeatable)");
  app.add_option("--target", o->target, "target GPU (m1..m5, apple-m3-10c, \"M3 Max\", ...; see `triton-metal targets`; default $TRITON_METAL_TARGET or the detected GPU, else apple-m3)");
  app.add_flag("--report", o->report, "print passes, fusions applied and refused, layouts, kernels, memory, traffic");
  app.add_flag("--explain", o->explain, "print each layout decision with its reason");
  app.add_flag("--dump", o->dump, "print the graph as loaded and after each pass that changed it");
  app.add_option("--passes", o->passes, "comma-separated graph passes to run instead of the whole pipeline");
  app.add_flag("--no-fuse", o->no_fuse, "one kernel per op (the unfused reference mode)");
  app.add_flag("--no-optimize", o->no_optimize, "skip the graph passes");
  app.add_option("--emit-dir", o->emit_dir, "write plan.json, the optimized graph and each kernel's Triton source here");
  app.add_option("--kernels-dir", o->kernels_dir, "folder of the Triton-language kernel templates (default: the repository's kernels/)");
  app.add_flag("--run", o->run, "run the graph on random inputs (with --reference or --check)");
  app.add_flag("--reference", o->reference, "with --run: float64 reference executor, output checksums, plan check");
  app.add_flag("--check", o->check, "with --run: compile every kernel, run the fused and the unfused plan on the default Device, compare with the float64 reference");
  app.add_flag("--device", o->device, "with --run: run only the fused plan's compiled kernels on the default Device (no comparison)");
  app.add_option("--input", o->input_files, "with --run: NAME=FILE.npy gives a graph input's values instead of random ones (repeatable)");
  app.add_option("--outputs-dir", o->outputs_dir, "with --run --check or --device: write the fused plan's outputs (.npy, outputs.json) here");
  tmetal::cli::add_number_option<uint64_t>(app, "--seed", o->seed, 0, UINT64_MAX, "seed of the random inputs");
  app.add_option("--values-dir", o->values_dir, "with --run --reference: write every tensor of the optimized graph as .npy here");
  return [o] { return run(*o); };
}

tmetal::cli::CommandRegistration reg{"graph", "optimize, fuse and plan an operator graph (JSON or ONNX) for a target", setup};

}  // namespace
