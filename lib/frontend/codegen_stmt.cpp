// CodeGen, statements: assignment, control flow (scf.if / scf.for / scf.while with loop-carried values,
// compile-time ifs and tl.static_range unrolling), asserts, returns, and errors for unsupported Python.
#include "frontend/codegen.h"

#include <fmt/format.h>

#include <utility>

namespace tmetal::frontend {

using ir::OpCode;

static bool ends_with_return(const StmtList& body) { return !body.empty() && body.back()->kind == Stmt::Kind::Return; }

void CodeGen::stmts(const StmtPtr* begin, const StmtPtr* end) {
  for (const StmtPtr* it = begin; it != end && !returned_; ++it) {
    const Stmt& s = **it;
    // Early exit `if cond: ...; return` (no value) in a function body: the rest of the body becomes the else branch.
    if (s.kind == Stmt::Kind::If && s.orelse.empty() && ends_with_return(s.body) && !s.body.back()->value && loop_depth_ == 0) {
      S_.pos = s.test->pos;
      TValue c = expr(*s.test);
      if (c.is_constexpr()) {
        if (truthy(c)) {
          stmts(s.body.data(), s.body.data() + s.body.size());
          return;
        }
        continue;
      }
      gen_if(s, c, s.body.data(), s.body.data() + s.body.size() - 1, it + 1, end, true);
      returned_ = true;
      return;
    }
    // The rest of this list follows `s`: an early exit inside a compile-time `if` in `s` makes it the
    // else branch, together with the rest of every enclosing list (continuations_).
    continuations_.emplace_back(it + 1, end);
    stmt(s);
    continuations_.pop_back();
  }
}

void CodeGen::run_continuations() {
  auto saved = continuations_;
  for (size_t k = saved.size(); k-- > 0 && !returned_;) {
    continuations_.assign(saved.begin(), saved.begin() + static_cast<std::ptrdiff_t>(k));
    stmts(saved[k].first, saved[k].second);
  }
  continuations_ = saved;
}

void CodeGen::assign(const Expr& target, const TValue& v) {
  switch (target.kind) {
    case Expr::Kind::Name: (*scope_)[target.name] = v; return;
    case Expr::Kind::Tuple:
    case Expr::Kind::List: {
      if (v.kind != TValue::Kind::Tuple) throw CompileError(target.pos, fmt::format("cannot unpack {} into {} names", v.describe(), target.args.size()));
      if (v.elems.size() != target.args.size()) throw CompileError(target.pos, fmt::format("cannot unpack {} values into {} names", v.elems.size(), target.args.size()));
      for (size_t i = 0; i < v.elems.size(); ++i) assign(*target.args[i], v.elems[i]);
      return;
    }
    case Expr::Kind::Subscript: throw CompileError(target.pos, "assignment to an element of a tensor is not supported in Triton kernels");
    case Expr::Kind::Attribute: throw CompileError(target.pos, "assignment to an attribute is not supported in Triton kernels");
    default: throw CompileError(target.pos, "cannot assign to this expression");
  }
}

void CodeGen::stmt(const Stmt& s) {
  S_.pos = s.pos;
  if (++statements_ > 200000) throw CompileError(s.pos, "the kernel is too large after unrolling static_range loops and inlining (over 200000 statements)");
  switch (s.kind) {
    case Stmt::Kind::Expr:
      if (s.value->kind == Expr::Kind::Str && !s.value->fstring) return;  // docstring
      expr(*s.value);
      return;
    case Stmt::Kind::Assign: {
      TValue v = expr(*s.value);
      for (auto& t : s.targets) assign(*t, v);
      return;
    }
    case Stmt::Kind::AnnAssign: {
      if (!s.value) throw CompileError(s.pos, "an annotated name needs a value in a Triton kernel");
      TValue ann = expr(*s.test);
      TValue v = expr(*s.value);
      if (ann.kind == TValue::Kind::Builtin && ann.s == "constexpr" && !v.is_constexpr()) throw CompileError(s.value->pos, "value annotated tl.constexpr is not a compile-time constant");
      if (ann.kind == TValue::Kind::Dtype) v = S_.cast(v, ann.dtype);
      assign(*s.targets[0], v);
      return;
    }
    case Stmt::Kind::AugAssign: {
      const Expr& t = *s.targets[0];
      if (t.kind != Expr::Kind::Name) throw CompileError(t.pos, "augmented assignment needs a plain name as target");
      TValue cur = lookup(t.name);
      TValue rhs = expr(*s.value);
      S_.pos = s.pos;
      (*scope_)[t.name] = cur.is_constexpr() && rhs.is_constexpr() ? constexpr_binary(s.op, cur, rhs) : S_.binary(s.op, cur, rhs);
      return;
    }
    case Stmt::Kind::If: {
      S_.pos = s.test->pos;
      TValue c = expr(*s.test);
      if (c.is_constexpr()) {
        const StmtList& taken = truthy(c) ? s.body : s.orelse;
        stmts(taken.data(), taken.data() + taken.size());
        return;
      }
      gen_if(s, c, s.body.data(), s.body.data() + s.body.size(), s.orelse.data(), s.orelse.data() + s.orelse.size(), false);
      return;
    }
    case Stmt::Kind::For: return gen_for(s);
    case Stmt::Kind::While: return gen_while(s);
    case Stmt::Kind::Return: {
      if (loop_depth_ > 0) throw CompileError(s.pos, "'return' inside a loop is not supported in Triton kernels");
      returned_ = true;
      return_values_.clear();
      if (s.value) {
        TValue v = expr(*s.value);
        has_return_values_ = v.kind != TValue::Kind::None;
        if (v.kind == TValue::Kind::Tuple) return_values_ = v.elems;
        else if (v.kind != TValue::Kind::None) return_values_ = {v};
      }
      return;
    }
    case Stmt::Kind::Pass: return;
    case Stmt::Kind::Break: throw CompileError(s.pos, "'break' is not supported in Triton kernels");
    case Stmt::Kind::Continue: throw CompileError(s.pos, "'continue' is not supported in Triton kernels");
    case Stmt::Kind::Assert: {
      TValue c = expr(*s.test);
      std::string msg = s.value ? str_arg(expr(*s.value), "assert message") : "";
      S_.pos = s.pos;
      if (c.is_constexpr()) {
        if (!truthy(c)) throw CompileError(s.pos, "assertion failed" + (msg.empty() ? "" : ": " + msg));
        return;
      }
      TValue cond = S_.to_bool(c);
      S_.locate();
      b_.create(OpCode::Assert, {cond.value}, {}, {{"message", msg}});
      return;
    }
    case Stmt::Kind::FunctionDef: throw CompileError(s.pos, "nested function definitions are not supported in Triton kernels");
    case Stmt::Kind::Import:
    case Stmt::Kind::ImportFrom: throw CompileError(s.pos, "imports inside a @jit function are not supported");
    case Stmt::Kind::Unsupported: throw CompileError(s.pos, s.op);
  }
}

void CodeGen::collect_assigned(const StmtList& body, std::set<std::string>& out) {
  std::function<void(const Expr&)> target = [&](const Expr& t) {
    if (t.kind == Expr::Kind::Name) out.insert(t.name);
    if (t.kind == Expr::Kind::Tuple || t.kind == Expr::Kind::List)
      for (auto& a : t.args) target(*a);
  };
  for (auto& sp : body) {
    const Stmt& s = *sp;
    if (s.kind == Stmt::Kind::Assign || s.kind == Stmt::Kind::AugAssign || s.kind == Stmt::Kind::AnnAssign)
      for (auto& t : s.targets) target(*t);
    if (s.kind == Stmt::Kind::For) target(*s.targets[0]);
    collect_assigned(s.body, out);
    collect_assigned(s.orelse, out);
  }
}

std::vector<std::string> CodeGen::carried_names(const StmtList& body) {
  std::set<std::string> assigned;
  collect_assigned(body, assigned);
  std::vector<std::string> out;
  for (auto& n : assigned) {
    auto it = scope_->find(n);
    if (it != scope_->end() && (it->second.is_tensor() || it->second.is_number())) out.push_back(n);
  }
  return out;
}

static bool same_value(const TValue& a, const TValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case TValue::Kind::Tensor: return a.value == b.value && a.type == b.type;
    case TValue::Kind::Int: return a.i == b.i;
    case TValue::Kind::Float: return a.f == b.f;
    case TValue::Kind::Bool: return a.b == b.b;
    case TValue::Kind::Str: return a.s == b.s;
    case TValue::Kind::Dtype: return a.dtype == b.dtype;
    default: return true;
  }
}

