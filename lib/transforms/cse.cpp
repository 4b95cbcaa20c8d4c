// Common-subexpression elimination: when a pure op without regions computes the same thing (same op kind,
// operands, attributes and result types) as an earlier op that dominates it, its results are replaced by
// the earlier op's and it is erased. Scoped by blocks: an op in a nested region may reuse an outer one.
#include "transforms/pass.h"

#include <map>
#include <tuple>

namespace tmetal::transforms {
namespace {

using namespace ir;

struct Key {
  const OpInfo* info;
  std::vector<Value*> operands;
  std::string attrs_and_types;
  bool operator<(const Key& o) const {
    return std::tie(info, operands, attrs_and_types) < std::tie(o.info, o.operands, o.attrs_and_types);
  }
};

Key key_of(const Operation* op) {
  std::string rest;
  for (auto& [k, v] : op->attrs()) rest += k + "=" + v.str() + ";";
  for (const Value* r : op->results()) rest += r->type().str() + ";";
  std::vector<Value*> operands = op->operands();
  if (op->has_trait(trait::C) && operands.size() == 2 && operands[1] < operands[0]) std::swap(operands[0], operands[1]);
  return {&op->info(), operands, rest};
}

class CsePass : public Pass {
 public:
  std::string name() const override { return "cse"; }
  void run(Operation& module) override { visit(module); }

 private:
  std::map<Key, Operation*> known_;

  void visit(Operation& op) {
    for (size_t r = 0; r < op.num_regions(); ++r)
      for (size_t b = 0; b < op.region(r).num_blocks(); ++b) block(op.region(r).block(b), op.has_trait(trait::I));
  }

  void block(Block& blk, bool isolated) {
    std::map<Key, Operation*> saved;
    if (isolated) saved.swap(known_);
    std::vector<Key> added;
    for (auto it = blk.ops().begin(); it != blk.ops().end();) {
      Operation* op = it->get();
      ++it;
      if (op->num_regions() > 0) {
        visit(*op);
        continue;
      }
      if (!op->has_trait(trait::P) || op->num_results() == 0) continue;
      Key key = key_of(op);
      auto found = known_.find(key);
      if (found != known_.end()) {
        for (size_t i = 0; i < op->num_results(); ++i) op->result(i)->replace_all_uses_with(found->second->result(i));
        op->erase();
      } else {
        known_.emplace(key, op);
        added.push_back(std::move(key));
      }
    }
    for (auto& k : added) known_.erase(k);
    if (isolated) known_.swap(saved);
  }
};

}  // namespace

std::unique_ptr<Pass> create_cse_pass() { return std::make_unique<CsePass>(); }

}  // namespace tmetal::transforms
