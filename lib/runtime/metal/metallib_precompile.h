// Optional ahead-of-time compile into the on-disk cache: where Xcode's `xcrun metal` exists and
// TRITON_METAL_PRECOMPILE=1, a kernel's MSL is compiled once to DIR/<hash>.metallib (xcrun metal -c ... -o .air;
// xcrun metallib .air -o .metallib) and later processes load that file (newLibraryWithURL) instead of compiling
// the source again. Without Xcode (the Command Line Tools have no `metal`), or when a tool fails, the device
// compiles from source at run time, which needs nothing but macOS.
#pragma once

#include "runtime/metal/msl_language_version.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tmetal::runtime::metal {

struct PrecompilePlan {
  std::string source_path, air_path, metallib_path;
  std::vector<std::string> compile_argv, link_argv;
};

// $TRITON_METAL_CACHE_DIR/metal, else $HOME/.cache/triton-metal/metal; "" when neither variable is set.
std::string metal_cache_dir();

// File names carry the source hash, the language version and the math mode, so one cache serves them all.
PrecompilePlan plan_precompile(const std::string& cache_dir, std::uint64_t hash, const LanguageVersion& version, bool fast_math);

}  // namespace tmetal::runtime::metal
