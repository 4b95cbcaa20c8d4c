// Refuses C++ that Metal Shading Language does not have (see restrictions.h). The recursion check builds a
// call graph from the tokens: function definitions (name and parameter count) and the unqualified calls
// in their bodies; a cycle among functions that one definition each identifies is
// refused at the call that closes it. (Overloads sharing a name and a parameter count are not told apart,
// so a cycle through them is not found here; the emulator's stack guard still stops runaway recursion.)
#include "runtime/msl/restrictions.h"

#include <fmt/core.h>

#include <functional>
#include <map>
#include <set>

namespace tmetal::msl {

namespace {

struct Forbidden {
  const char* word;
  const char* what;
};
constexpr Forbidden kForbidden[] = {
    {"double", "'double': Metal has no double-precision type (use float)"},
    {"new", "'new': dynamic allocation is not supported in Metal"},
    {"delete", "'delete': dynamic allocation is not supported in Metal"},
    {"throw", "'throw': exceptions are not supported in Metal"},
    {"try", "'try': exceptions are not supported in Metal"},
    {"catch", "'catch': exceptions are not supported in Metal"},
    {"goto", "'goto' is not supported in Metal"},
    {"virtual", "'virtual': virtual functions are not supported in Metal"},
    {"dynamic_cast", "'dynamic_cast': run-time type information is not supported in Metal"},
    {"typeid", "'typeid': run-time type information is not supported in Metal"},
    {"thread_local", "'thread_local' is not supported in Metal (use the thread address space)"},
    {"asm", "'asm': inline assembly is not supported in Metal"},
    {"__asm", "'__asm': inline assembly is not supported in Metal"},
    {"__asm__", "'__asm__': inline assembly is not supported in Metal"},
    {"extern", "'extern': declarations of external functions or objects are not supported by the emulator (it runs only the "
               "kernel's own source and Metal's standard library)"},
    {"_Pragma", nullptr},  // allowed (loop pragmas)
};

// GCC attributes with no effect on what code runs.
const std::set<std::string> kHarmlessAttributes = {"always_inline", "noinline", "packed",  "aligned", "__aligned__",
                                                   "unused",        "const",    "pure",    "flatten", "__always_inline__",
                                                   "overloadable",  "__packed__", "__unused__"};

const std::set<std::string> kNotFunctions = {
    "if", "for", "while", "switch", "return", "sizeof", "alignof", "alignas", "decltype", "static_cast", "reinterpret_cast",
    "const_cast", "static_assert", "catch", "operator", "defined", "__attribute__", "noexcept", "typeid", "requires"};

struct FunctionDef {
  std::string name;
  size_t params = 0;       // parameters without a default
  size_t max_params = 0;   // all parameters
  size_t body_open = 0, body_close = 0;
};

class Checker {
 public:
  explicit Checker(const Module& m) : m_(m), t_(m.tokens) {}

  void run() {
    for (size_t i = 0; i + 1 < t_.size(); ++i) {
      const Token& t = t_[i];
      if (t.directive || !t.ident()) {
        if (!t.directive && t.is("(") && t_[i + 1].is("*")) function_pointer(i);
        continue;
      }
      for (const auto& f : kForbidden)
        if (t.text == f.word && f.what) fail(t, f.what);
      if (t.text == "std" && t_[i + 1].is("::"))
        fail(t, "'std::': the C++ standard library is not available in Metal (use metal:: functions)");
      if (t.text.rfind("__builtin", 0) == 0)
        fail(t, fmt::format("'{}': compiler builtins are not part of Metal's standard library", t.text));
      if (t.text == "__attribute__") attribute(i);
    }
    recursion();
  }

 private:
  [[noreturn]] void fail(const Token& t, const std::string& what) { throw SyntaxError(t.file_name(m_.file_name), t.line, t.col, what); }

  void attribute(size_t i) {
    if (!t_[i + 1].is("(")) return;
    size_t close = matching_close(t_, i + 1);
    int depth = 0;
    for (size_t k = i + 1; k < close; ++k) {
      if (t_[k].is("(")) ++depth;
      else if (t_[k].is(")")) --depth;
      else if (depth == 2 && t_[k].ident() && !kHarmlessAttributes.count(t_[k].text))
        fail(t_[k], fmt::format("'__attribute__(({}))' is not supported by the emulator (only always_inline, noinline, packed, "
                                "aligned, unused, const, pure, flatten)", t_[k].text));
    }
  }

