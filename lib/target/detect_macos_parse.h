// The string handling of macOS GPU detection, separated from the sysctl and IOKit calls (detect_macos.cpp,
// Apple platforms only) so that it is built and unit-tested everywhere.
#pragma once

#include <string>
#include <string_view>

namespace tmetal::target {

// What sysctl or IOKit returned, without trailing NULs and surrounding whitespace.
std::string clean_reported_string(std::string_view raw);

// The name to match against the chip table: IOKit's AGXAccelerator "model" ("Apple M3 Max") when it names an
// Apple M-series chip, else sysctl machdep.cpu.brand_string when that does; "" otherwise — under Rosetta the
// brand string is "VirtualApple @ 2.50GHz processor", and on an Intel Mac it names the Intel CPU.
std::string choose_gpu_name(std::string_view iokit_model, std::string_view brand_string);

// IOKit "gpu-core-count" as a core count; 0 (unknown) when it is absent or implausible (outside 1..1024).
int sanitize_core_count(long long reported);

}  // namespace tmetal::target
