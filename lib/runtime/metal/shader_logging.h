// Metal shader logging for the Metal device: whether a kernel logs (os_log, which the emitter writes for
// tl.device_print), what a logging kernel needs (macOS 15 and MSL 3.2: MTLCompileOptions.enableLogging,
// MTLLogState), and where the messages go (stdout, one line each, as the emulator writes them).
// Apple: "Logging shader debug messages" (developer.apple.com/documentation/metal/logging-shader-debug-messages),
// MTLCompileOptions.enableLogging, MTLLogStateDescriptor (level, bufferSize), MTLCommandBufferDescriptor.logState.
#pragma once

#include "runtime/metal/metal_api.h"
#include "runtime/metal/msl_language_version.h"

#include <cstdio>
#include <string>
#include <vector>

namespace tmetal::runtime::metal {

// True when the MSL names os_log or os_log_default outside comments and strings (<metal_logging>).
bool source_uses_shader_logging(const std::string& msl, const std::string& file);

// Throws CompileError naming the file when a logging kernel cannot log here: macOS before 15 or an MSL
// version before 3.2 (shader logging does not exist there).
void check_shader_logging(const OsVersion& os, const LanguageVersion& version, const std::string& file, const std::string& entry);

// Writes the messages of one dispatch, one per line (a trailing newline of a message is not doubled).
void write_log_messages(const std::vector<std::string>& messages, std::FILE* out);

}  // namespace tmetal::runtime::metal
