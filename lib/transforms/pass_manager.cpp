// PassManager: runs passes in order, verifying and dumping IR between them (see pass_manager.h).
#include "transforms/pass_manager.h"

#include "ir/printer.h"
#include "ir/verifier.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tmetal::transforms {

void PassManager::add_pipeline(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    auto pass = create_pass(name);
    if (!pass) throw std::invalid_argument(fmt::format("unknown pass '{}' (known: {})", name, fmt::join(pass_names(), ", ")));
    add(std::move(pass));
  }
}

void PassManager::run(ir::Operation& module) {
  for (auto& pass : passes_) {
    pass->run(module);
    if (options_.verify_each) {
      auto errors = ir::verify(module);
      if (!errors.empty())
        throw PassVerificationError(fmt::format("IR is invalid after pass '{}':\n{}", pass->name(),
                                                ir::VerificationFailed(std::move(errors)).what()));
    }
    if (options_.dump && (options_.print_after_all || options_.print_after.count(pass->name())))
      options_.dump(fmt::format("// -----// IR Dump After {} //----- //\n{}", pass->name(), ir::print_op(module)));
  }
}

}  // namespace tmetal::transforms
