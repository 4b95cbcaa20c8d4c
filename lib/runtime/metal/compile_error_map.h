// Maps the Metal compiler's diagnostics back to the user: Metal names the source "program_source"
// ("program_source:12:5: error: ..."), so each diagnostic is renamed to the MSL file ("add_kernel.metal:12:5:
// error: ...") and an error in MSL our emitter wrote gets a note naming the kernel's source line, found in the
// "// FILE.py:LINE: text" comment the emitter puts before the code each source line produced.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tmetal::runtime::metal {

struct KernelSourceLine {
  std::string file;
  int line = 0;
  std::string text;
};

// The source line whose code contains MSL line `msl_line` (1-based): the nearest "// FILE:LINE: text" comment
// at or above it; nullopt when there is none (hand-written MSL).
std::optional<KernelSourceLine> kernel_source_line(std::string_view msl, int msl_line);

// The compiler log rewritten as described above, prefixed by nothing else ("Compilation failed:" dropped).
// A log with no "program_source:L:C:" diagnostic becomes "FILE: error: the Metal compiler refused the kernel: LOG".
std::string map_compiler_log(std::string_view log, std::string_view msl, const std::string& file_name);

}  // namespace tmetal::runtime::metal
