// The CUDA driver API, loaded at run time from libcuda.so.1 (the NVIDIA driver) so that binaries built
// with the CUDA toolkit still start on machines without a GPU or driver; only make_device("cuda") fails
// there, with a clear message.
#pragma once

#include <cuda.h>

#include <string>

namespace tmetal::runtime::cuda {

#define TM_CUDA_DRIVER_FUNCTIONS(X)                                                                        \
  X(cuInit) X(cuGetErrorString) X(cuDeviceGet) X(cuDeviceGetCount) X(cuDeviceGetName) X(cuDeviceGetAttribute) \
  X(cuDevicePrimaryCtxRetain) X(cuDevicePrimaryCtxRelease) X(cuCtxSetCurrent) X(cuCtxSynchronize)           \
  X(cuModuleLoadData) X(cuModuleUnload) X(cuModuleGetFunction) X(cuFuncGetAttribute) X(cuFuncSetAttribute)  \
  X(cuLaunchKernel) X(cuMemAlloc) X(cuMemFree) X(cuMemcpyHtoD) X(cuMemcpyDtoH) X(cuMemsetD8)                 \
  X(cuEventCreate) X(cuEventDestroy) X(cuEventRecord) X(cuEventSynchronize) X(cuEventElapsedTime)

struct Driver {
#define TM_DECLARE(name) decltype(&::name) name = nullptr;
  TM_CUDA_DRIVER_FUNCTIONS(TM_DECLARE)
#undef TM_DECLARE
  // Optional (driver 12.4+): parameter sizes of a kernel, used to check setBytes sizes.
  CUresult (*cuFuncGetParamInfo)(CUfunction, size_t, size_t*, size_t*) = nullptr;
};

// Loads the driver once; throws runtime::Error when libcuda.so.1 or a function is missing.
const Driver& driver();

// Throws runtime::Error (LaunchError when `launch`) naming `what` and the driver's message.
void check(CUresult r, const std::string& what, bool launch = false);

}  // namespace tmetal::runtime::cuda
