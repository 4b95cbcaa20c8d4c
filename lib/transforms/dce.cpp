// Dead-code elimination: erases pure ops (no side effects) whose results are all unused, repeating until
// nothing changes, so whole chains of dead computation disappear. An scf.for or scf.if whose results are
// unused and whose body holds only pure ops (and its yield) goes too. Ops with effects (loads, stores,
// atomics, asserts, prints) stay, and so do while loops (they might not terminate).
#include "transforms/pass.h"

namespace tmetal::transforms {
namespace {

using namespace ir;

bool body_is_pure(Operation* op) {
  bool pure = true;
  for (size_t r = 0; r < op->num_regions(); ++r)
    for (size_t b = 0; b < op->region(r).num_blocks(); ++b)
      for (auto& inner : op->region(r).block(b).ops())
        inner->walk([&](Operation* o) { pure = pure && (o->has_trait(trait::P) || o->is(OpCode::Yield) || (o->num_regions() > 0 && (o->is(OpCode::For) || o->is(OpCode::If)))); });
  return pure;
}

bool dead(Operation* op) {
  for (const Value* r : op->results())
    if (!r->use_empty()) return false;
  if (op->is(OpCode::For) || op->is(OpCode::If)) return body_is_pure(op);
  return op->has_trait(trait::P) && (op->num_regions() == 0 || op->is(OpCode::Reduce) || op->is(OpCode::Scan));
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
