// Compiles translated kernels with the host C++ compiler into shared objects, cached on disk by a content
// hash of (translated source, runtime headers, compiler identity, flags). Several processes may compile
// the same kernel at once: each writes a private temporary and renames it into place atomically.
#pragma once

#include <string>
#include <vector>

namespace tmetal::runtime::emulator {

struct CompiledObject {
  std::string path;  // the shared object
  bool from_cache = false;
  double seconds = 0;
};

// Cache directory: $TRITON_METAL_CACHE_DIR, else ~/.cache/triton-metal/emulator.
std::string cache_directory();

// True when the source uses the preprocessor beyond #include <metal_...> (macros, conditionals, user
// headers); such sources go through preprocess() before the MSL scan.
bool needs_preprocessing(const std::string& msl, const std::string& file_name);

// Runs the host C preprocessor over MSL (with the metal_* headers stubbed out, Metal's predefined macros set
// and the host's headers unreachable), keeping line markers so the user's files and line numbers survive.
// `file_name`'s folder, if it exists, and `include_dirs` are searched for #include headers. Throws
// CompileError with the preprocessor's errors (an #include of anything but Metal's headers and the user's
// files is refused, naming it).
std::string preprocess(const std::string& msl, const std::string& file_name, const std::vector<std::string>& include_dirs = {});

// Throws CompileError whose message lists the compiler's errors located in `file_name` (the user's MSL).
CompiledObject compile_shared_object(const std::string& cpp, const std::string& file_name);

}  // namespace tmetal::runtime::emulator
