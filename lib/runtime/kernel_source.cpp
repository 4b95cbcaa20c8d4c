// Preprocessing, scanning, entry lookup and function-constant rendering (see kernel_source.h).
#include "runtime/kernel_source.h"

#include "runtime/emulator/compiler.h"

#include <fmt/core.h>

#include <cmath>

namespace tmetal::runtime {
namespace {

std::string literal(const FunctionConstantValue& v) {
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* i = std::get_if<std::int64_t>(&v)) return fmt::format("{}LL", *i);
  double d = std::get<double>(v);
  if (!std::isfinite(d)) throw Error("function constant values must be finite");
  return fmt::format("{:.17g}", d);
}

}  // namespace

KernelSource prepare_kernel_source(const std::string& source, const std::string& entry, const CompileOptions& options) {
  KernelSource out;
  try {
    const bool pp = emulator::needs_preprocessing(source, options.file_name);
    out.module = msl::parse_module(pp ? emulator::preprocess(source, options.file_name, options.include_dirs) : source, options.file_name);
  } catch (const msl::SyntaxError& e) {
    throw CompileError(e.what());
  }
  if (!out.module.find_entry(entry)) {
    std::string names;
    for (const auto& e : out.module.entries) names += (names.empty() ? "" : ", ") + e.name;
    throw CompileError(fmt::format("{}: no kernel named '{}' (kernels: {})", options.file_name, entry, names.empty() ? "none" : names));
  }
  for (const auto& [key, value] : options.function_constants) {
    bool known = false;
    for (const auto& fc : out.module.function_constants) known |= key == fc.name || key == std::to_string(fc.index);
    if (!known) throw CompileError(fmt::format("{}: no function constant '{}' is declared", options.file_name, key));
    out.function_constants[key] = literal(value);
  }
  return out;
}

}  // namespace tmetal::runtime
