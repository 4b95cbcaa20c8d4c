// Bindings of the compiler API (triton_metal/kernel.h): Specialization built from Python dicts, compile(),
// and CompiledKernel/KernelParam as plain records (the package serialises them for its on-disk cache).
// CompileFailure becomes `_C.CompileFailure` (the package re-raises it as triton_metal.CompilationError).
#include "bindings.h"
#include "triton_metal/kernel.h"
#include "triton_metal/target.h"

#include <fmt/format.h>
#include <pybind11/stl.h>

namespace py = pybind11;

namespace tmetal::python {
namespace {

ConstexprValue constexpr_value(const std::string& name, const py::handle& v) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v)) return v.cast<std::int64_t>();
  if (py::isinstance<py::float_>(v)) return v.cast<double>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  throw std::invalid_argument(fmt::format("constexpr '{}' must be an int, a float, a bool or a string (a dtype or a name), got {}",
                                          name, py::str(py::type::of(v)).cast<std::string>()));
}

// signature: {name: (type, divisibility)}; constexprs: {name: value}.
Specialization make_spec(const py::dict& signature, const py::dict& constexprs) {
  Specialization spec;
  for (auto [k, v] : signature) {
    auto t = v.cast<std::pair<std::string, int>>();
    spec.args[k.cast<std::string>()] = ArgSpec{t.first, t.second};
  }
  for (auto [k, v] : constexprs) {
    std::string name = k.cast<std::string>();
    spec.constexprs[name] = constexpr_value(name, v);
  }
  return spec;
}

}  // namespace

void bind_compile(py::module_& m) {
  py::register_exception<CompileFailure>(m, "CompileFailure", PyExc_RuntimeError);
  py::register_exception<target::UnknownTargetError>(m, "UnknownTargetError", PyExc_ValueError);

  py::class_<KernelParam>(m, "KernelParam")
      .def(py::init<>())
      .def_readwrite("name", &KernelParam::name)
      .def_readwrite("buffer_index", &KernelParam::buffer_index)
      .def_readwrite("pointer", &KernelParam::pointer)
      .def_readwrite("dtype", &KernelParam::dtype)
      .def_readwrite("role", &KernelParam::role)
      .def("__repr__", [](const KernelParam& p) {
        return fmt::format("KernelParam({}, buffer {}, {}{}, {})", p.name, p.buffer_index, p.pointer ? "*" : "", p.dtype, p.role);
      });

  py::class_<CompiledKernel>(m, "CompiledKernel")
      .def(py::init<>())
      .def_readwrite("name", &CompiledKernel::name)
      .def_readwrite("target", &CompiledKernel::target)
      .def_readwrite("msl_version", &CompiledKernel::msl_version)
      .def_readwrite("msl", &CompiledKernel::msl)
      .def_readwrite("metadata_json", &CompiledKernel::metadata_json)
      .def_readwrite("tile_ir_raw", &CompiledKernel::tile_ir_raw)
      .def_readwrite("tile_ir", &CompiledKernel::tile_ir)
      .def_readwrite("gpu_ir", &CompiledKernel::gpu_ir)
      .def_readwrite("params", &CompiledKernel::params)
      .def_readwrite("num_warps", &CompiledKernel::num_warps)
      .def_readwrite("threads_per_threadgroup", &CompiledKernel::threads_per_threadgroup)
      .def_readwrite("threadgroup_memory_bytes", &CompiledKernel::threadgroup_memory_bytes)
      .def_readwrite("bf16_mode", &CompiledKernel::bf16_mode)
      .def_readwrite("specialization_key", &CompiledKernel::specialization_key)
      .def_readwrite("address_map_buffer", &CompiledKernel::address_map_buffer);

  m.def(
      "specialization_key",
      [](const py::dict& signature, const py::dict& constexprs) { return make_spec(signature, constexprs).key(); },
      py::arg("signature"), py::arg("constexprs"), "Canonical text of a specialization (as the compiler prints it).");

  m.def(
      "compile",
      [](const std::string& source, const std::string& filename, const std::string& kernel, const py::dict& signature,
         const py::dict& constexprs, const std::string& target, int num_warps, int num_stages) {
        Specialization spec = make_spec(signature, constexprs);
        KernelOptions options;
        options.target = target;
        options.num_warps = num_warps;
        options.num_stages = num_stages;
        py::gil_scoped_release release;
        return compile(source, filename, kernel, spec, options);
      },
      py::arg("source"), py::arg("filename"), py::arg("kernel"), py::arg("signature"), py::arg("constexprs"),
      py::arg("target") = "", py::arg("num_warps") = 4, py::arg("num_stages") = 0,
      "Compiles kernel `kernel` of `source` to MSL. signature: {name: (type, divisibility)}, constexprs: {name: value}.");
}

}  // namespace tmetal::python