void CodeGen::gen_if(const Stmt& s, const TValue& cond, const StmtPtr* then_b, const StmtPtr* then_e, const StmtPtr* else_b, const StmtPtr* else_e, bool tail) {
  S_.pos = s.test->pos;
  TValue c = S_.to_bool(cond);
  if (c.type.is_tensor()) throw CompileError(s.test->pos, "the condition of an 'if' must be a scalar, not a tensor (use tl.where for elementwise choices)");
  S_.locate();
  ir::Location loc = b_.loc();
  ir::Operation* draft = b_.create(OpCode::If, {c.value}, {}, {}, 2);
  ir::Builder outer = b_;
  Scope before = *scope_;
  Scope* saved_scope = scope_;
  bool saved_returned = returned_;
  auto saved_conts = continuations_;
  auto branch = [&](int r, const StmtPtr* bgn, const StmtPtr* end) {
    Scope local = before;
    scope_ = &local;
    returned_ = false;
    b_.set_insertion_point_to_end(&draft->body(r));
    // Only the else branch of an early exit continues with the enclosing lists; other branches end at
    // the end of their own body.
    continuations_ = tail && r == 1 ? saved_conts : decltype(continuations_){};
    stmts(bgn, end);
    if (tail && r == 1) run_continuations();
    continuations_ = saved_conts;
    if (returned_ && has_return_values_) throw CompileError(s.pos, "'return' with a value inside a non-constexpr 'if' is not supported");
    if (returned_ && !tail) throw CompileError(s.pos, "'return' inside a non-constexpr 'if' is only supported in the form `if cond: ...; return` followed by the rest of the function");
    returned_ = false;
    scope_ = saved_scope;
    return local;
  };
  Scope then_scope = branch(0, then_b, then_e);
  Scope else_scope = branch(1, else_b, else_e);
  returned_ = saved_returned;
  // Results: names defined in both branches whose value changed in at least one of them.
  std::vector<std::string> names;
  for (auto& [n, tv] : then_scope) {
    auto e = else_scope.find(n);
    if (e == else_scope.end()) continue;
    auto old = before.find(n);
    bool changed = old == before.end() ? !same_value(tv, e->second) || tv.is_tensor() : !same_value(tv, old->second) || !same_value(e->second, old->second);
    if (changed) names.push_back(n);
  }
  std::vector<ir::Type> types;
  std::vector<FType> ftypes;
  std::vector<ir::Value*> then_vals, else_vals;
  for (auto& n : names) {
    TValue t = then_scope[n], e = else_scope[n];
    if (t.is_constexpr() && e.is_constexpr() && !(t.is_number() && e.is_number())) {
      throw CompileError(s.pos, fmt::format("'{}' is {} in one branch and {} in the other; a non-constexpr 'if' cannot choose between compile-time values", n, t.describe(), e.describe()));
    }
    b_.set_insertion_point_to_end(&draft->body(0));
    S_.pos = s.pos;
    TValue tt = S_.to_tensor(t);
    b_.set_insertion_point_to_end(&draft->body(1));
    TValue et = S_.to_tensor(e);
    if (tt.type != et.type) throw CompileError(s.pos, fmt::format("'{}' has type {} after the 'if' branch but {} after the 'else' branch", n, tt.type.str(), et.type.str()));
    types.push_back(tt.type.ir_type());
    ftypes.push_back(tt.type);
    then_vals.push_back(tt.value);
    else_vals.push_back(et.value);
  }
  b_.set_loc(loc);
  b_.set_insertion_point_to_end(&draft->body(0));
  b_.create(OpCode::Yield, then_vals, {});
  b_.set_insertion_point_to_end(&draft->body(1));
  b_.create(OpCode::Yield, else_vals, {});
  b_ = outer;
  ir::Operation* op = draft;
  if (!names.empty()) {
    b_.set_insertion_point(draft);
    b_.set_loc(loc);
    op = b_.create(OpCode::If, {c.value}, types, {}, 0);
    for (int r = 0; r < 2; ++r) op->add_region().append_block(draft->region(r).take_block(0));
    draft->erase();
    b_ = outer;
  }
  *scope_ = before;
  for (auto& [n, v] : then_scope)  // names unchanged by both branches (constexpr) stay as they are
    if (else_scope.count(n) && same_value(v, else_scope[n]) && !before.count(n)) (*scope_)[n] = v;
  for (size_t i = 0; i < names.size(); ++i) (*scope_)[names[i]] = TValue::tensor(op->result(i), ftypes[i]);
}

