// The `triton_metal._C` extension module: the C++ compiler, devices and hardware model for the Python
// package (python/triton_metal). Each area registers itself from its own file.
#include "bindings.h"

PYBIND11_MODULE(_C, m) {
  m.doc() = "triton-metal C++ bindings (compile, launch, targets, cost model)";
  m.attr("__version__") = TM_VERSION;
  tmetal::python::bind_compile(m);
  tmetal::python::bind_launch(m);
  tmetal::python::bind_target(m);
}
