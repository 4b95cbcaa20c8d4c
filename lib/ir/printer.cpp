// The tile-IR printer: numbers values per function (%argN for function arguments, %N for the rest) and
// writes every op in the generic form `results = name operands {attrs} : types regions loc(...)`.
#include "ir/printer.h"

#include <fmt/format.h>

#include <unordered_map>

namespace tmetal::ir {
namespace {

class Printer {
 public:
  explicit Printer(const PrintOptions& options) : options_(options) {}

  void op(const Operation& o, int indent) {
    pad(indent);
    if (o.is(OpCode::Module)) return module(o, indent);
    if (o.is(OpCode::Func)) return func(o, indent);
    if (o.num_results() > 0) {
      std::string id = fmt::format("%{}", next_++);
      for (size_t i = 0; i < o.num_results(); ++i)
        names_[o.result(i)] = o.num_results() == 1 ? id : fmt::format("{}#{}", id, i);
      out_ += o.num_results() == 1 ? id : fmt::format("{}:{}", id, o.num_results());
      out_ += " = ";
    }
    out_ += o.name();
    for (size_t i = 0; i < o.num_operands(); ++i) out_ += (i ? ", " : " ") + name(o.operand(i));
    attrs(o.attrs());
    for (size_t i = 0; i < o.num_results(); ++i) out_ += (i ? ", " : " : ") + o.result(i)->type().str();
    for (size_t r = 0; r < o.num_regions(); ++r) region(o.region(r), indent);
    loc(o);
    out_ += "\n";
  }

  std::string take() { return std::move(out_); }

 private:
  void pad(int indent) { out_.append(static_cast<size_t>(indent) * 2, ' '); }

  std::string name(const Value* v) {
    auto it = names_.find(v);
    return it == names_.end() ? "%<<undefined>>" : it->second;
  }

  void attrs(const AttrDict& dict) {
    if (dict.empty()) return;
    out_ += " {";
    bool first = true;
    for (auto& [key, value] : dict) {
      out_ += (first ? "" : ", ") + key + " = " + value.str();
      first = false;
    }
    out_ += "}";
  }

  void loc(const Operation& o) {
    if (options_.locations) out_ += " " + o.loc().str();
  }

  void region(const Region& r, int indent) {
    out_ += " {\n";
    for (size_t b = 0; b < r.num_blocks(); ++b) {
      const Block& block = r.block(b);
      pad(indent);
      out_ += fmt::format("^bb{}", b);
      if (block.num_arguments()) {
        out_ += "(";
        for (size_t a = 0; a < block.num_arguments(); ++a) {
          std::string id = fmt::format("%{}", next_++);
          names_[block.argument(a)] = id;
          out_ += (a ? ", " : "") + id + ": " + block.argument(a)->type().str();
        }
        out_ += ")";
      }
      out_ += ":\n";
      for (auto& inner : block.ops()) op(*inner, indent + 1);
    }
    pad(indent);
    out_ += "}";
  }

  void module(const Operation& o, int indent) {
    out_ += "module";
    attrs(o.attrs());
    out_ += " {\n";
    if (!o.region(0).empty())
      for (auto& inner : o.body().ops()) op(*inner, indent + 1);
    pad(indent);
    out_ += "}";
    if (o.loc().known()) loc(o);
    out_ += "\n";
  }

  void func(const Operation& o, int indent) {
    names_.clear();
    next_ = 0;
    AttrDict rest = o.attrs();
    rest.erase("sym_name");
    out_ += "tt.func @" + o.str_attr("sym_name") + "(";
    const Block* body = o.region(0).empty() ? nullptr : &o.body();
    for (size_t a = 0; body && a < body->num_arguments(); ++a) {
      std::string id = fmt::format("%arg{}", a);
      names_[body->argument(a)] = id;
      out_ += (a ? ", " : "") + id + ": " + body->argument(a)->type().str();
    }
    out_ += ")";
    attrs(rest);
    out_ += " {\n";
    if (body)
      for (auto& inner : body->ops()) op(*inner, indent + 1);
    pad(indent);
    out_ += "}";
    loc(o);
    out_ += "\n";
  }

  const PrintOptions& options_;
  std::string out_;
  std::unordered_map<const Value*, std::string> names_;
  int next_ = 0;
};

}  // namespace

std::string print_op(const Operation& op, const PrintOptions& options) {
  Printer p(options);
  p.op(op, 0);
  return p.take();
}

}  // namespace tmetal::ir
