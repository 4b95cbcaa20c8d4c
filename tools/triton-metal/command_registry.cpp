#include "command_registry.h"

#include <algorithm>

namespace tmetal::cli {
namespace {
std::vector<CommandSpec>& registry() {
  static std::vector<CommandSpec> commands;
  return commands;
}
}  // namespace

CommandRegistration::CommandRegistration(std::string name, std::string description, SetupFunction setup) {
  registry().push_back({std::move(name), std::move(description), std::move(setup)});
}

std::vector<CommandSpec> registered_commands() {
  auto commands = registry();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return commands;
}

}  // namespace tmetal::cli
