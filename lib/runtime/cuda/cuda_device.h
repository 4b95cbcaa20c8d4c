// CudaDevice: runtime::Device on an NVIDIA GPU (the CUDA proxy). Kernels are translated MSL compiled with
// NVRTC (translate.h, nvrtc_compiler.h); buffers live in device memory with a host mirror (data()), copied
// host -> device before and device -> host after each launch (only buffers a kernel may write come back).
// Benchmarks switch that off with set_host_sync(false) and move data explicitly with upload()/download().
#pragma once

#include "triton_metal/runtime.h"

#include <memory>

namespace tmetal::runtime::cuda {

class CudaDevice : public Device {
 public:
  // When false, launches neither upload nor download buffers (they stay resident on the GPU).
  virtual void set_host_sync(bool on) = 0;
  virtual void upload(Buffer& b) = 0;    // host mirror -> device
  virtual void download(Buffer& b) = 0;  // device -> host mirror
  virtual std::string gpu_name() const = 0;
  virtual std::string arch() const = 0;  // "sm_90"
};

// Throws runtime::Error when no driver or GPU is available.
std::unique_ptr<CudaDevice> make_cuda_device(const DeviceLimits& limits);

}  // namespace tmetal::runtime::cuda