void CodeGen::gen_for(const Stmt& s) {
  const Expr& iter = *s.test;
  if (iter.kind != Expr::Kind::Call) throw CompileError(iter.pos, "Triton loops iterate over range(...), tl.range(...) or tl.static_range(...)");
  TValue callee = expr(*iter.args[0]);
  bool is_static = callee.kind == TValue::Kind::Builtin && callee.s == "static_range";
  bool is_range = callee.kind == TValue::Kind::Builtin && (callee.s == "range" || callee.s == "tl.range");
  if (!is_static && !is_range) throw CompileError(iter.pos, "Triton loops iterate over range(...), tl.range(...) or tl.static_range(...)");
  CallArgs args;
  for (size_t i = 1; i < iter.args.size(); ++i) args.pos.push_back(expr(*iter.args[i]));
  for (auto& [k, v] : iter.keywords) args.kw.emplace_back(k, expr(*v));
  S_.pos = iter.pos;
  auto bound = bind("range", args, {{"arg1"}, opt("arg2"), opt("step"), opt("num_stages"), opt("loop_unroll_factor"), opt("disallow_acc_multi_buffer"), opt("flatten"), opt("warp_specialize")});
  TValue lb = bound[1].kind == TValue::Kind::None ? TValue::integer(0) : bound[0];
  TValue ub = bound[1].kind == TValue::Kind::None ? bound[0] : bound[1];
  TValue step = bound[2].kind == TValue::Kind::None ? TValue::integer(1) : bound[2];
  const Expr& target = *s.targets[0];
  if (target.kind != Expr::Kind::Name) throw CompileError(target.pos, "the loop variable must be a plain name");
  if (is_static) {
    int64_t lo = int_arg(lb, "static_range start"), hi = int_arg(ub, "static_range end"), st = int_arg(step, "static_range step");
    if (st == 0) throw CompileError(iter.pos, "static_range step must not be zero");
    if ((hi - lo) / st > 4096) throw CompileError(iter.pos, "static_range would unroll more than 4096 iterations");
    auto saved_conts = std::exchange(continuations_, {});  // an iteration does not continue past the loop
    for (int64_t v = lo; st > 0 ? v < hi : v > hi; v += st) {
      (*scope_)[target.name] = TValue::integer(v);
      stmts(s.body.data(), s.body.data() + s.body.size());
      if (returned_) throw CompileError(s.pos, "'return' inside a loop is not supported in Triton kernels");
    }
    continuations_ = std::move(saved_conts);
    return;
  }
  TValue lbt = S_.to_tensor(lb), ubt = S_.to_tensor(ub), stt = S_.to_tensor(step);
  for (auto* v : {&lbt, &ubt, &stt})
    if (!v->type.is_int() || v->type.is_tensor()) throw CompileError(iter.pos, "range bounds and step must be scalar integers");
  DT iv = integer_promote(integer_promote(lbt.type.dt, ubt.type.dt), stt.type.dt);
  if (iv == DT::I1) iv = DT::I32;
  lbt = S_.cast(lbt, iv);
  ubt = S_.cast(ubt, iv);
  stt = S_.cast(stt, iv);
  std::vector<std::string> carried = carried_names(s.body);
  std::vector<ir::Value*> operands = {lbt.value, ubt.value, stt.value};
  std::vector<ir::Type> types;
  std::vector<FType> ftypes;
  carried_inits(s, carried, operands, types, ftypes);
  S_.pos = s.pos;
  S_.locate();
  ir::AttrDict attrs;
  if (bound[3].kind == TValue::Kind::Int) attrs["tt.num_stages"] = ir::Attribute::integer(bound[3].i);
  if (bound[4].kind == TValue::Kind::Int) attrs["tt.loop_unroll_factor"] = ir::Attribute::integer(bound[4].i);
  ir::Operation* loop = b_.create(OpCode::For, operands, types, std::move(attrs), 1);
  ir::Location loc = b_.loc();
  ir::Block& body = loop->body();
  Scope local = *scope_;
  local[target.name] = TValue::tensor(body.add_argument(FType::scalar(iv).ir_type()), FType::scalar(iv));
  for (size_t i = 0; i < carried.size(); ++i) local[carried[i]] = TValue::tensor(body.add_argument(types[i]), ftypes[i]);
  ir::Builder outer = b_;
  Scope* saved = scope_;
  scope_ = &local;
  b_.set_insertion_point_to_end(&body);
  loop_body(s);
  yield_carried(s, local, carried, ftypes, loc);
  b_ = outer;
  scope_ = saved;
  for (size_t i = 0; i < carried.size(); ++i) (*scope_)[carried[i]] = TValue::tensor(loop->result(i), ftypes[i]);
}

