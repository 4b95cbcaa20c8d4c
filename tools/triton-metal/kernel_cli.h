// What the kernel commands (`compile`, `run`) share: reading the kernel file, turning --signature and
// --constexpr into a Specialization, and compiling with the CLI's error conventions (a kernel error prints its
// diagnostic and exits 1; a bad target or option is bad command-line use, exit 2).
#pragma once

#include "triton_metal/kernel.h"

#include <optional>
#include <string>
#include <vector>

namespace tmetal::cli {

// Throws std::runtime_error when the file cannot be read or is not a regular file (a folder, a FIFO).
std::string read_source_file(const std::string& path);

// Throws UsageError naming the bad entry.
Specialization parse_specialization(const std::vector<std::string>& signatures, const std::vector<std::string>& constexprs);

// The compiled kernel, or nullopt after printing the kernel's diagnostic to stderr (the command then exits 1).
// Throws UsageError for an unknown target or a bad option.
std::optional<CompiledKernel> compile_or_report(const std::string& source, const std::string& file, const std::string& kernel,
                                                const Specialization& spec, const KernelOptions& options);

}  // namespace tmetal::cli
