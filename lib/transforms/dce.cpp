// Dead-code elimination: erases pure ops (no side effects) whose results are all unused, repeating until
// nothing changes, so whole chains of dead computation disappear. Ops with effects (loads, stores,
// atomics, asserts, prints, loops and ifs) stay.
#include "transforms/pass.h"

namespace tmetal::transforms {
namespace {

using namespace ir;

bool dead(const Operation* op) {
  if (!op->has_trait(trait::P) || (op->num_regions() > 0 && !op->is(OpCode::Reduce) && !op->is(OpCode::Scan))) return false;
  for (const Value* r : op->results())
    if (!r->use_empty()) return false;
  return true;
}

class DcePass : public Pass {
 public:
  std::string name() const override { return "dce"; }
  void run(Operation& module) override {
    for (bool changed = true; changed;) {
      changed = false;
      module.walk([&](Operation* op) {
        if (op != &module && dead(op)) {
          op->erase();
          changed = true;
        }
      });
    }
  }
};

}  // namespace

std::unique_ptr<Pass> create_dce_pass() { return std::make_unique<DcePass>(); }

}  // namespace tmetal::transforms