void CodeGen::gen_while(const Stmt& s) {
  std::vector<std::string> carried = carried_names(s.body);
  std::vector<ir::Value*> inits;
  std::vector<ir::Type> types;
  std::vector<FType> ftypes;
  carried_inits(s, carried, inits, types, ftypes);
  S_.pos = s.pos;
  S_.locate();
  ir::Location loc = b_.loc();
  ir::Operation* loop = b_.create(OpCode::While, inits, types, {}, 2);
  ir::Builder outer = b_;
  Scope* saved = scope_;
  // before: evaluate the condition
  Scope before = *scope_;
  for (size_t i = 0; i < carried.size(); ++i) before[carried[i]] = TValue::tensor(loop->body(0).add_argument(types[i]), ftypes[i]);
  scope_ = &before;
  b_.set_insertion_point_to_end(&loop->body(0));
  S_.pos = s.test->pos;
  TValue c = S_.to_bool(expr(*s.test));
  if (c.type.is_tensor()) throw CompileError(s.test->pos, "the condition of a 'while' must be a scalar, not a tensor");
  std::vector<ir::Value*> cond_ops = {c.value};
  for (auto& n : carried) cond_ops.push_back(before[n].value);
  b_.set_loc(loc);
  b_.create(OpCode::Condition, cond_ops, {});
  // after: the body
  Scope after = *saved;
  for (size_t i = 0; i < carried.size(); ++i) after[carried[i]] = TValue::tensor(loop->body(1).add_argument(types[i]), ftypes[i]);
  scope_ = &after;
  b_.set_insertion_point_to_end(&loop->body(1));
  loop_body(s);
  yield_carried(s, after, carried, ftypes, loc);
  b_ = outer;
  scope_ = saved;
  for (size_t i = 0; i < carried.size(); ++i) (*scope_)[carried[i]] = TValue::tensor(loop->result(i), ftypes[i]);
}

