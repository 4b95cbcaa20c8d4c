// Recursive-descent parser producing the syntax tree of ast.h from lexer tokens.
#include "frontend/parser.h"

#include <fmt/format.h>

#include <set>

namespace tmetal::frontend {
namespace {

constexpr int kMaxDepth = 200;  // nesting limit: deeper input is rejected instead of exhausting the stack
// Depth limit of one expression's tree: a 20k-term `v + v + ...` parses iteratively but would overflow
// the stack of every recursive pass after the parser (CPython rejects it too, with a RecursionError).
constexpr int kMaxTreeDepth = 1000;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Module module() {
    Module m;
    while (!at(Tok::End)) {
      if (at(Tok::Newline)) { next(); continue; }
      if (at(Tok::Indent)) fail(cur().pos, "unexpected indent");
      statement(m.body);
    }
    return m;
  }

 private:
  struct DepthGuard {
    Parser& p;
    DepthGuard(Parser& parser, Pos pos) : p(parser) {
      if (++p.depth_ > kMaxDepth) throw CompileError(pos, "expression or block nesting is too deep");
    }
    ~DepthGuard() { --p.depth_; }
  };

  const Token& cur() const { return t_[i_]; }
  const Token& peek(size_t k = 1) const { return t_[std::min(i_ + k, t_.size() - 1)]; }
  bool at(Tok k) const { return cur().kind == k; }
  bool at_op(const char* op) const { return cur().kind == Tok::Op && cur().text == op; }
  bool at_kw(const char* w) const { return cur().kind == Tok::Name && cur().text == w; }
  const Token& next() {
    const Token& t = t_[i_];
    if (i_ + 1 < t_.size()) ++i_;
    return t;
  }
  bool eat_op(const char* op) {
    if (!at_op(op)) return false;
    next();
    return true;
  }
  bool eat_kw(const char* w) {
    if (!at_kw(w)) return false;
    next();
    return true;
  }
  [[noreturn]] void fail(Pos p, const std::string& m) { throw CompileError(p, m); }
  std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::Newline: return "end of line";
      case Tok::Indent: return "indent";
      case Tok::Dedent: return "dedent";
      case Tok::End: return "end of file";
      default: return "'" + t.text + "'";
    }
  }
  void expect_op(const char* op) {
    if (!eat_op(op)) fail(cur().pos, fmt::format("expected '{}', found {}", op, describe(cur())));
  }
  std::string expect_name() {
    if (!at(Tok::Name) || keyword(cur().text)) fail(cur().pos, fmt::format("expected a name, found {}", describe(cur())));
    return next().text;
  }
  void expect_newline() {
    if (at(Tok::End)) return;
    if (!at(Tok::Newline)) fail(cur().pos, fmt::format("expected end of line, found {}", describe(cur())));
    next();
  }
  static bool keyword(const std::string& w) {
    static const std::set<std::string> kws = {"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
                                              "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
                                              "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
                                              "return", "try", "while", "with", "yield"};
    return kws.count(w) > 0;
  }

  ExprPtr make(Expr::Kind k, Pos p) { return std::make_unique<Expr>(k, p); }
  StmtPtr make_stmt(Stmt::Kind k, Pos p) { return std::make_unique<Stmt>(k, p); }

  // ---- statements ----

  StmtList suite() {
    StmtList body;
    expect_op(":");
    if (!at(Tok::Newline)) {  // one-line suite: `if x: y = 1`
      simple_statements(body);
      return body;
    }
    next();
    while (at(Tok::Newline)) next();
    if (!at(Tok::Indent)) fail(cur().pos, "expected an indented block");
    next();
    while (!at(Tok::Dedent) && !at(Tok::End)) {
      if (at(Tok::Newline)) { next(); continue; }
      statement(body);
    }
    if (at(Tok::Dedent)) next();
    return body;
  }

  void statement(StmtList& out) {
    DepthGuard guard(*this, cur().pos);
    Pos p = cur().pos;
    if (at_op("@")) return out.push_back(decorated());
    if (at_kw("def")) return out.push_back(funcdef({}));
    if (at_kw("if")) return out.push_back(if_stmt());
    if (at_kw("for")) {
      next();
      auto s = make_stmt(Stmt::Kind::For, p);
      s->targets.push_back(target_list());
      if (!eat_kw("in")) fail(cur().pos, "expected 'in'");
      s->test = testlist();
      s->body = suite();
      if (at_kw("else")) fail(cur().pos, "'for ... else' is not supported");
      return out.push_back(std::move(s));
    }
    if (at_kw("while")) {
      next();
      auto s = make_stmt(Stmt::Kind::While, p);
      s->test = test();
      s->body = suite();
      if (at_kw("else")) fail(cur().pos, "'while ... else' is not supported");
      return out.push_back(std::move(s));
    }
    for (const char* kw : {"class", "try", "with", "async"}) {
      if (at_kw(kw)) return out.push_back(unsupported_compound(kw));
    }
    simple_statements(out);
  }

  // Keeps the structure of an unsupported compound statement (so host code parses) without its meaning.
  StmtPtr unsupported_compound(const std::string& kw) {
    Pos p = cur().pos;
    auto s = make_stmt(Stmt::Kind::Unsupported, p);
    s->op = kw == "class" ? "classes are not supported in Triton kernels"
          : kw == "try" ? "'try' statements are not supported in Triton kernels"
          : kw == "with" ? "'with' statements are not supported in Triton kernels"
                         : "'async' is not supported in Triton kernels";
    auto clause = [&] {
      int depth = 0;
      while (!at(Tok::End) && !(depth == 0 && at_op(":"))) {
        if (at_op("(") || at_op("[") || at_op("{")) ++depth;
        if (at_op(")") || at_op("]") || at_op("}")) --depth;
        if (at(Tok::Newline) && depth == 0) fail(cur().pos, "expected ':'");
        next();
      }
      StmtList body = suite();
      for (auto& b : body) s->body.push_back(std::move(b));
    };
    clause();
    if (kw == "try")
      while (at_kw("except") || at_kw("finally") || at_kw("else")) clause();
    return s;
  }

  StmtPtr decorated() {
    std::vector<ExprPtr> decorators;
    while (eat_op("@")) {
      decorators.push_back(test());
      expect_newline();
      while (at(Tok::Newline)) next();
    }
    if (at_kw("class")) return unsupported_compound("class");
    if (!at_kw("def")) fail(cur().pos, "expected 'def' after decorators");
    return funcdef(std::move(decorators));
  }

  StmtPtr funcdef(std::vector<ExprPtr> decorators) {
    Pos p = cur().pos;
    next();  // def
    auto s = make_stmt(Stmt::Kind::FunctionDef, p);
    s->decorators = std::move(decorators);
    s->name = expect_name();
    expect_op("(");
    while (!at_op(")")) {
      if (at_op("*") || at_op("**") || at_op("/")) fail(cur().pos, "variadic and positional-only parameters are not supported in Triton kernels");
      Param prm;
      prm.pos = cur().pos;
      prm.name = expect_name();
      for (auto& other : s->params)
        if (other.name == prm.name) fail(prm.pos, "duplicate argument '" + prm.name + "' in function definition");
      if (eat_op(":")) prm.annotation = test();
      if (eat_op("=")) prm.default_value = test();
      s->params.push_back(std::move(prm));
      if (!eat_op(",")) break;
    }
    expect_op(")");
    if (eat_op("->")) test();
    s->body = suite();
    return s;
  }

  StmtPtr if_stmt() {
    Pos p = cur().pos;
    next();  // if / elif
    auto s = make_stmt(Stmt::Kind::If, p);
    s->test = test();
    s->body = suite();
    if (at_kw("elif")) {
      s->orelse.push_back(if_stmt());
    } else if (eat_kw("else")) {
      s->orelse = suite();
    }
    return s;
  }

  void simple_statements(StmtList& out) {
    while (true) {
      out.push_back(simple());
      if (!eat_op(";")) break;
      if (at(Tok::Newline) || at(Tok::End)) break;
    }
    expect_newline();
  }

  StmtPtr simple() {
    Pos p = cur().pos;
    if (eat_kw("pass")) return make_stmt(Stmt::Kind::Pass, p);
    if (eat_kw("break")) return make_stmt(Stmt::Kind::Break, p);
    if (eat_kw("continue")) return make_stmt(Stmt::Kind::Continue, p);
    if (eat_kw("return")) {
      auto s = make_stmt(Stmt::Kind::Return, p);
      if (!at(Tok::Newline) && !at_op(";") && !at(Tok::End)) s->value = testlist();
      return s;
    }
    if (eat_kw("assert")) {
      auto s = make_stmt(Stmt::Kind::Assert, p);
      s->test = test();
      if (eat_op(",")) s->value = test();
      return s;
    }
    if (eat_kw("import")) {
      auto s = make_stmt(Stmt::Kind::Import, p);
      do {
        ImportName n{dotted_name(), ""};
        if (eat_kw("as")) n.alias = expect_name();
        s->imports.push_back(n);
      } while (eat_op(","));
      return s;
    }
    if (eat_kw("from")) {
      auto s = make_stmt(Stmt::Kind::ImportFrom, p);
      std::string dots;
      while (at_op(".") || at_op("...")) dots += next().text;
      s->module = dots + (at_kw("import") ? "" : dotted_name());
      if (!eat_kw("import")) fail(cur().pos, "expected 'import'");
      bool paren = eat_op("(");
      if (eat_op("*")) {
        s->imports.push_back({"*", ""});
      } else {
        do {
          if (paren && at_op(")")) break;
          ImportName n{expect_name(), ""};
          if (eat_kw("as")) n.alias = expect_name();
          s->imports.push_back(n);
        } while (eat_op(","));
      }
      if (paren) expect_op(")");
      return s;
    }
    for (const char* kw : {"global", "nonlocal", "del", "raise", "yield"}) {
      if (at_kw(kw)) {
        auto s = make_stmt(Stmt::Kind::Unsupported, p);
        s->op = fmt::format("'{}' is not supported in Triton kernels", kw);
        while (!at(Tok::Newline) && !at(Tok::End) && !at_op(";")) next();
        return s;
      }
    }
    ExprPtr first = testlist_star();
    if (at_op(":")) {  // annotated assignment
      next();
      auto s = make_stmt(Stmt::Kind::AnnAssign, p);
      s->test = test();
      s->targets.push_back(std::move(first));
      if (eat_op("=")) s->value = testlist();
      return s;
    }
    static const char* aug[] = {"+=", "-=", "*=", "/=", "//=", "%=", "**=", "<<=", ">>=", "&=", "|=", "^=", "@="};
    for (const char* a : aug) {
      if (at_op(a)) {
        next();
        auto s = make_stmt(Stmt::Kind::AugAssign, p);
        s->op = std::string(a, std::string(a).size() - 1);
        s->targets.push_back(std::move(first));
        s->value = testlist();
        return s;
      }
    }
    if (at_op("=")) {
      auto s = make_stmt(Stmt::Kind::Assign, p);
      s->targets.push_back(std::move(first));
      while (eat_op("=")) s->targets.push_back(testlist_star());
      s->value = std::move(s->targets.back());
      s->targets.pop_back();
      return s;
    }
    auto s = make_stmt(Stmt::Kind::Expr, p);
    s->value = std::move(first);
    return s;
  }

  std::string dotted_name() {
    std::string n = expect_name();
    while (eat_op(".")) n += "." + expect_name();
    return n;
  }

  // ---- expressions ----

  ExprPtr target_list() {
    Pos p = cur().pos;
    ExprPtr first = bounded(or_expr());
    if (!at_op(",")) return first;
    auto t = make(Expr::Kind::Tuple, p);
    t->args.push_back(std::move(first));
    while (eat_op(",")) {
      if (at_kw("in")) break;
      t->args.push_back(bounded(or_expr()));
    }
    return t;
  }

  ExprPtr testlist_star() { return testlist(); }

  ExprPtr testlist() {
    Pos p = cur().pos;
    ExprPtr first = test();
    if (!at_op(",")) return first;
    auto t = make(Expr::Kind::Tuple, p);
    t->args.push_back(std::move(first));
    while (eat_op(",")) {
      if (at(Tok::Newline) || at_op("=") || at_op(")") || at(Tok::End) || at_op(";")) break;
      t->args.push_back(test());
    }
    return t;
  }

  // Throws at the position of the deepest operation when `e`'s tree is deeper than kMaxTreeDepth
  // (iterative, so the check itself cannot overflow).
  ExprPtr bounded(ExprPtr e) {
    std::vector<std::pair<const Expr*, int>> stack{{e.get(), 1}};
    while (!stack.empty()) {
      auto [x, d] = stack.back();
      stack.pop_back();
      if (d > kMaxTreeDepth)
        fail(x->pos, fmt::format("expression is nested too deeply (more than {} operations deep): split it into several statements", kMaxTreeDepth));
      for (const auto& a : x->args)
        if (a) stack.push_back({a.get(), d + 1});
      for (const auto& [k, a] : x->keywords)
        if (a) stack.push_back({a.get(), d + 1});
    }
    return e;
  }

  ExprPtr test() {
    ++test_nesting_;
    ExprPtr e = test_inner();
    --test_nesting_;
    return test_nesting_ == 0 ? bounded(std::move(e)) : std::move(e);
  }

  ExprPtr test_inner() {
    DepthGuard guard(*this, cur().pos);
    Pos p = cur().pos;
    if (at_kw("lambda")) {
      next();
      while (!at_op(":") && !at(Tok::Newline) && !at(Tok::End)) next();
      expect_op(":");
      test();
      auto u = make(Expr::Kind::Unsupported, p);
      u->name = "lambdas are not supported in Triton kernels";
      return u;
    }
    if (at_kw("yield") || at_kw("await")) fail(p, fmt::format("'{}' is not supported in Triton kernels", cur().text));
    ExprPtr e = or_test();
    if (at_kw("if")) {
      next();
      auto x = make(Expr::Kind::IfExp, p);
      ExprPtr cond = or_test();
      if (!eat_kw("else")) fail(cur().pos, "expected 'else' in conditional expression");
      x->args.push_back(std::move(cond));
      x->args.push_back(std::move(e));
      x->args.push_back(test());
      return x;
    }
    if (at_op(":=")) fail(cur().pos, "assignment expressions (':=') are not supported in Triton kernels");
    return e;
  }

  ExprPtr bool_chain(const char* kw, ExprPtr (Parser::*sub)()) {
    Pos p = cur().pos;
    ExprPtr e = (this->*sub)();
    if (!at_kw(kw)) return e;
    auto b = make(Expr::Kind::BoolOp, p);
    b->name = kw;
    b->args.push_back(std::move(e));
    while (eat_kw(kw)) b->args.push_back((this->*sub)());
    return b;
  }
  ExprPtr or_test() { return bool_chain("or", &Parser::and_test); }
  ExprPtr and_test() { return bool_chain("and", &Parser::not_test); }
  ExprPtr not_test() {
    Pos p = cur().pos;
    if (eat_kw("not")) {
      DepthGuard guard(*this, p);
      auto u = make(Expr::Kind::UnaryOp, p);
      u->name = "not";
      u->args.push_back(not_test());
      return u;
    }
    return comparison();
  }
  ExprPtr comparison() {
    Pos p = cur().pos;
    ExprPtr e = or_expr();
    std::vector<std::string> ops;
    std::vector<ExprPtr> rest;
    while (true) {
      std::string op;
      if (at(Tok::Op) && (cur().text == "<" || cur().text == ">" || cur().text == "==" || cur().text == ">=" || cur().text == "<=" || cur().text == "!=")) op = next().text;
      else if (at_kw("in")) { next(); op = "in"; }
      else if (at_kw("not") && peek().kind == Tok::Name && peek().text == "in") { next(); next(); op = "not in"; }
      else if (at_kw("is")) { next(); op = eat_kw("not") ? "is not" : "is"; }
      else break;
      ops.push_back(op);
      rest.push_back(or_expr());
    }
    if (ops.empty()) return e;
    auto c = make(Expr::Kind::Compare, p);
    c->args.push_back(std::move(e));
    for (auto& r : rest) c->args.push_back(std::move(r));
    c->ops = std::move(ops);
    return c;
  }

  ExprPtr binary(ExprPtr (Parser::*sub)(), std::initializer_list<const char*> ops) {
    Pos p = cur().pos;
    ExprPtr e = (this->*sub)();
    while (true) {
      const char* found = nullptr;
      for (const char* o : ops)
        if (at_op(o)) found = o;
      if (!found) return e;
      Pos op_pos = cur().pos;
      next();
      auto b = make(Expr::Kind::BinOp, op_pos);
      b->name = found;
      b->args.push_back(std::move(e));
      b->args.push_back((this->*sub)());
      e = std::move(b);
      (void)p;
    }
  }
  ExprPtr or_expr() { return binary(&Parser::xor_expr, {"|"}); }
  ExprPtr xor_expr() { return binary(&Parser::and_expr, {"^"}); }
  ExprPtr and_expr() { return binary(&Parser::shift_expr, {"&"}); }
  ExprPtr shift_expr() { return binary(&Parser::arith_expr, {"<<", ">>"}); }
  ExprPtr arith_expr() { return binary(&Parser::term, {"+", "-"}); }
  ExprPtr term() { return binary(&Parser::factor, {"*", "/", "//", "%", "@"}); }
  ExprPtr factor() {
    Pos p = cur().pos;
    if (at_op("-") || at_op("+") || at_op("~")) {
      DepthGuard guard(*this, p);
      auto u = make(Expr::Kind::UnaryOp, p);
      u->name = next().text;
      u->args.push_back(factor());
      return u;
    }
    return power();
  }
  ExprPtr power() {
    ExprPtr e = atom_expr();
    if (at_op("**")) {
      Pos p = cur().pos;
      DepthGuard guard(*this, p);  // right-associative: `v ** v ** ...` recurses once per operator
      next();
      auto b = make(Expr::Kind::BinOp, p);
      b->name = "**";
      b->args.push_back(std::move(e));
      b->args.push_back(factor());
      return b;
    }
    return e;
  }

  ExprPtr atom_expr() {
    ExprPtr e = atom();
    while (true) {
      Pos p = cur().pos;
      if (eat_op(".")) {
        auto a = make(Expr::Kind::Attribute, e->pos);
        a->name = expect_name();
        a->args.push_back(std::move(e));
        e = std::move(a);
      } else if (at_op("(")) {
        next();
        auto c = make(Expr::Kind::Call, e->pos);
        c->args.push_back(std::move(e));
        arguments(*c);
        e = std::move(c);
      } else if (at_op("[")) {
        next();
        auto s = make(Expr::Kind::Subscript, e->pos);
        (void)p;
        s->args.push_back(std::move(e));
        do {
          if (at_op("]")) break;
          s->args.push_back(subscript());
        } while (eat_op(","));
        expect_op("]");
        e = std::move(s);
      } else {
        return e;
      }
    }
  }

  void arguments(Expr& call) {
    while (!at_op(")")) {
      if (at_op("*") || at_op("**")) {
        auto u = make(Expr::Kind::Unsupported, cur().pos);
        u->name = "argument unpacking ('*args', '**kwargs') is not supported in Triton kernels";
        next();
        test();
        call.args.push_back(std::move(u));
      } else if (at(Tok::Name) && peek().kind == Tok::Op && peek().text == "=") {
        std::string key = next().text;
        next();
        call.keywords.emplace_back(key, test());
      } else {
        if (!call.keywords.empty()) fail(cur().pos, "positional argument follows keyword argument");
        ExprPtr a = test();
        if (at_kw("for")) a = comprehension(std::move(a), ")");
        call.args.push_back(std::move(a));
      }
      if (!eat_op(",")) break;
    }
    expect_op(")");
  }

  ExprPtr subscript() {
    Pos p = cur().pos;
    ExprPtr lower, upper, step;
    if (!at_op(":")) {
      lower = test();
      if (!at_op(":")) return lower;
    }
    next();  // ':'
    auto s = make(Expr::Kind::Slice, p);
    if (!at_op("]") && !at_op(",") && !at_op(":")) upper = test();
    if (eat_op(":") && !at_op("]") && !at_op(",")) step = test();
    s->args.push_back(std::move(lower));
    s->args.push_back(std::move(upper));
    s->args.push_back(std::move(step));
    return s;
  }

  // Parses the `for ... in ... if ...` tail of a comprehension or generator and returns Unsupported.
  ExprPtr comprehension(ExprPtr, const char* closer) {
    Pos p = cur().pos;
    int depth = 0;
    while (!at(Tok::End) && !(depth == 0 && (at_op(closer) || at_op(",")))) {
      if (at_op("(") || at_op("[") || at_op("{")) ++depth;
      if (at_op(")") || at_op("]") || at_op("}")) --depth;
      next();
    }
    auto u = make(Expr::Kind::Unsupported, p);
    u->name = "comprehensions and generator expressions are not supported in Triton kernels";
    return u;
  }

  ExprPtr atom() {
    DepthGuard guard(*this, cur().pos);
    const Token& t = cur();
    Pos p = t.pos;
    switch (t.kind) {
      case Tok::Int: {
        auto e = make(Expr::Kind::Int, p);
        e->int_value = t.int_value;
        e->int_too_big = t.int_too_big;
        next();
        return e;
      }
      case Tok::Float: {
        auto e = make(Expr::Kind::Float, p);
        e->float_value = t.float_value;
        next();
        return e;
      }
      case Tok::String: {
        auto e = make(Expr::Kind::Str, p);
        e->fstring = t.fstring;
        while (at(Tok::String)) {
          e->fstring = e->fstring || cur().fstring;
          e->name += next().text;
        }
        return e;
      }
      case Tok::Name: {
        if (t.text == "True" || t.text == "False") {
          auto e = make(Expr::Kind::Bool, p);
          e->bool_value = t.text == "True";
          next();
          return e;
        }
        if (t.text == "None") { next(); return make(Expr::Kind::None, p); }
        if (keyword(t.text)) fail(p, fmt::format("unexpected keyword '{}'", t.text));
        auto e = make(Expr::Kind::Name, p);
        e->name = next().text;
        return e;
      }
      case Tok::Op: {
        if (eat_op("...")) return make(Expr::Kind::Ellipsis, p);
        if (eat_op("(")) {
          if (eat_op(")")) return make(Expr::Kind::Tuple, p);
          ExprPtr first = test();
          if (at_kw("for")) {
            auto u = comprehension(std::move(first), ")");
            expect_op(")");
            return u;
          }
          if (eat_op(")")) return first;
          auto tup = make(Expr::Kind::Tuple, p);
          tup->args.push_back(std::move(first));
          while (eat_op(",")) {
            if (at_op(")")) break;
            tup->args.push_back(test());
          }
          expect_op(")");
          return tup;
        }
        if (eat_op("[")) {
          auto list = make(Expr::Kind::List, p);
          while (!at_op("]")) {
            ExprPtr e = test();
            if (at_kw("for")) {
              auto u = comprehension(std::move(e), "]");
              expect_op("]");
              return u;
            }
            list->args.push_back(std::move(e));
            if (!eat_op(",")) break;
          }
          expect_op("]");
          return list;
        }
        if (eat_op("{")) {
          int depth = 1;
          while (!at(Tok::End) && depth > 0) {
            if (at_op("{") || at_op("(") || at_op("[")) ++depth;
            if (at_op("}") || at_op(")") || at_op("]")) --depth;
            next();
          }
          auto u = make(Expr::Kind::Unsupported, p);
          u->name = "dict and set literals are not supported in Triton kernels";
          return u;
        }
        break;
      }
      default: break;
    }
    fail(p, fmt::format("invalid syntax: unexpected {}", describe(t)));
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  int depth_ = 0;
  int test_nesting_ = 0;  // test() calls in progress: the outermost one bounds the tree depth
};

}  // namespace

Module parse_module(const SourceFile& file) { return Parser(tokenize(file)).module(); }

}  // namespace tmetal::frontend
