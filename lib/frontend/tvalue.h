// The values the front end computes with while it walks a kernel: IR tensors (and 0-d scalars) with their
// front-end types, and compile-time values (Python ints/floats/bools/strings/None, dtypes, tuples, modules,
// @jit functions, tl builtins, bound tensor methods). Compile-time values are Triton's constexprs.
#pragma once

#include "frontend/ftype.h"
#include "ir/operation.h"

#include <string>
#include <vector>

namespace tmetal::frontend {

struct Stmt;

struct TValue {
  enum class Kind { Tensor, Int, Float, Bool, None, Str, Dtype, Tuple, Module, JitFn, Builtin, Method, Slice, Ellipsis };
  Kind kind = Kind::None;
  ir::Value* value = nullptr;  // Tensor
  FType type;                  // Tensor
  int64_t i = 0;               // Int
  double f = 0;                // Float
  bool b = false;              // Bool
  std::string s;               // Str value, Module path, Builtin name, Method name
  DT dtype = DT::I32;          // Dtype
  std::vector<TValue> elems;   // Tuple elements; Method: [self]; Slice: [lower, upper, step]
  const Stmt* fn = nullptr;    // JitFn

  static TValue tensor(ir::Value* v, FType t) { TValue x; x.kind = Kind::Tensor; x.value = v; x.type = std::move(t); return x; }
  static TValue integer(int64_t v) { TValue x; x.kind = Kind::Int; x.i = v; return x; }
  static TValue real(double v) { TValue x; x.kind = Kind::Float; x.f = v; return x; }
  static TValue boolean(bool v) { TValue x; x.kind = Kind::Bool; x.b = v; return x; }
  static TValue none() { return TValue{}; }
  static TValue str(std::string v) { TValue x; x.kind = Kind::Str; x.s = std::move(v); return x; }
  static TValue dtype_of(DT d) { TValue x; x.kind = Kind::Dtype; x.dtype = d; return x; }
  static TValue tuple(std::vector<TValue> e) { TValue x; x.kind = Kind::Tuple; x.elems = std::move(e); return x; }
  static TValue module(std::string path) { TValue x; x.kind = Kind::Module; x.s = std::move(path); return x; }
  static TValue builtin(std::string name) { TValue x; x.kind = Kind::Builtin; x.s = std::move(name); return x; }
  static TValue jit(const Stmt* def) { TValue x; x.kind = Kind::JitFn; x.fn = def; return x; }
  static TValue method(TValue self, std::string name) { TValue x; x.kind = Kind::Method; x.s = std::move(name); x.elems.push_back(std::move(self)); return x; }

  bool is_tensor() const { return kind == Kind::Tensor; }
  bool is_number() const { return kind == Kind::Int || kind == Kind::Float || kind == Kind::Bool; }
  bool is_constexpr() const { return kind != Kind::Tensor; }
  std::string describe() const;  // for messages: "int32 tensor of shape [16]", "constexpr 4", ...
};

}  // namespace tmetal::frontend
