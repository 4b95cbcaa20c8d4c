// Paths and command lines of the optional metallib precompile (see metallib_precompile.h). The flags are the
// Metal compiler's: -std=metal3.1 selects the language version, -fno-fast-math keeps IEEE semantics (the
// compiler's default is fast math), -c compiles to AIR; `metallib` links AIR into a library.
#include "runtime/metal/metallib_precompile.h"

#include <fmt/core.h>

#include <cstdlib>

namespace tmetal::runtime::metal {

std::string metal_cache_dir() {
  if (const char* d = std::getenv("TRITON_METAL_CACHE_DIR"); d && *d) return std::string(d) + "/metal";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/triton-metal/metal";
  return {};
}

PrecompilePlan plan_precompile(const std::string& cache_dir, std::uint64_t hash, const LanguageVersion& version, bool fast_math) {
  PrecompilePlan p;
  std::string stem = fmt::format("{}/{:016x}-msl{}{}-{}", cache_dir, hash, version.major, version.minor, fast_math ? "fast" : "safe");
  p.source_path = stem + ".metal";
  p.air_path = stem + ".air";
  p.metallib_path = stem + ".metallib";
  p.compile_argv = {"xcrun", "-sdk", "macosx", "metal", fmt::format("-std=metal{}.{}", version.major, version.minor),
                    fast_math ? "-ffast-math" : "-fno-fast-math", "-c", p.source_path, "-o", p.air_path};
  p.link_argv = {"xcrun", "-sdk", "macosx", "metallib", p.air_path, "-o", p.metallib_path};
  return p;
}

}  // namespace tmetal::runtime::metal
