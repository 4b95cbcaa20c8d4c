// CodeGen, functions: calls of helper @jit functions. Each distinct specialization (argument types plus
// compile-time argument values) becomes one private `tt.func`, called with `tt.call`; the inlining pass
// later replaces the calls by the bodies. Combine functions of reduce/scan are called the same way
// inside the combine region.
#include "frontend/codegen.h"

#include <fmt/format.h>

#include <utility>

namespace tmetal::frontend {

using ir::OpCode;

TValue CodeGen::call_jit(const Stmt& def, CallArgs& args) {
  Pos call_pos = S_.pos;
  if (args.pos.size() > def.params.size())
    S_.fail(fmt::format("'{}' takes {} arguments but {} were given", def.name, def.params.size(), args.pos.size()));
  std::vector<std::optional<TValue>> bound(def.params.size());
  for (size_t i = 0; i < args.pos.size(); ++i) bound[i] = args.pos[i];
  for (auto& [k, v] : args.kw) {
    size_t i = 0;
    while (i < def.params.size() && def.params[i].name != k) ++i;
    if (i == def.params.size()) S_.fail(fmt::format("'{}' has no parameter named '{}'", def.name, k));
    if (bound[i]) S_.fail(fmt::format("'{}' got multiple values for parameter '{}'", def.name, k));
    bound[i] = v;
  }
  std::string key = def.name;
  for (size_t i = 0; i < def.params.size(); ++i) {
    if (!bound[i]) {
      if (!def.params[i].default_value) S_.fail(fmt::format("'{}' is missing argument '{}'", def.name, def.params[i].name));
      Scope none;
      Scope* saved = scope_;
      scope_ = &none;
      bound[i] = expr(*def.params[i].default_value);
      scope_ = saved;
      S_.pos = call_pos;
    }
    const TValue& v = *bound[i];
    if (v.is_tensor()) key += "__" + v.type.str();
    else if (v.kind == TValue::Kind::JitFn) key += "__fn_" + v.fn->name;
    else key += "__" + v.describe();
  }
  if (in_progress_.count(key)) S_.fail(fmt::format("recursive call of @jit function '{}' is not supported", def.name));
  if (call_depth_ > 64) S_.fail("@jit calls are nested too deeply");

  auto it = generated_.find(key);
  std::vector<TValue> constexpr_results;
  bool all_constexpr = false;
  if (it == generated_.end()) {
    in_progress_.insert(key);
    ++call_depth_;
    ir::Builder saved_b = b_;
    Scope* saved_scope = scope_;
    bool saved_returned = returned_, saved_has = has_return_values_;
    auto saved_values = return_values_;
    int saved_loops = loop_depth_;
    loop_depth_ = 0;
    auto saved_conts = std::exchange(continuations_, {});

    std::string symbol = fmt::format("{}_{}", def.name, generated_.size());
    b_.set_insertion_point_to_end(&module_op_.body());
    S_.pos = def.pos;
    S_.locate();
    ir::Operation* func = b_.create(OpCode::Func, {}, {}, {{"sym_name", symbol}, {"sym_visibility", "private"}}, 1);
    Scope scope;
    for (size_t i = 0; i < def.params.size(); ++i) {
      const TValue& v = *bound[i];
      scope[def.params[i].name] = v.is_tensor() ? TValue::tensor(func->body().add_argument(v.type.ir_type()), v.type) : v;
    }
    scope_ = &scope;
    returned_ = false;
    has_return_values_ = false;
    return_values_.clear();
    b_.set_insertion_point_to_end(&func->body());
    stmts(def.body.data(), def.body.data() + def.body.size());
    std::vector<ir::Value*> rets;
    Generated g{symbol, {}};
    all_constexpr = has_return_values_;
    for (auto& r : return_values_) all_constexpr = all_constexpr && r.is_constexpr();
    if (all_constexpr) {
      constexpr_results = return_values_;
    } else {
      for (auto& r : return_values_) {
        S_.pos = def.pos;
        TValue t = S_.to_tensor(r);
        rets.push_back(t.value);
        g.results.push_back(t.type);
      }
    }
    S_.pos = def.pos;
    S_.locate();
    b_.set_insertion_point_to_end(&func->body());
    b_.create(OpCode::Return, rets, {});
    it = generated_.emplace(key, g).first;
    if (all_constexpr) constexpr_cache_[key] = constexpr_results;

    b_ = saved_b;
    scope_ = saved_scope;
    returned_ = saved_returned;
    has_return_values_ = saved_has;
    return_values_ = saved_values;
    loop_depth_ = saved_loops;
    continuations_ = std::move(saved_conts);
    --call_depth_;
    in_progress_.erase(key);
  }
  S_.pos = call_pos;
  S_.locate();
  std::vector<ir::Value*> operands;
  for (auto& v : bound)
    if (v->is_tensor()) operands.push_back(v->value);
  std::vector<ir::Type> types;
  for (auto& t : it->second.results) types.push_back(t.ir_type());
  ir::Operation* call = b_.create(OpCode::Call, operands, types, {{"callee", it->second.symbol}});
  auto cached = constexpr_cache_.find(key);
  if (cached != constexpr_cache_.end()) {
    const auto& vals = cached->second;
    return vals.size() == 1 ? vals[0] : TValue::tuple(vals);
  }
  std::vector<TValue> results;
  for (size_t i = 0; i < call->num_results(); ++i) results.push_back(TValue::tensor(call->result(i), it->second.results[i]));
  if (results.empty()) return TValue::none();
  return results.size() == 1 ? results[0] : TValue::tuple(results);
}

std::vector<TValue> CodeGen::inline_combine(const TValue& fn, const std::vector<TValue>& lhs, const std::vector<TValue>& rhs) {
  if (fn.kind != TValue::Kind::JitFn) S_.fail(fmt::format("the combine function must be a @triton.jit function, got {}", fn.describe()));
  CallArgs args;
  args.pos = lhs;
  args.pos.insert(args.pos.end(), rhs.begin(), rhs.end());
  TValue r = call_jit(*fn.fn, args);
  if (r.kind == TValue::Kind::Tuple) return r.elems;
  if (r.kind == TValue::Kind::None) S_.fail("the combine function returns nothing");
  return {r};
}

}  // namespace tmetal::frontend
