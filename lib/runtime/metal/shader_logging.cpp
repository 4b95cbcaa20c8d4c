// Metal shader logging policy of the Metal device (see shader_logging.h).
#include "runtime/metal/shader_logging.h"

#include "runtime/msl/token.h"

#include <fmt/core.h>

namespace tmetal::runtime::metal {

bool source_uses_shader_logging(const std::string& msl, const std::string& file) {
  try {
    for (const msl::Token& t : msl::tokenize(msl, file))
      if (t.ident() && (t.text == "os_log" || t.text == "os_log_default")) return true;
  } catch (const msl::SyntaxError&) {
    return msl.find("os_log") != std::string::npos;  // the Metal compiler reports the syntax error itself
  }
  return false;
}

void check_shader_logging(const OsVersion& os, const LanguageVersion& version, const std::string& file, const std::string& entry) {
  if (os.major != 0 && os.major < 15)
    throw CompileError(fmt::format("{}: error: kernel '{}' logs (os_log, tl.device_print), which needs Metal shader logging: "
                                   "macOS 15 or newer, and this Mac runs macOS {}.{} (remove the prints, or run on the emulator: "
                                   "TRITON_METAL_DEVICE=emulator)", file, entry, os.major, os.minor));
  if (version.raw() < LanguageVersion{3, 2}.raw())
    throw CompileError(fmt::format("{}: error: kernel '{}' logs (os_log, tl.device_print), which needs MSL 3.2 or newer; it is "
                                   "compiled as MSL {}", file, entry, version.text()));
}

void write_log_messages(const std::vector<std::string>& messages, std::FILE* out) {
  for (const std::string& m : messages) {
    std::fputs(m.c_str(), out);
    if (m.empty() || m.back() != '\n') std::fputc('\n', out);
  }
  std::fflush(out);
}

}  // namespace tmetal::runtime::metal
