// macOS GPU detection (compiled only on Apple platforms). The GPU's name comes from the IOKit registry entry
// of the GPU (class AGXAccelerator, property "model", e.g. "Apple M3 Max"), else from sysctl
// machdep.cpu.brand_string (on Apple silicon the chip's name, the GPU's too; under Rosetta "VirtualApple ...",
// which choose_gpu_name refuses); the GPU core count from the same entry's "gpu-core-count". The strings are
// interpreted by detect_macos_parse.cpp (tested on every platform) and mapped to a chip-table row by
// match_detected_gpu.
#if defined(__APPLE__)
#include "detect_macos_parse.h"
#include "triton_metal/target_detect.h"

#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <sys/sysctl.h>

#include <string>
#include <vector>

namespace tmetal::target {
namespace {

std::string brand_string() {
  std::size_t size = 0;
  // sysctlbyname(3): a first call with a null buffer reports the size.
  if (sysctlbyname("machdep.cpu.brand_string", nullptr, &size, nullptr, 0) != 0 || size == 0) return {};
  std::string name(size, '\0');
  if (sysctlbyname("machdep.cpu.brand_string", name.data(), &size, nullptr, 0) != 0) return {};
  return name;
}

std::string cf_to_string(CFTypeRef value) {
  if (CFGetTypeID(value) == CFStringGetTypeID()) {
    char buf[256];
    if (CFStringGetCString(static_cast<CFStringRef>(value), buf, sizeof buf, kCFStringEncodingUTF8)) return buf;
  } else if (CFGetTypeID(value) == CFDataGetTypeID()) {
    auto data = static_cast<CFDataRef>(value);
    const UInt8* bytes = CFDataGetBytePtr(data);
    return std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(CFDataGetLength(data)));
  }
  return {};
}

struct GpuEntry {
  std::string model;
  long long cores = 0;
};

GpuEntry gpu_entry() {
  GpuEntry entry;
  io_iterator_t services = 0;
  // IOServiceMatching matches subclasses too (AGXAcceleratorG13X, ...); MACH_PORT_NULL is the default main
  // port (kIOMainPortDefault) on every SDK version.
  if (IOServiceGetMatchingServices(MACH_PORT_NULL, IOServiceMatching("AGXAccelerator"), &services) != KERN_SUCCESS) return entry;
  while (io_object_t service = IOIteratorNext(services)) {
    if (CFTypeRef model = IORegistryEntryCreateCFProperty(service, CFSTR("model"), kCFAllocatorDefault, 0)) {
      entry.model = cf_to_string(model);
      CFRelease(model);
    }
    if (CFTypeRef value = IORegistryEntryCreateCFProperty(service, CFSTR("gpu-core-count"), kCFAllocatorDefault, 0)) {
      long long cores = 0;
      if (CFGetTypeID(value) == CFNumberGetTypeID() && CFNumberGetValue(static_cast<CFNumberRef>(value), kCFNumberLongLongType, &cores))
        entry.cores = cores;
      CFRelease(value);
    }
    IOObjectRelease(service);
    if (entry.cores > 0) break;
  }
  IOObjectRelease(services);
  return entry;
}

}  // namespace

std::optional<Target> detect_host_target() {
  GpuEntry gpu = gpu_entry();
  const std::string name = choose_gpu_name(gpu.model, brand_string());
  if (name.empty()) return std::nullopt;
  return match_detected_gpu(name, sanitize_core_count(gpu.cores));
}

}  // namespace tmetal::target
#endif  // __APPLE__
