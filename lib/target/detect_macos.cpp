// macOS GPU detection (compiled only on Apple platforms): reads the chip name from sysctl
// machdep.cpu.brand_string ("Apple M3 Max"; on Apple silicon the GPU carries the chip's name) and the GPU
// core count from the IOKit registry (AGXAccelerator property "gpu-core-count"), then maps them to a
// chip-table row with match_detected_gpu.
#if defined(__APPLE__)
#include "triton_metal/target_detect.h"

#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <sys/sysctl.h>

#include <string>

namespace tmetal::target {
namespace {

std::string chip_name() {
  std::size_t size = 0;
  if (sysctlbyname("machdep.cpu.brand_string", nullptr, &size, nullptr, 0) != 0 || size == 0) return {};
  std::string name(size, '\0');
  if (sysctlbyname("machdep.cpu.brand_string", name.data(), &size, nullptr, 0) != 0) return {};
  while (!name.empty() && name.back() == '\0') name.pop_back();
  return name;
}

int gpu_core_count() {
  io_iterator_t services = 0;
  // MACH_PORT_NULL selects the default main port on every SDK version.
  if (IOServiceGetMatchingServices(MACH_PORT_NULL, IOServiceMatching("AGXAccelerator"), &services) !=
      KERN_SUCCESS) {
    return 0;
  }
  int cores = 0;
  while (io_object_t service = IOIteratorNext(services)) {
    CFTypeRef value =
        IORegistryEntryCreateCFProperty(service, CFSTR("gpu-core-count"), kCFAllocatorDefault, 0);
    if (value != nullptr) {
      if (CFGetTypeID(value) == CFNumberGetTypeID()) {
        CFNumberGetValue(static_cast<CFNumberRef>(value), kCFNumberIntType, &cores);
      }
      CFRelease(value);
    }
    IOObjectRelease(service);
    if (cores > 0) break;
  }
  IOObjectRelease(services);
  return cores;
}

}  // namespace

std::optional<Target> detect_host_target() {
  const std::string name = chip_name();
  if (name.empty()) return std::nullopt;
  return match_detected_gpu(name, gpu_core_count());
}

}  // namespace tmetal::target
#endif  // __APPLE__
