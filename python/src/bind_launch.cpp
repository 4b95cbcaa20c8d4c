// Bindings of devices and launches: `_C.Device` wraps a runtime::Device ("emulator") or stands for the
// float64 tile-IR interpreter ("interpreter"); `_C.launch` binds host arrays (address + size, written in
// place) and scalars to a CompiledKernel's parameters and runs it over a grid.
#include "bindings.h"
#include "interpreter/host_array.h"
#include "interpreter/tile_interpreter.h"
#include "ir/operation.h"
#include "ir/parser.h"
#include "triton_metal/kernel.h"
#include "triton_metal/runtime.h"

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <csignal>
#include <cstring>
#include <memory>
#include <optional>

namespace py = pybind11;

namespace tmetal::python {
namespace {

// While a launch runs with the GIL released, Python's own SIGINT handler cannot run; this one stops the launch
// (runtime::interrupt_launches), which then fails with LaunchInterrupted and becomes KeyboardInterrupt.
// A SIGINT outside the emulator's run (while the launch prepares) is handed to Python afterwards.
volatile std::sig_atomic_t g_sigint = 0;
void on_sigint_during_launch(int) {
  if (!runtime::interrupt_launches()) g_sigint = 1;
}

struct SigintDuringLaunch {
  struct sigaction previous {};
  bool installed = false;
  SigintDuringLaunch() {
    if (!PyGILState_Check() || PyThread_get_thread_ident() != main_thread()) return;  // handlers run in the main thread
    struct sigaction sa {};
    sa.sa_handler = on_sigint_during_launch;
    sigemptyset(&sa.sa_mask);
    g_sigint = 0;
    installed = sigaction(SIGINT, &sa, &previous) == 0;
  }
  ~SigintDuringLaunch() {
    if (!installed) return;
    sigaction(SIGINT, &previous, nullptr);
    if (g_sigint) PyErr_SetInterrupt();  // Python raises KeyboardInterrupt at its next check
  }
  static unsigned long main_thread() {
    static unsigned long id = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
    return id;
  }
};

struct PyDevice {
  std::string kind;                         // "emulator" or "interpreter"
  std::unique_ptr<runtime::Device> device;  // null for the interpreter
};

// Reads the Python arguments (GIL held): arrays as (address, nbytes) tuples; scalars as Python ints or floats.
std::vector<KernelArg> read_args(const CompiledKernel& k, const py::sequence& args) {
  if (py::len(args) != k.params.size())
    throw std::invalid_argument(fmt::format("kernel '{}' takes {} runtime arguments, {} given", k.name, k.params.size(), py::len(args)));
  std::vector<KernelArg> out(k.params.size());
  for (std::size_t i = 0; i < k.params.size(); ++i) {
    const KernelParam& p = k.params[i];
    py::handle a = args[i];
    KernelArg& v = out[i];
    if (p.pointer) {
      // The package passes arrays as (address, nbytes): it resolved the buffer protocol / DLPack, the
      // writability and the extent of strided views, and keeps the owners alive during the launch.
      auto t = a.cast<std::pair<std::uintptr_t, std::size_t>>();
      v.is_array = true;
      v.data = reinterpret_cast<void*>(t.first);
      v.bytes = t.second;
    } else if (py::isinstance<py::bool_>(a) || py::isinstance<py::int_>(a)) {
      v.integer = a.cast<std::int64_t>();
    } else if (py::isinstance<py::float_>(a)) {
      v.real = a.cast<double>();
      v.is_real = true;
    } else {
      throw std::invalid_argument(fmt::format("kernel '{}': argument '{}' must be an int or a float scalar", k.name, p.name));
    }
  }
  return out;
}

py::dict stats_dict(const runtime::LaunchStats& s) {
  py::dict d;
  d["device_bytes_read"] = s.device_bytes_read;
  d["device_bytes_written"] = s.device_bytes_written;
  d["barriers"] = s.barriers;
  d["simd_collectives"] = s.simd_collectives;
  d["threadgroup_bytes_read"] = s.threadgroup_bytes_read;
  d["threadgroup_bytes_written"] = s.threadgroup_bytes_written;
  d["simdgroup_multiply_accumulates"] = s.simdgroup_multiply_accumulates;
  d["threadgroups"] = s.threadgroups;
  d["threads"] = s.threads;
  d["wall_seconds"] = s.wall_seconds;
  d["gpu_seconds"] = s.gpu_seconds;
  return d;
}

runtime::LaunchStats interpret(const CompiledKernel& k, std::array<std::uint32_t, 3> grid, const std::vector<KernelArg>& args) {
  std::unique_ptr<ir::Operation> module = ir::parse_ir(k.tile_ir, k.name + ".tir");
  const ir::Operation* func = nullptr;
  module->walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::Func) && (!func || op->str_attr("sym_name") == k.name)) func = op;
  });
  if (!func) throw std::invalid_argument(fmt::format("kernel '{}': no function in its tile IR", k.name));
  std::vector<interp::HostArray> arrays(args.size());
  std::vector<interp::InterpArg> iargs(args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    const KernelParam& p = k.params[i];
    if (p.pointer) {
      std::size_t elem = static_cast<std::size_t>(interp::dtype_bytes(p.dtype));
      arrays[i] = interp::HostArray(p.dtype, args[i].bytes / elem);
      std::memcpy(arrays[i].data(), args[i].data, arrays[i].bytes());
      iargs[i].array = &arrays[i];
    } else {
      iargs[i].scalar = args[i].is_real ? args[i].real : static_cast<double>(args[i].integer);
    }
  }
  // tl.device_print: handed to triton_metal._interpreter_print (NumPy formatting, Triton's interpreter's
  // layout) with the GIL taken for the call; the launch itself runs without it.
  interp::PrintSink sink = [](const interp::PrintEvent& e) {
    py::gil_scoped_acquire gil;
    py::list values;
    for (const interp::PrintValue& v : e.values) values.append(py::make_tuple(v.dtype, v.shape, v.data));
    py::module_::import("triton_metal._interpreter_print").attr("emit")(py::make_tuple(e.pid[0], e.pid[1], e.pid[2]), e.prefix, e.hex, values);
  };
  // tl.static_print: Triton's interpreter runs the kernel's Python, so its static prints appear at every launch.
  if (std::string text = func->str_attr("tt.static_prints"); !text.empty()) {
    py::gil_scoped_acquire gil;
    py::module_::import("triton_metal._interpreter_print").attr("emit_static")(text);
  }
  interp::interpret(*func, grid, iargs, sink);
  runtime::LaunchStats s;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const KernelParam& p = k.params[i];
    if (p.pointer && (p.role == "output" || p.role == "inout")) std::memcpy(args[i].data, arrays[i].data(), arrays[i].bytes());
  }
  s.threadgroups = std::uint64_t{grid[0]} * grid[1] * grid[2];
  return s;
}

}  // namespace

