// Loads libcuda.so.1 with dlopen and resolves the driver functions the CUDA proxy uses (driver_api.h).
// cuda.h maps several names to versioned symbols (cuMemAlloc -> cuMemAlloc_v2); the symbol looked up is
// the macro-expanded name, so the ABI matches the header.
#include "runtime/cuda/driver_api.h"

#include "triton_metal/runtime.h"

#include <dlfcn.h>
#include <fmt/core.h>

namespace tmetal::runtime::cuda {

#define TM_STR2(x) #x
#define TM_STR(x) TM_STR2(x)

const Driver& driver() {
  static const Driver d = [] {
    Driver r;
    void* h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) throw Error(fmt::format("the cuda device needs the NVIDIA driver (libcuda.so.1), which cannot be loaded: {}", dlerror()));
#define TM_LOAD(name)                                                                                      \
  r.name = reinterpret_cast<decltype(r.name)>(dlsym(h, TM_STR(name)));                                     \
  if (!r.name) throw Error(fmt::format("the NVIDIA driver lacks {}", TM_STR(name)));
    TM_CUDA_DRIVER_FUNCTIONS(TM_LOAD)
#undef TM_LOAD
    r.cuFuncGetParamInfo = reinterpret_cast<decltype(r.cuFuncGetParamInfo)>(dlsym(h, "cuFuncGetParamInfo"));
    return r;
  }();
  return d;
}

void check(CUresult r, const std::string& what, bool launch) {
  if (r == CUDA_SUCCESS) return;
  const char* msg = nullptr;
  driver().cuGetErrorString(r, &msg);
  std::string text = fmt::format("CUDA {} failed: {} (error {})", what, msg ? msg : "unknown error", static_cast<int>(r));
  if (launch) throw LaunchError(text);
  throw Error(text);
}

}  // namespace tmetal::runtime::cuda
