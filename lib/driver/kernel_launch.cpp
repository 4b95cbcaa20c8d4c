// tmetal::launch (include/triton_metal/kernel.h): binds host arrays and scalars to the kernel's buffers per
// its parameters and runs one threadgroup per Triton program.
#include "triton_metal/kernel.h"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

namespace tmetal {

namespace {
// Bytes per element of a tile-IR dtype name ("f32", "bf16", "i1", ...); 0 when unknown.
std::uint64_t element_bytes(const std::string& t) {
  if (t == "f64" || t == "i64") return 8;
  if (t == "f32" || t == "i32") return 4;
  if (t == "f16" || t == "bf16" || t == "i16") return 2;
  if (t == "i8" || t == "i1" || t.rfind("f8", 0) == 0) return 1;
  return 0;
}

runtime::Binding scalar_binding(const KernelParam& p, const KernelArg& a) {
  double real = a.is_real ? a.real : static_cast<double>(a.integer);
  int64_t integer = a.is_real ? static_cast<int64_t>(a.real) : a.integer;
  const std::string& t = p.dtype;
  if (t == "f32" || t == "bf16") return runtime::Binding::value(static_cast<float>(real));
  if (t == "f16") {
    // half: round through the emulator-independent bit pattern is not needed: pass as float would be wrong
    // (the MSL parameter is `constant half&`), so convert here.
    float f = static_cast<float>(real);
    uint32_t x;
    std::memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u;
    int exp = static_cast<int>((x >> 23) & 0xff) - 127 + 15;
    uint32_t mant = x & 0x7fffffu;
    uint16_t h;
    if (exp <= 0) h = static_cast<uint16_t>(sign);
    else if (exp >= 31) h = static_cast<uint16_t>(sign | 0x7c00u);
    else {
      h = static_cast<uint16_t>(sign | (exp << 10) | (mant >> 13));
      uint32_t rest = mant & 0x1fffu;
      if (rest > 0x1000u || (rest == 0x1000u && (h & 1))) ++h;
    }
    return runtime::Binding::value(h);
  }
  if (t == "i1") return runtime::Binding::value(static_cast<bool>(integer));
  if (t == "i8") return runtime::Binding::value(static_cast<int8_t>(integer));
  if (t == "i16") return runtime::Binding::value(static_cast<int16_t>(integer));
  if (t == "i64") return runtime::Binding::value(static_cast<int64_t>(integer));
  return runtime::Binding::value(static_cast<int32_t>(integer));
}
}  // namespace

runtime::LaunchStats launch(const CompiledKernel& kernel, runtime::Device& device, std::array<std::uint32_t, 3> grid,
                            const std::vector<KernelArg>& args, const std::vector<KernelArg>& addressable) {
  if (args.size() != kernel.params.size())
    throw std::invalid_argument(fmt::format("kernel '{}' takes {} arguments, {} given", kernel.name, kernel.params.size(), args.size()));
  for (auto g : grid)
    if (g == 0) throw std::invalid_argument(fmt::format("kernel '{}': grid dimensions must be at least 1", kernel.name));
  auto pipeline = device.compile(kernel.msl, kernel.name, runtime::CompileOptions{{}, kernel.name + ".metal"});
  runtime::LaunchConfig cfg;
  cfg.grid = {grid[0], grid[1], grid[2]};
  cfg.threads_per_threadgroup = {static_cast<std::uint32_t>(kernel.threads_per_threadgroup), 1, 1};
  cfg.dispatch = runtime::Dispatch::Threadgroups;
  for (size_t i = 0; i < args.size(); ++i) {
    const KernelParam& p = kernel.params[i];
    const KernelArg& a = args[i];
    if (p.pointer != a.is_array)
      throw std::invalid_argument(fmt::format("kernel '{}': argument '{}' must be {}", kernel.name, p.name, p.pointer ? "an array" : "a scalar"));
    if (p.pointer) {
      if (!a.data || a.bytes == 0) throw std::invalid_argument(fmt::format("kernel '{}': array '{}' is empty", kernel.name, p.name));
      if (std::uint64_t width = element_bytes(p.dtype); p.max_elements > 0 && width > 0 && a.bytes / width >= static_cast<std::uint64_t>(p.max_elements))
        throw std::invalid_argument(fmt::format("kernel '{}': array '{}' has {} elements; the kernel addresses it with 32-bit element "
                                                "offsets (fewer than {} elements): split the array", kernel.name, p.name, a.bytes / width, p.max_elements));
      auto buffer = device.wrap(a.data, a.bytes);
      cfg.buffers[p.buffer_index] = runtime::Binding::of(buffer);
      if (kernel.address_map_buffer >= 0) cfg.resident.push_back({buffer, fmt::format("argument '{}'", p.name)});
    } else {
      cfg.buffers[p.buffer_index] = scalar_binding(p, a);
    }
  }
  if (kernel.address_map_buffer >= 0) {
    for (const KernelArg& a : addressable) {
      if (!a.is_array || !a.data || a.bytes == 0) throw std::invalid_argument(fmt::format("kernel '{}': an addressable array is empty", kernel.name));
      cfg.resident.push_back({device.wrap(a.data, a.bytes), fmt::format("memory at {} ({} bytes)", a.data, a.bytes)});
    }
    cfg.address_map_index = kernel.address_map_buffer;
  }
  runtime::LaunchStats s = device.launch(*pipeline, cfg);
  device.synchronize();
  return s;
}

}  // namespace tmetal
