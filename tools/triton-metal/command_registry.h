// Subcommand registry of the `triton-metal` tool.
//
// Each file under commands/ defines one subcommand and registers it with a static CommandRegistration:
// the setup function declares the subcommand's options on the CLI11 app it is given and returns the
// function that runs it (its return value is the process exit code). Commands report bad use by
// throwing UsageError (exit 2, one-line reason plus usage) and other failures by throwing any
// std::exception (exit 1, one-line reason).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tmetal::cli {

using RunFunction = std::function<int()>;
using SetupFunction = std::function<RunFunction(CLI::App& command)>;

struct CommandSpec {
  std::string name;
  std::string description;
  SetupFunction setup;
};

// Bad command-line use found after parsing (an unknown target name, say): exit code 2 with usage.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CommandRegistration {
  CommandRegistration(std::string name, std::string description, SetupFunction setup);
};

// All registered commands, sorted by name.
std::vector<CommandSpec> registered_commands();

}  // namespace tmetal::cli
