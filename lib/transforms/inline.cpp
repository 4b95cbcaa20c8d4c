// Inlining: rewrites every `tt.call @f(args)` into a copy of f's body (arguments replaced by the call's
// operands, results replaced by the values f's `tt.return` gives back), then erases the private helper
// functions that are no longer called. Recursion (a call chain deeper than 64) is reported as an error.
#include "transforms/pass.h"

#include "ir/builder.h"

#include <fmt/format.h>

#include <map>
#include <stdexcept>

namespace tmetal::transforms {
namespace {

using namespace ir;

class InlinePass : public Pass {
 public:
  std::string name() const override { return "inline"; }

  void run(Operation& module) override {
    if (!module.is(OpCode::Module)) return;
    std::map<std::string, Operation*> funcs;
    for (auto& op : module.body().ops())
      if (op->is(OpCode::Func)) funcs[op->str_attr("sym_name")] = op.get();
    for (int round = 0;; ++round) {
      std::vector<Operation*> calls;
      module.walk([&](Operation* op) {
        if (op->is(OpCode::Call)) calls.push_back(op);
      });
      if (calls.empty()) break;
      if (round >= 64) {
        const Location& l = calls.front()->loc();
        throw std::runtime_error(fmt::format("{}:{}:{}: error: recursive call to '{}' cannot be inlined", l.file ? *l.file : "<unknown>", l.line, l.col, calls.front()->str_attr("callee")));
      }
      for (Operation* call : calls) inline_call(call, funcs);
    }
    for (auto it = module.body().ops().begin(); it != module.body().ops().end();) {
      Operation* f = it->get();
      ++it;
      if (f->is(OpCode::Func) && f->str_attr("sym_visibility") == "private") f->erase();
    }
  }

 private:
  static void inline_call(Operation* call, const std::map<std::string, Operation*>& funcs) {
    auto it = funcs.find(call->str_attr("callee"));
    if (it == funcs.end()) throw std::runtime_error(fmt::format("call to unknown function '{}'", call->str_attr("callee")));
    const Block& body = it->second->body();
    if (body.num_arguments() != call->num_operands()) throw std::runtime_error("call passes the wrong number of arguments");
    ValueMap map;
    for (size_t i = 0; i < body.num_arguments(); ++i) map[body.argument(i)] = call->operand(i);
    clone_block_into(body, *call->parent_block(), call->position(), map, /*skip_terminator=*/true);
    const Operation* ret = body.terminator();
    if (!ret || ret->num_operands() != call->num_results()) throw std::runtime_error("callee returns a different number of values than the call expects");
    for (size_t i = 0; i < call->num_results(); ++i) {
      Value* v = ret->operand(i);
      auto m = map.find(v);
      call->result(i)->replace_all_uses_with(m == map.end() ? v : m->second);
    }
    call->erase();
  }
};

}  // namespace

std::unique_ptr<Pass> create_inline_pass() { return std::make_unique<InlinePass>(); }

}  // namespace tmetal::transforms
