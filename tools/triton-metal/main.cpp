// Entry point of the `triton-metal` tool: parses the command line with CLI11 and runs the chosen
// subcommand. Exit codes: 0 success, 1 failure of the work itself, 2 bad command-line use.
#include "command_registry.h"

#include "triton_metal/runtime.h"

#include <fmt/core.h>

#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <new>
#include <stdexcept>

namespace {
// Ctrl-C stops a running emulator launch (which then fails with LaunchInterrupted: exit 130); outside a
// launch it ends the process as usual.
void on_sigint(int) {
  if (!tmetal::runtime::interrupt_launches()) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
  }
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"triton-metal: compile Triton-language kernels and operator graphs to Metal for Apple GPUs",
               "triton-metal"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "triton-metal 0.1.0");

  std::map<CLI::App*, tmetal::cli::RunFunction> runners;
  for (const auto& spec : tmetal::cli::registered_commands()) {
    CLI::App* command = app.add_subcommand(spec.name, spec.description);
    runners[command] = spec.setup(*command);
  }

  std::signal(SIGINT, on_sigint);
  // A generous launch time limit for every emulator launch the CLI makes (an infinite loop in a kernel ends
  // with an error); TRITON_METAL_LAUNCH_TIMEOUT overrides it, 0 removes it.
  setenv("TRITON_METAL_LAUNCH_TIMEOUT", "600", 0);
  // Launch statistics the CLI prints include threadgroup bytes (off by default in the library: it costs time).
  setenv("TRITON_METAL_THREADGROUP_COUNTERS", "1", 0);
  CLI::App* chosen = nullptr;
  try {
    app.parse(argc, argv);
    for (auto& [command, run] : runners) {
      if (command->parsed()) chosen = command;
    }
    if (chosen == nullptr) throw CLI::RequiredError("A subcommand");
    return runners.at(chosen)();
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion& version) {
    fmt::print("{}\n", version.what());
    return 0;
  } catch (const CLI::ParseError& error) {
    CLI::App* where = chosen;
    for (auto& [command, run] : runners) {
      if (command->parsed()) where = command;
    }
    fmt::print(stderr, "triton-metal: error: {}\n", error.what());
    fmt::print(stderr, "usage: {}\n", where ? "triton-metal " + where->get_name() + " [options] (see --help)"
                                             : std::string("triton-metal <command> [options] (see --help)"));
    return 2;
  } catch (const tmetal::cli::UsageError& error) {
    fmt::print(stderr, "triton-metal: error: {}\n", error.what());
    fmt::print(stderr, "usage: triton-metal {} [options] (see --help)\n", chosen ? chosen->get_name() : "<command>");
    return 2;
  } catch (const tmetal::runtime::LaunchInterrupted& error) {
    fmt::print(stderr, "triton-metal: interrupted: {}\n", error.what());
    return 130;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "triton-metal: error: {}: out of memory (the input asks for more host memory than is available)\n",
               chosen ? chosen->get_name() : "triton-metal");
    return 1;
  } catch (const std::length_error& error) {  // "cannot create std::vector larger than max_size()"
    fmt::print(stderr, "triton-metal: error: {}: a size in the input is too large to allocate ({})\n", chosen ? chosen->get_name() : "triton-metal",
               error.what());
    return 1;
  } catch (const std::exception& error) {
    fmt::print(stderr, "triton-metal: error: {}\n", error.what());
    return 1;
  }
}
