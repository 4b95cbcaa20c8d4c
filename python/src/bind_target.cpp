// Bindings of the hardware model: target names and facts (triton_metal/target.h) and the roofline cost
// model (triton_metal/target_cost_model.h) that autotune's cost-model mode ranks configurations with.
#include "bindings.h"
#include "triton_metal/target.h"
#include "triton_metal/target_cost_model.h"

#include <fmt/format.h>
#include <pybind11/stl.h>

namespace py = pybind11;

namespace tmetal::python {
namespace {

target::Target pick(const std::string& name) { return name.empty() ? target::default_target() : target::resolve_target(name); }

target::ComputeKind compute_kind(const std::string& kind) {
  if (kind == "elementwise") return target::ComputeKind::Elementwise;
  if (kind == "simdgroup_matrix" || kind == "matmul") return target::ComputeKind::SimdgroupMatrix;
  if (kind == "neural_accelerator") return target::ComputeKind::NeuralAccelerator;
  throw std::invalid_argument(fmt::format("unknown compute kind '{}' (elementwise, matmul or neural_accelerator)", kind));
}

}  // namespace

void bind_target(py::module_& m) {
  m.def("target_names", &target::target_names, "Canonical names of every modelled Apple GPU.");
  m.def(
      "resolve_target", [](const std::string& name) { return pick(name).name(); }, py::arg("name") = "",
      "Canonical name of a target ('' = the default: TRITON_METAL_TARGET, the detected GPU, or apple-m3).");
  m.def(
      "target_info",
      [](const std::string& name) {
        target::Target t = pick(name);
        py::dict d;
        d["name"] = t.name();
        d["gpu_family"] = t.gpu_family();
        d["msl_version"] = t.msl_version();
        d["gpu_cores"] = t.gpu_cores();
        d["simd_width"] = t.simd_width();
        d["max_threads_per_threadgroup"] = t.max_threads_per_threadgroup();
        d["threadgroup_memory_bytes"] = t.threadgroup_memory_bytes();
        d["fp32_flops"] = t.fp32_flops();
        d["fp16_flops"] = t.fp16_flops();
        d["memory_bandwidth"] = t.memory_bandwidth();
        d["supports_bfloat"] = t.supports_bfloat();
        d["supports_simdgroup_matrix"] = t.supports_simdgroup_matrix();
        return d;
      },
      py::arg("name") = "", "Facts of a target from the hardware model.");
  m.def(
      "predict",
      [](const std::string& name, const std::map<std::string, double>& ops, double bytes_read, double bytes_written,
         const std::string& kind) {
        target::Target t = pick(name);
        target::Workload w;
        w.name = "python";
        for (const auto& [dt, n] : ops) {
          auto d = parse_dtype(dt);
          if (!d) throw std::invalid_argument(fmt::format("unknown dtype '{}' in ops (f32, f16, bf16, i32, ...)", dt));
          w.ops[*d] = n;
        }
        w.bytes_read = bytes_read;
        w.bytes_written = bytes_written;
        w.kind = compute_kind(kind);
        target::Prediction p = target::predict(t, w);
        py::dict d;
        d["seconds"] = p.seconds;
        d["compute_seconds"] = p.compute_seconds;
        d["memory_seconds"] = p.memory_seconds;
        d["bound"] = std::string(target::bound_name(p.bound));
        d["compute_efficiency"] = p.compute_efficiency;
        d["memory_efficiency"] = p.memory_efficiency;
        return d;
      },
      py::arg("target"), py::arg("ops"), py::arg("bytes_read"), py::arg("bytes_written"), py::arg("kind") = "elementwise",
      "Roofline prediction of a workload on a target: ops {dtype: count}, bytes moved, compute kind.");
}

}  // namespace tmetal::python
