// Generic verification of tile IR: types, region structure, terminators and dominance (see verifier.h).
#include "ir/verifier.h"

#include <fmt/format.h>

#include <unordered_set>

namespace tmetal::ir {

std::string VerifyError::str() const {
  std::string where = loc.known() ? fmt::format("{}:{}:{}", *loc.file, loc.line, loc.col) : "<unknown>";
  return fmt::format("{}: error: '{}' {}", where, op, message);
}

namespace {

std::string join_errors(const std::vector<VerifyError>& errors) {
  std::string out;
  for (auto& e : errors) out += (out.empty() ? "" : "\n") + e.str();
  return out;
}

class Verifier {
 public:
  std::vector<VerifyError> errors;

  void op(const Operation& o, std::unordered_set<const Value*>& visible) {
    for (size_t i = 0; i < o.num_operands(); ++i) {
      const Value* v = o.operand(i);
      if (!v) fail(o, fmt::format("operand {} is null", i));
      else if (!visible.count(v)) fail(o, fmt::format("operand {} does not dominate this use", i));
    }
    for (const Value* r : o.results()) type(o, r->type());
    if (o.info().verify) {
      std::string reason = o.info().verify(o);
      if (!reason.empty()) fail(o, reason);
    }
    regions(o, visible);
    for (const Value* r : o.results()) visible.insert(r);
  }

 private:
  void fail(const Operation& o, std::string message) { errors.push_back({o.loc(), o.name(), std::move(message)}); }

  void type(const Operation& o, Type t) {
    if (!t) return fail(o, "has a null type");
    if (t.is_pointer()) return type(o, t.pointee());
    if (!t.is_tensor()) return;
    for (int64_t d : t.shape())
      if (!is_power_of_two(d)) return fail(o, fmt::format("tensor shape {} has a dimension that is not a power of two", t.str()));
    if (t.element().is_tensor()) fail(o, "tensor of tensors");
    type(o, t.element());
  }

  void regions(const Operation& o, std::unordered_set<const Value*>& outer) {
    if (o.num_regions() == 0) return;
    std::unordered_set<const Value*> isolated;
    std::unordered_set<const Value*>& base = o.has_trait(trait::I) ? isolated : outer;
    for (size_t r = 0; r < o.num_regions(); ++r) {
      const Region& region = o.region(r);
      if (region.num_blocks() != 1) {
        fail(o, fmt::format("region {} must have exactly one block", r));
        continue;
      }
      const Block& block = region.front();
      std::vector<const Value*> added;
      auto add = [&](const Value* v) {
        if (base.insert(v).second) added.push_back(v);
      };
      for (size_t a = 0; a < block.num_arguments(); ++a) {
        type(o, block.argument(a)->type());
        add(block.argument(a));
      }
      for (auto& inner : block.ops()) {
        if (inner->has_trait(trait::T) && inner.get() != block.back()) fail(*inner, "terminator is not the last op of its block");
        op(*inner, base);
        for (const Value* v : inner->results()) added.push_back(v);
      }
      terminator(o, r, block);
      for (const Value* v : added) base.erase(v);
    }
  }

  // Checks that `types` of the terminator's operands match `want`.
  void match(const Operation& term, const std::vector<Type>& want, size_t skip = 0) {
    if (term.num_operands() - skip != want.size()) return fail(term, fmt::format("yields {} values, {} expected", term.num_operands() - skip, want.size()));
    for (size_t i = 0; i < want.size(); ++i)
      if (term.operand(i + skip) && term.operand(i + skip)->type() != want[i]) return fail(term, fmt::format("value {} has type {}, {} expected", i, term.operand(i + skip)->type().str(), want[i].str()));
  }

  void terminator(const Operation& o, size_t r, const Block& block) {
    OpCode want;
    switch (o.code()) {
      case OpCode::Func: want = OpCode::Return; break;
      case OpCode::For: case OpCode::If: want = OpCode::Yield; break;
      case OpCode::While: want = r == 0 ? OpCode::Condition : OpCode::Yield; break;
      case OpCode::Reduce: want = OpCode::ReduceReturn; break;
      case OpCode::Scan: want = OpCode::ScanReturn; break;
      default: return;
    }
    const Operation* term = block.back();
    if (!term || !term->is(want)) return fail(o, fmt::format("region {} must end with '{}'", r, op_info(want)->name));
    std::vector<Type> types;
    for (const Value* v : o.results()) types.push_back(v->type());
    switch (o.code()) {
      case OpCode::For: case OpCode::If: match(*term, types); break;
      case OpCode::While:
        if (r == 1) {
          std::vector<Type> inits;
          for (const Value* v : o.operands()) inits.push_back(v->type());
          match(*term, inits);
        } else {
          if (term->num_operands() == 0 || term->operand(0)->type() != Type::i1()) return fail(*term, "first operand must be the i1 condition");
          match(*term, types, 1);
        }
        break;
      case OpCode::Reduce: case OpCode::Scan: {
        std::vector<Type> elems;
        for (const Value* v : o.operands()) elems.push_back(v->type().element());
        match(*term, elems);
        break;
      }
      default: break;
    }
  }
};

}  // namespace

VerificationFailed::VerificationFailed(std::vector<VerifyError> errors)
    : std::runtime_error(join_errors(errors)), errors_(std::move(errors)) {}

std::vector<VerifyError> verify(const Operation& root) {
  Verifier v;
  std::unordered_set<const Value*> visible;
  v.op(root, visible);
  return std::move(v.errors);
}

void verify_or_throw(const Operation& root) {
  auto errors = verify(root);
  if (!errors.empty()) throw VerificationFailed(std::move(errors));
}

}  // namespace tmetal::ir
