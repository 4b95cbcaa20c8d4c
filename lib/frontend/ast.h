// Syntax tree of the Python subset: expressions and statements with source positions. Constructs the
// front end does not support (lambdas, comprehensions, classes, try/with ...) are kept as `Unsupported`
// nodes so that host code around the kernels still parses; using one inside a @jit function is an error.
#pragma once

#include "frontend/diagnostic.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tmetal::frontend {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using StmtList = std::vector<StmtPtr>;

struct Expr {
  enum class Kind {
    Name, Int, Float, Str, Bool, None, Ellipsis, Tuple, List, Attribute, Subscript, Slice, Call,
    BinOp, UnaryOp, Compare, BoolOp, IfExp, Unsupported
  };
  Kind kind;
  Pos pos;
  std::string name;  // Name id, Attribute field, operator, string value, or the Unsupported reason
  int64_t int_value = 0;
  bool int_too_big = false;
  double float_value = 0;
  bool bool_value = false;
  bool fstring = false;
  std::vector<ExprPtr> args;                               // operands, elements, call args, indices
  std::vector<std::pair<std::string, ExprPtr>> keywords;  // call keyword arguments
  std::vector<std::string> ops;                            // Compare operators
  Expr(Kind k, Pos p) : kind(k), pos(p) {}
};

struct Param {
  std::string name;
  Pos pos;
  ExprPtr annotation;  // may be null
  ExprPtr default_value;  // may be null
};

struct ImportName {
  std::string name;   // dotted module (import) or imported name (from-import)
  std::string alias;  // empty: none
};

struct Stmt {
  enum class Kind {
    Expr, Assign, AugAssign, AnnAssign, If, For, While, Return, Pass, Break, Continue, FunctionDef,
    Import, ImportFrom, Assert, Unsupported
  };
  Kind kind;
  Pos pos;
  std::vector<ExprPtr> targets;  // Assign (chained a = b = v), AugAssign, AnnAssign, For target
  ExprPtr value;                 // Expr, Assign, AugAssign, AnnAssign, Return (may be null), Assert msg
  ExprPtr test;                  // If/While condition, For iterable, Assert condition, AnnAssign annotation
  std::string op;                // AugAssign operator ("+", ...), Unsupported reason
  StmtList body, orelse;
  // FunctionDef
  std::string name;
  std::vector<Param> params;
  std::vector<ExprPtr> decorators;
  // Import / ImportFrom
  std::string module;
  std::vector<ImportName> imports;
  Stmt(Kind k, Pos p) : kind(k), pos(p) {}
};

struct Module {
  StmtList body;
};

}  // namespace tmetal::frontend
