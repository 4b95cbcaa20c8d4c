// Device bytes an example kernel moves, measured on the emulator (the same counters its tests pin) on a
// problem 1/256 of compile_table's representative one and scaled up: per-program traffic does not depend on
// the problem size, so the scaled count is what the full problem moves. Examples without an emulated problem
// (the dot kernels) keep their hand-counted bytes.
#pragma once

#include "interpreter/host_array.h"
#include "triton_metal/kernel.h"
#include "triton_metal/runtime.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tmetal::bench {

struct EmulatedBytes {
  double read = 0, written = 0;  // scaled to the representative problem
};

inline std::optional<EmulatedBytes> emulated_bytes(const std::string& kernel, const CompiledKernel& k) {
  static std::unique_ptr<runtime::Device> dev = runtime::make_device("emulator");
  constexpr double kScale = 256;
  std::vector<std::unique_ptr<interp::HostArray>> arrays;
  auto array = [&](const std::string& dtype, std::size_t n, double lo = -1, double hi = 1) {
    arrays.push_back(std::make_unique<interp::HostArray>(dtype, n));
    arrays.back()->fill_random(arrays.size(), lo, hi);
    return KernelArg::array(arrays.back()->data(), arrays.back()->bytes());
  };
  auto i = [](std::int64_t v) { return KernelArg::scalar(v); };
  std::vector<KernelArg> args;
  std::array<std::uint32_t, 3> grid{1, 1, 1};
  if (kernel == "add_kernel") {  // 2^16 of 2^24
    const int n = 1 << 16;
    args = {array("f32", n), array("f32", n), array("f32", n), i(n)};
    grid = {n / 1024, 1, 1};
  } else if (kernel == "softmax_kernel") {  // 16 of 4096 rows of 4096
    args = {array("f32", 16 * 4096), array("f32", 16 * 4096), i(4096), i(4096), i(16), i(4096)};
    grid = {16, 1, 1};
  } else if (kernel == "layer_norm_fwd") {  // 16 of 4096 rows of 1024
    args = {array("f32", 16 * 1024), array("f32", 16 * 1024), array("f32", 1024), array("f32", 1024), array("f32", 16), array("f32", 16),
            i(1024), i(1024), KernelArg::scalar_real(1e-5)};
    grid = {16, 1, 1};
  } else if (kernel == "rms_norm_kernel") {  // 16 of 4096 rows of 4096
    args = {array("f16", 16 * 4096), array("f16", 4096), array("f16", 16 * 4096), i(4096), i(4096), KernelArg::scalar_real(1e-6)};
    grid = {16, 1, 1};
  } else if (kernel == "cumsum_rows_kernel") {  // 256 of 65536 rows of 256
    args = {array("f32", 256 * 256), array("f32", 256 * 256), i(256), i(256), i(256)};
    grid = {256 / 16, 1, 1};
  } else if (kernel == "histogram_kernel") {  // 2^16 of 2^24 values into 1024 bins
    const int n = 1 << 16;
    args = {array("i32", n, 0, 1023), array("i32", 1024, 0, 0), i(n), i(1024)};
    grid = {n / 1024, 1, 1};
  } else if (kernel == "transpose_kernel") {  // 256 x 256 of 4096 x 4096
    args = {array("f32", 256 * 256), array("f32", 256 * 256), i(256), i(256), i(256), i(256)};
    grid = {8, 8, 1};
  } else {
    return std::nullopt;
  }
  runtime::LaunchStats s = launch(k, *dev, grid, args);
  return EmulatedBytes{static_cast<double>(s.device_bytes_read) * kScale, static_cast<double>(s.device_bytes_written) * kScale};
}

}  // namespace tmetal::bench