// The values of the loop-carried variables before a loop, as the loop's operands, and their types.
void CodeGen::carried_inits(const Stmt& loop, const std::vector<std::string>& carried, std::vector<ir::Value*>& operands,
                            std::vector<ir::Type>& types, std::vector<FType>& ftypes) {
  for (auto& n : carried) {
    S_.pos = loop.pos;
    TValue init = S_.to_tensor((*scope_)[n]);
    operands.push_back(init.value);
    types.push_back(init.type.ir_type());
    ftypes.push_back(init.type);
  }
}

// The statements of a runtime loop's body (a `continue` does not reach past the loop).
void CodeGen::loop_body(const Stmt& loop) {
  ++loop_depth_;
  auto saved_conts = std::exchange(continuations_, {});
  stmts(loop.body.data(), loop.body.data() + loop.body.size());
  continuations_ = std::move(saved_conts);
  --loop_depth_;
}

void CodeGen::yield_carried(const Stmt& loop, const Scope& body_scope, const std::vector<std::string>& carried,
                            const std::vector<FType>& ftypes, const ir::Location& loc) {
  std::vector<ir::Value*> yielded;
  for (size_t i = 0; i < carried.size(); ++i) {
    S_.pos = loop.pos;
    TValue v = body_scope.at(carried[i]);
    if (v.is_number()) v = S_.constant(v, ftypes[i]);
    if (!v.is_tensor() || v.type != ftypes[i])
      throw CompileError(loop.pos, fmt::format("loop-carried variable '{}' has type {} before the loop but {} at the end of its body", carried[i], ftypes[i].str(), v.is_tensor() ? v.type.str() : v.describe()));
    yielded.push_back(v.value);
  }
  b_.set_loc(loc);
  b_.create(OpCode::Yield, yielded, {});
}

}  // namespace tmetal::frontend
