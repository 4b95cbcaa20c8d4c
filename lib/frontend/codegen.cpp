// CodeGen, module level: imports, module-level constexprs, @jit functions, and kernel specialization.
#include "frontend/codegen.h"
#include "frontend/parser.h"

#include <fmt/format.h>

namespace tmetal::frontend {

ParamSpec opt(const char* name, TValue def) { return ParamSpec{name, false, std::move(def)}; }

CodeGen::CodeGen(const SourceFile& file, const Module& module, ir::Operation& module_op)
    : file_(file), module_(module), module_op_(module_op), S_(b_, file) {
  collect_globals();
}

// Canonical module paths: triton_metal is an alias of triton.
static std::string canonical_module(std::string m) {
  if (m == "triton_metal" || m.rfind("triton_metal.", 0) == 0) m = "triton" + m.substr(12);
  if (m == "triton.language.core" || m == "triton.language.standard") m = "triton.language";
  // triton.language.extra[.cuda|.hip][.libdevice]: the math functions that have Metal equivalents.
  if (m == "triton.language.libdevice" || m.rfind("triton.language.extra", 0) == 0) m = "triton.language.math";
  return m;
}

TValue CodeGen::resolve_import(const std::string& module) { return TValue::module(canonical_module(module)); }

bool CodeGen::is_jit(const Stmt& def) {
  for (auto& d : def.decorators) {
    const Expr* e = d.get();
    if (e->kind == Expr::Kind::Call) e = e->args[0].get();
    if (e->kind == Expr::Kind::Name) {
      auto it = globals_.find(e->name);
      if (it != globals_.end() && it->second.kind == TValue::Kind::Builtin && it->second.s == "jit") return true;
    } else if (e->kind == Expr::Kind::Attribute && e->name == "jit") {
      const Expr* base = e->args[0].get();
      if (base->kind == Expr::Kind::Name) {
        auto it = globals_.find(base->name);
        if (it != globals_.end() && it->second.kind == TValue::Kind::Module && it->second.s == "triton") return true;
      }
    }
  }
  return false;
}

void CodeGen::collect_globals() {
  for (auto& sp : module_.body) {
    const Stmt& s = *sp;
    switch (s.kind) {
      case Stmt::Kind::Import:
        for (auto& imp : s.imports) {
          if (!imp.alias.empty()) globals_[imp.alias] = resolve_import(imp.name);
          else {
            std::string head = imp.name.substr(0, imp.name.find('.'));
            globals_[head] = resolve_import(head);
          }
        }
        break;
      case Stmt::Kind::ImportFrom: {
        std::string mod = canonical_module(s.module);
        for (auto& imp : s.imports) {
          if (imp.name == "*") continue;
          std::string bind = imp.alias.empty() ? imp.name : imp.alias;
          std::string full = mod + "." + imp.name;
          if (full == "triton.language" || full == "triton.language.math") globals_[bind] = TValue::module(full);
          else if (mod == "triton" || mod.rfind("triton.", 0) == 0) {
            try {
              globals_[bind] = attribute(TValue::module(mod), imp.name, Expr(Expr::Kind::Name, s.pos));
            } catch (const CompileError&) {
              plain_globals_[bind] = fmt::format("'{}' is not a known Triton name", full);
            }
          } else {
            plain_globals_[bind] = fmt::format("'{}' comes from module '{}', which Triton kernels cannot use", bind, s.module);
          }
        }
        break;
      }
      case Stmt::Kind::FunctionDef:
        if (is_jit(s)) globals_[s.name] = TValue::jit(&s);
        else plain_globals_[s.name] = fmt::format("'{}' is not a @triton.jit function", s.name);
        break;
      case Stmt::Kind::Assign:
      case Stmt::Kind::AnnAssign: {
        if (s.targets.size() != 1 || s.targets[0]->kind != Expr::Kind::Name || !s.value) break;
        const std::string& name = s.targets[0]->name;
        // Evaluate in a scratch block: a tensor result means the global is not a compile-time constant.
        ir::Block scratch(nullptr);
        b_.set_insertion_point_to_end(&scratch);
        Scope empty;
        scope_ = &empty;
        bool constexpr_annot = false;
        try {
          if (s.kind == Stmt::Kind::AnnAssign && s.test) {
            TValue ann = expr(*s.test);
            constexpr_annot = ann.kind == TValue::Kind::Builtin && ann.s == "constexpr";
          }
          bool wrapped = s.value->kind == Expr::Kind::Call && s.value->args[0]->kind != Expr::Kind::Name ? false : false;
          (void)wrapped;
          const Expr& v = *s.value;
          bool constexpr_call = false;
          if (v.kind == Expr::Kind::Call) {
            TValue callee = expr(*v.args[0]);
            constexpr_call = callee.kind == TValue::Kind::Builtin && callee.s == "constexpr";
          }
          TValue value = expr(v);
          if ((constexpr_annot || constexpr_call) && value.is_constexpr()) {
            globals_[name] = value;
            plain_globals_.erase(name);
          } else {
            globals_.erase(name);
            plain_globals_[name] = fmt::format("cannot access global variable '{}' from a @jit function: Triton kernels can only use globals declared as tl.constexpr (e.g. `{} = tl.constexpr(...)`)", name, name);
          }
        } catch (const CompileError&) {
          globals_.erase(name);
          plain_globals_[name] = fmt::format("cannot access global variable '{}' from a @jit function: Triton kernels can only use globals declared as tl.constexpr", name);
        }
        scope_ = nullptr;
        break;
      }
      default: break;
    }
  }
}

static TValue constexpr_value(const ConstexprValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return TValue::integer(*i);
  if (auto* d = std::get_if<double>(&v)) return TValue::real(*d);
  if (auto* b = std::get_if<bool>(&v)) return TValue::boolean(*b);
  const std::string& s = std::get<std::string>(v);
  std::string n = s.rfind("tl.", 0) == 0 ? s.substr(3) : s;
  if (auto d = dt_from_name(n)) return TValue::dtype_of(*d);
  return TValue::str(s);
}

static FType parse_arg_type(const std::string& t, bool& ok) {
  ok = true;
  std::string s = t;
  bool ptr = !s.empty() && s[0] == '*';
  if (ptr) s = s.substr(1);
  auto d = dt_from_name(s);
  if (!d) {
    ok = false;
    return {};
  }
  return ptr ? FType::pointer(*d) : FType::scalar(*d);
}

void CodeGen::compile_kernel(const std::string& name, const Specialization& spec) {
  auto it = globals_.find(name);
  if (it == globals_.end() || it->second.kind != TValue::Kind::JitFn) {
    std::string known;
    for (auto& [n, v] : globals_)
      if (v.kind == TValue::Kind::JitFn) known += (known.empty() ? "" : ", ") + n;
    throw CompileError(Pos{}, fmt::format("no @triton.jit function named '{}' in {} (found: {})", name, file_.name, known.empty() ? "none" : known));
  }
  const Stmt& def = *it->second.fn;
  for (auto& [n, a] : spec.args) {
    bool found = false;
    for (auto& p : def.params) found = found || p.name == n;
    if (!found) throw CompileError(def.pos, fmt::format("the signature names '{}', which is not a parameter of '{}'", n, name));
  }
  for (auto& [n, a] : spec.constexprs) {
    bool found = false;
    for (auto& p : def.params) found = found || p.name == n;
    if (!found) throw CompileError(def.pos, fmt::format("--constexpr names '{}', which is not a parameter of '{}'", n, name));
  }

  b_.set_insertion_point_to_end(&module_op_.body());
  S_.pos = def.pos;
  S_.locate();
  ir::Operation* func = b_.create(ir::OpCode::Func, {}, {}, {{"sym_name", name}}, 1);
  S_.static_prints.clear();
  Scope scope;
  std::vector<int64_t> divisibility;
  bool any_div = false;
  // The runtime parameters' names, recorded on the function (tt.arg_names) when a parameter that is not
  // annotated tl.constexpr was specialized by value (`--constexpr n=1000`, Triton's equal-to-1 integers), so
  // the emitter names the remaining arguments right instead of guessing them from the def's text.
  std::string arg_names;
  bool value_specialized = false;
  for (auto& p : def.params) {
    S_.pos = p.pos;
    bool annotated_constexpr = false;
    if (p.annotation) {
      scope_ = &globals_;
      Scope tmp;
      scope_ = &tmp;
      TValue ann = expr(*p.annotation);
      annotated_constexpr = ann.kind == TValue::Kind::Builtin && ann.s == "constexpr";
    }
    auto c = spec.constexprs.find(p.name);
    auto a = spec.args.find(p.name);
    if (c != spec.constexprs.end()) {
      value_specialized = value_specialized || !annotated_constexpr;
      const std::string* text = std::get_if<std::string>(&c->second);
      if (text && text->rfind("@py:", 0) == 0) {
        // None or a tuple, written as a Python literal by the package: parsed and evaluated as one.
        SourceFile lit("<constexpr " + p.name + ">", "_value = " + text->substr(4) + "\n");
        Module m = parse_module(lit);
        if (m.body.size() != 1 || m.body[0]->kind != Stmt::Kind::Assign)
          throw CompileError(p.pos, fmt::format("constexpr '{}' is not a Python literal: {}", p.name, text->substr(4)));
        Scope tmp;
        scope_ = &tmp;
        scope[p.name] = expr(*m.body[0]->value);
        continue;
      }
      scope[p.name] = constexpr_value(c->second);
    } else if (a != spec.args.end() && !annotated_constexpr) {
      bool ok;
      FType t = parse_arg_type(a->second.type, ok);
      if (!ok) throw CompileError(p.pos, fmt::format("unknown type '{}' for parameter '{}' in the signature", a->second.type, p.name));
      if (t.dt == DT::F64) throw CompileError(p.pos, fmt::format("parameter '{}' has type {}: fp64 is not supported (Metal has no double)", p.name, a->second.type));
      if (dt_is_fp8(t.dt) && !t.is_ptr())
        throw CompileError(p.pos, fmt::format("parameter '{}' has type {}: fp8 scalars cannot be passed (pass a float32 and convert in the kernel)", p.name, a->second.type));
      scope[p.name] = TValue::tensor(func->body().add_argument(t.ir_type()), t);
      arg_names += (arg_names.empty() ? "" : ",") + p.name;
      divisibility.push_back(a->second.divisibility);
      any_div = any_div || a->second.divisibility != 1;
    } else if (p.default_value) {
      Scope tmp;
      scope_ = &tmp;
      TValue v = expr(*p.default_value);
      if (!v.is_constexpr()) throw CompileError(p.pos, fmt::format("the default of parameter '{}' is not a compile-time constant", p.name));
      scope[p.name] = v;
    } else if (annotated_constexpr) {
      throw CompileError(p.pos, fmt::format("missing value for constexpr parameter '{}' (pass --constexpr {}=...)", p.name, p.name));
    } else {
      throw CompileError(p.pos, fmt::format("missing type for parameter '{}' (pass --signature '{}=<type>', e.g. *fp32 or i32)", p.name, p.name));
    }
  }
  if (any_div) func->set_attr("tt.divisibility", ir::Attribute::array(divisibility));
  if (value_specialized) func->set_attr("tt.arg_names", arg_names);
  b_.set_insertion_point_to_end(&func->body());
  scope_ = &scope;
  returned_ = false;
  has_return_values_ = false;
  stmts(def.body.data(), def.body.data() + def.body.size());
  if (has_return_values_) throw CompileError(def.pos, fmt::format("kernel '{}' returns a value; Triton kernels cannot return values", name));
  S_.pos = def.pos;
  S_.locate();
  b_.set_insertion_point_to_end(&func->body());
  b_.create(ir::OpCode::Return, {}, {});
  scope_ = nullptr;
  if (!S_.static_prints.empty()) {
    std::string text;
    for (const std::string& l : S_.static_prints) text += l + "\n";
    func->set_attr("tt.static_prints", text);
  }
}

}  // namespace tmetal::frontend
