// Loop-invariant code motion: moves pure, region-free ops out of `scf.for` and `scf.while` bodies to just
// before the loop when every operand is defined outside the loop (or by an op already hoisted). Loads,
// stores and other ops with effects stay in the loop. Inner loops are handled first, so invariant code
// climbs through several loop levels.
#include "transforms/pass.h"

#include <unordered_set>

namespace tmetal::transforms {
namespace {

using namespace ir;

class LicmPass : public Pass {
 public:
  std::string name() const override { return "licm"; }
  void run(Operation& module) override {
    std::vector<Operation*> loops;
    module.walk([&](Operation* op) {  // post-order: inner loops first
      if (op->is(OpCode::For) || op->is(OpCode::While)) loops.push_back(op);
    });
    for (Operation* loop : loops) hoist(loop);
  }

 private:
  static bool defined_outside(const Value* v, const Operation* loop) {
    if (const Operation* def = v->defining_op()) return !loop->is_ancestor_of(def);
    const Operation* owner = v->owner_block()->parent_op();
    return owner != loop && !loop->is_ancestor_of(owner);
  }

  static void hoist(Operation* loop) {
    for (size_t r = 0; r < loop->num_regions(); ++r) {
      Block& body = loop->body(r);
      for (auto it = body.ops().begin(); it != body.ops().end();) {
        Operation* op = it->get();
        ++it;
        if (!op->has_trait(trait::P) || op->num_regions() > 0 || op->num_results() == 0) continue;
        bool invariant = true;
        for (const Value* v : op->operands()) invariant = invariant && defined_outside(v, loop);
        if (invariant) op->move_before(loop);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Pass> create_licm_pass() { return std::make_unique<LicmPass>(); }

}  // namespace tmetal::transforms