  // `(*name)(` or `(*)(`: a pointer to a function.
  void function_pointer(size_t i) {
    size_t k = i + 2;
    if (t_[k].ident()) ++k;
    if (t_[k].is(")") && k + 1 < t_.size() && t_[k + 1].is("(") && (k == i + 2 || t_[i + 2].ident()) && !prev_is_call(i))
      fail(t_[i + 1], "function pointers are not supported in Metal");
  }
  // `f(*p)(x)` would be a call of a call's result; a declarator follows a type or another '('.
  bool prev_is_call(size_t i) const {
    if (i == 0) return false;
    const Token& p = t_[i - 1];
    return p.is(")") || p.is("]") || (p.ident() && (p.text == "return" || p.text == "sizeof"));
  }

  static size_t count_args(const std::vector<Token>& t, size_t open, size_t close, size_t* defaults = nullptr) {
    if (close == open + 1 || (close == open + 2 && t[open + 1].is("void"))) return 0;
    size_t n = 1;
    int depth = 0;
    for (size_t k = open + 1; k < close; ++k) {
      const std::string& s = t[k].text;
      if (t[k].kind == TokenKind::Punct) {
        if (s == "(" || s == "[" || s == "{" || s == "<") ++depth;
        else if (s == ")" || s == "]" || s == "}" || s == ">") --depth;
        else if (s == ">>") depth -= 2;
        else if (s == "," && depth == 0) ++n;
        else if (s == "=" && depth == 0 && defaults) ++*defaults;
      }
    }
    return n;
  }

  void recursion() {
    std::vector<FunctionDef> defs;
    for (size_t i = 1; i + 1 < t_.size(); ++i) {
      if (!t_[i].is("(") || t_[i].directive || !t_[i - 1].ident() || kNotFunctions.count(t_[i - 1].text)) continue;
      if (i >= 2 && (t_[i - 2].is(".") || t_[i - 2].is("->") || t_[i - 2].is("operator"))) continue;
      size_t close = matching_close(t_, i);
      size_t k = close + 1;
      while (k < t_.size() && (t_[k].is("const") || t_[k].is("thread") || t_[k].is("device") || t_[k].is("threadgroup") ||
                               t_[k].is("constant") || t_[k].is("noexcept") || t_[k].is("override")))
        ++k;
      if (k >= t_.size() || !t_[k].is("{")) continue;
      FunctionDef d;
      d.name = t_[i - 1].text;
      size_t defaults = 0;
      d.max_params = count_args(t_, i, close, &defaults);
      d.params = d.max_params - defaults;
      d.body_open = k;
      d.body_close = matching_close(t_, k);
      defs.push_back(d);
    }
    // Definitions by name; a call resolves to the one definition of that name whose parameter count fits.
    std::map<std::string, std::vector<size_t>> by_name;
    for (size_t d = 0; d < defs.size(); ++d) by_name[defs[d].name].push_back(d);
    struct Call {
      size_t callee;
      size_t at;  // token of the callee's name
    };
    std::vector<std::vector<Call>> calls(defs.size());
    for (size_t d = 0; d < defs.size(); ++d) {
      for (size_t k = defs[d].body_open + 1; k + 1 < defs[d].body_close; ++k) {
        if (!t_[k].ident() || !t_[k + 1].is("(")) continue;
        auto it = by_name.find(t_[k].text);
        if (it == by_name.end()) continue;
        // Member calls (x.f, p->f) and qualified calls (metal::f, numeric_limits<T>::f) name functions of
        // other scopes, which definitions found by name cannot be told apart from: not followed.
        if (t_[k - 1].is(".") || t_[k - 1].is("->") || t_[k - 1].is("::")) continue;
        size_t n = count_args(t_, k + 1, matching_close(t_, k + 1));
        std::vector<size_t> fit;
        for (size_t c : it->second)
          if (n >= defs[c].params && n <= defs[c].max_params) fit.push_back(c);
        if (fit.size() == 1) calls[d].push_back({fit[0], k});  // one definition of this name and arity: unambiguous
      }
    }
    std::vector<int> state(defs.size(), 0);  // 0 new, 1 on the stack, 2 done
    std::vector<size_t> stack;
    std::function<void(size_t)> visit = [&](size_t d) {
      state[d] = 1;
      stack.push_back(d);
      for (const Call& c : calls[d]) {
        if (state[c.callee] == 1) {
          std::string path;
          bool on = false;
          for (size_t s : stack) {
            if (s == c.callee) on = true;
            if (on) path += defs[s].name + " -> ";
          }
          fail(t_[c.at], fmt::format("recursive call to '{}' ({}{}): Metal does not allow recursion", defs[c.callee].name, path,
                                     defs[c.callee].name));
        }
        if (state[c.callee] == 0) visit(c.callee);
      }
      stack.pop_back();
      state[d] = 2;
    };
    for (size_t d = 0; d < defs.size(); ++d)
      if (state[d] == 0) visit(d);
  }

  const Module& m_;
  const std::vector<Token>& t_;
};

}  // namespace

void check_metal_restrictions(const Module& module) { Checker(module).run(); }

}  // namespace tmetal::msl
