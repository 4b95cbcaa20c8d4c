// Shared pieces of the kernel commands (see kernel_cli.h).
#include "kernel_cli.h"

#include "command_registry.h"
#include "triton_metal/target.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace tmetal::cli {

std::string read_source_file(const std::string& path) {
  // A folder or FIFO would throw from inside the stream ("basic_filebuf::underflow") or block forever.
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (ec || st.type() == std::filesystem::file_type::not_found) throw std::runtime_error(fmt::format("cannot read '{}': no such file", path));
  if (st.type() == std::filesystem::file_type::directory) throw std::runtime_error(fmt::format("cannot read '{}': is a folder, not a file", path));
  if (st.type() != std::filesystem::file_type::regular)
    throw std::runtime_error(fmt::format("cannot read '{}': not a regular file (FIFOs, sockets and devices are refused)", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}'", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Specialization parse_specialization(const std::vector<std::string>& signatures, const std::vector<std::string>& constexprs) {
  Specialization spec;
  try {
    for (const auto& s : signatures) spec.parse_signature(s);
    for (const auto& c : constexprs) spec.parse_constexpr(c);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return spec;
}

std::optional<CompiledKernel> compile_or_report(const std::string& source, const std::string& file, const std::string& kernel,
                                                const Specialization& spec, const KernelOptions& options) {
  try {
    return tmetal::compile(source, file, kernel, spec, options);
  } catch (const CompileFailure& e) {
    std::string msg = e.what();
    std::cerr << msg << (msg.empty() || msg.back() != '\n' ? "\n" : "");
    return std::nullopt;
  } catch (const target::UnknownTargetError& e) {
    throw UsageError(e.what());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

}  // namespace tmetal::cli
