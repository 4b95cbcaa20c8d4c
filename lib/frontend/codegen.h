// Semantic analysis of a parsed module into tile IR: resolves imports, module-level constexprs and @jit
// functions, specializes the chosen kernel, and walks its statements and expressions (constexpr
// evaluation with Python semantics, tensors through Semantic). Control flow becomes scf.if / scf.for /
// scf.while with loop-carried values; tl.static_range and constexpr ifs are evaluated at compile time;
// helper @jit calls become tt.call of private functions specialized on their constexpr arguments.
#pragma once

#include "frontend/ast.h"
#include "frontend/semantic.h"
#include "triton_metal/compile.h"

#include <map>
#include <set>

namespace tmetal::frontend {

struct CallArgs {
  std::vector<TValue> pos;
  std::vector<std::pair<std::string, TValue>> kw;
};

// One parameter of a builtin: name and, unless required, its default.
struct ParamSpec {
  const char* name;
  bool required = true;
  TValue def = TValue::none();
};
ParamSpec opt(const char* name, TValue def = TValue::none());

class CodeGen {
 public:
  CodeGen(const SourceFile& file, const Module& module, ir::Operation& module_op);

  // Generates the public kernel function `name` specialized by `spec`.
  void compile_kernel(const std::string& name, const Specialization& spec);

 private:
  using Scope = std::map<std::string, TValue>;

  // Globals.
  void collect_globals();
  bool is_jit(const Stmt& def);
  TValue resolve_import(const std::string& module);

  // Statements (codegen_stmt.cpp).
  void stmts(const StmtPtr* begin, const StmtPtr* end);
  void stmt(const Stmt& s);
  void run_continuations();  // the rest of every enclosing statement list, innermost first (early exits)
  void assign(const Expr& target, const TValue& v);
  // `tail`: the else branch is the rest of the function (early-exit form), so returns in it are fine.
  void gen_if(const Stmt& s, const TValue& cond, const StmtPtr* then_b, const StmtPtr* then_e, const StmtPtr* else_b, const StmtPtr* else_e, bool tail);
  void gen_for(const Stmt& s);
  void gen_while(const Stmt& s);
  void collect_assigned(const StmtList& body, std::set<std::string>& out);
  std::vector<std::string> carried_names(const StmtList& body);
  // Emits the yield that closes a loop body: each carried variable's value in `body_scope`, checked to have
  // kept its type from before the loop.
  void carried_inits(const Stmt& loop, const std::vector<std::string>& carried, std::vector<ir::Value*>& operands,
                     std::vector<ir::Type>& types, std::vector<FType>& ftypes);
  void loop_body(const Stmt& loop);
  void yield_carried(const Stmt& loop, const Scope& body_scope, const std::vector<std::string>& carried,
                     const std::vector<FType>& ftypes, const ir::Location& loc);

  // Expressions (codegen_expr.cpp).
  TValue expr(const Expr& e);
  TValue attribute(const TValue& base, const std::string& name, const Expr& e);
  TValue subscript(const Expr& e);
  TValue call(const Expr& e);
  TValue call_value(const TValue& callee, CallArgs& args, const Expr& e);
  TValue constexpr_binary(const std::string& op, const TValue& a, const TValue& b);
  TValue compare(const std::string& op, const TValue& a, const TValue& b);
  TValue lookup(const std::string& name);
  bool truthy(const TValue& v);  // constexpr truth value
  std::string fstring(const Expr& e);

  // Functions (codegen_func.cpp).
  TValue call_jit(const Stmt& def, CallArgs& args);
  std::vector<TValue> inline_combine(const TValue& fn, const std::vector<TValue>& lhs, const std::vector<TValue>& rhs);
  std::vector<TValue> body_with_return(const StmtList& body);

  // Builtins (builtins.cpp).
  TValue builtin(const std::string& name, CallArgs& args);
  // tl.cat / flip / sort / rand* and Python's isinstance / getattr (builtins_stdlib.cpp); `handled` says
  // whether `name` is one of them.
  TValue stdlib_builtin(const std::string& name, CallArgs& args, bool& handled);
  std::vector<TValue> bind(const std::string& fn, CallArgs& args, std::initializer_list<ParamSpec> params);
  std::vector<int64_t> shape_arg(const TValue& v, const std::string& what);
  int64_t int_arg(const TValue& v, const std::string& what);
  std::string str_arg(const TValue& v, const std::string& what);
  DT dtype_arg(const TValue& v, const std::string& what);
  TValue reduction(const std::string& kind, const TValue& x, const TValue& axis, bool keep_dims);
  TValue scan_builtin(const std::string& kind, const TValue& x, int64_t axis, bool reverse, const TValue* combine_fn);

  const SourceFile& file_;
  const Module& module_;
  ir::Operation& module_op_;
  ir::Builder b_;
  Semantic S_;
  Scope globals_;
  std::map<std::string, std::string> plain_globals_;  // non-constexpr module-level names
  Scope* scope_ = nullptr;
  bool returned_ = false;
  // Statements that follow the one being generated, per enclosing list (outermost first); reset inside
  // runtime branches, loop bodies and helper functions.
  std::vector<std::pair<const StmtPtr*, const StmtPtr*>> continuations_;
  std::vector<TValue> return_values_;
  bool has_return_values_ = false;
  int loop_depth_ = 0;
  int call_depth_ = 0;
  int64_t statements_ = 0;  // statements generated, bounded so unrolling cannot run away
  struct Generated {
    std::string symbol;
    std::vector<FType> results;
  };
  std::map<std::string, Generated> generated_;
  std::set<std::string> in_progress_;
  std::map<std::string, std::vector<TValue>> constexpr_cache_;  // helpers returning compile-time values
};

}  // namespace tmetal::frontend