void bind_launch(py::module_& m) {
  auto error = py::register_exception<runtime::Error>(m, "DeviceError", PyExc_RuntimeError);
  py::register_exception<runtime::CompileError>(m, "MslCompileError", error.ptr());
  py::register_exception<runtime::LaunchError>(m, "LaunchError", error.ptr());
  py::register_exception<interp::InterpreterError>(m, "InterpreterError", PyExc_RuntimeError);

  py::class_<PyDevice, std::shared_ptr<PyDevice>>(m, "Device")
      .def_property_readonly("name", [](const PyDevice& d) { return d.device ? d.device->name() : std::string("interpreter"); })
      .def_readonly("kind", &PyDevice::kind)
      .def("__repr__", [](const PyDevice& d) { return fmt::format("<triton_metal device {}>", d.kind); });

  m.def(
      "make_device",
      [](const std::string& name) {
        auto d = std::make_shared<PyDevice>();
        d->kind = name;
        if (name != "interpreter") d->device = runtime::make_device(name);
        return d;
      },
      py::arg("name"), "A device: 'emulator' (the Metal emulator) or 'interpreter' (the float64 tile-IR interpreter).");

  m.def(
      "launch",
      [](const CompiledKernel& k, PyDevice& dev, std::array<std::uint32_t, 3> grid, const py::sequence& args,
         const std::vector<std::pair<std::uintptr_t, std::size_t>>& addressable) {
        std::vector<KernelArg> kargs = read_args(k, args);
        std::vector<KernelArg> reachable;
        for (const auto& [address, bytes] : addressable) reachable.push_back(KernelArg::array(reinterpret_cast<void*>(address), bytes));
        runtime::LaunchStats s;
        try {
          std::optional<SigintDuringLaunch> sigint;
          if (dev.device) sigint.emplace();
          py::gil_scoped_release release;
          if (!dev.device) {
            s = interpret(k, grid, kargs);
          } else {
            s = launch(k, *dev.device, grid, kargs, reachable);
          }
        } catch (const runtime::LaunchInterrupted&) {
          PyErr_SetNone(PyExc_KeyboardInterrupt);
          throw py::error_already_set();
        }
        return stats_dict(s);
      },
      py::arg("kernel"), py::arg("device"), py::arg("grid"), py::arg("args"),
      py::arg("addressable") = std::vector<std::pair<std::uintptr_t, std::size_t>>{},
      "Runs a compiled kernel over grid (x, y, z) with args in parameter order; arrays are written in place. "
      "addressable: (address, nbytes) of host memory the kernel may reach through pointers made from integers.");
}

}  // namespace tmetal::python
