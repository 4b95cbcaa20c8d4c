// Registration functions of the `triton_metal._C` extension, one per bound area of the C++ API.
#pragma once

#include <pybind11/pybind11.h>

namespace tmetal::python {

void bind_compile(pybind11::module_& m);  // Specialization, compile(), CompiledKernel, CompilationError
void bind_launch(pybind11::module_& m);   // devices, launch() on the emulator or the tile-IR interpreter
void bind_target(pybind11::module_& m);   // targets and the roofline cost model

}  // namespace tmetal::python
