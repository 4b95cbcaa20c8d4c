// Rewrites MSL tokens into C++ for the emulator:
//   device T* / constant T* / threadgroup T*  ->  ::metal_rt::ptr<T> (const T for constant): checked pointers
//   device T& / threadgroup T& / thread T& / thread T*  ->  plain references and pointers (constant T& -> const T&)
//   threadgroup T a[N][M]; (a declaration)  ->  a static thread_local ::metal_rt::tg_array<T, N, M>, registered
//   constant T x = ...;  ->  static const T x = ...;
//   constant T x [[function_constant(i)]];  ->  static constexpr T x = value; plus x__tm_defined
//   is_function_constant_defined(x)  ->  (x__tm_defined)
//   kernel, [[attributes]], template [[host_name("n")]] kernel ...; instantiations  ->  removed
//   v.xyz (multi-component swizzles)  ->  v.template sw<0, 1, 2>()
//   1.5h (half literals)  ->  half(1.5)
//   reinterpret_cast<device T*>  ->  ::metal_rt::reinterpret_ptr_cast<...>
// and appends one extern "C" entry function per kernel entry point.
#include "runtime/emulator/translate.h"

#include "runtime/msl/token_writer.h"

#include <fmt/core.h>

#include <set>

namespace tmetal::runtime::emulator {

namespace {

using msl::Token;
using msl::TokenKind;

bool is_space_kw(const Token& t) {
  return t.ident() && (t.text == "device" || t.text == "constant" || t.text == "threadgroup" || t.text == "thread");
}

class Emitter {
 public:
  Emitter(const msl::Module& m, const std::map<std::string, std::string>& fcs) : m_(m), t_(m.tokens), fcs_(fcs), w_(m.file_name) {}

  Translation run() {
    fields_ = msl::struct_field_names(t_);
    raw("#include <metal_rt/all.h>\n");
    raw(fmt::format("#line 1 \"{}\"\n", m_.file_name));
    w_.reset_line();
    for (size_t i = 0; i + 1 < t_.size();) i = step(i);
    Translation tr;
    raw("\n#line 1 \"<emulator entry glue>\"\n");
    raw("extern \"C\" __attribute__((visibility(\"default\"))) void tm_emulator_init(const ::metal_rt::Hooks* h) { ::metal_rt::g_hooks = h; }\n");
    raw("extern \"C\" __attribute__((visibility(\"default\"))) int tm_emulator_abi() { return ::metal_rt::kAbiVersion; }\n");
    int n = 0;
    for (const auto& e : m_.entries) {
      std::string sym = fmt::format("tm_entry_{}", n++);
      std::string args;
      for (const auto& p : e.kernel->params) {
        int role = p.role == msl::ParamRole::Buffer ? 0 : p.role == msl::ParamRole::Threadgroup ? 1 : 2;
        args += fmt::format(", ::metal_rt::Arg{{{}, {}, \"{}\"}}", role, p.index, p.name);
      }
      raw(fmt::format("extern \"C\" __attribute__((visibility(\"default\"))) void {}(::metal_rt::ThreadCtx* c) {{ "
                      "::metal_rt::invoke(&{}, c{}); }}\n", sym, e.function, args));
      tr.symbols[e.name] = sym;
    }
    tr.cpp = w_.take();
    return tr;
  }

 private:
  void raw(const std::string& s) { w_.raw(s); }
  void tok(const Token& t, const std::string& text) { w_.tok(t, text); }
  void tok(const Token& t) { w_.tok(t); }
  void drop(const Token& t) { w_.drop(t); }

  std::string text_of(size_t b, size_t e) {
    std::string s;
    for (size_t i = b; i < e; ++i) {
      if (i > b) s += ' ';
      s += t_[i].text;
    }
    return s;
  }

  size_t step(size_t i) {
    const Token& t = t_[i];
    if (t.linemarker) {  // already applied to the tokens' lines; the emitter writes its own #line
      return i + 1;
    }
    if (t.directive) {
      tok(t);
      return i + 1;
    }
    // [[attribute]] -> dropped
    if (t.is("[") && t_[i + 1].is("[")) {
      size_t close = msl::matching_close(t_, i);
      drop(t);
      return close + 1;
    }
    if (t.is("kernel") && t_[i + 1].is("void")) {
      drop(t);
      return i + 1;
    }
    // template [[host_name("x")]] kernel void f<T>(...);  -> removed (the entry glue instantiates it)
    if (t.is("template") && t_[i + 1].is("[")) {
      size_t j = i;
      while (j + 1 < t_.size() && !t_[j].is(";")) ++j;
      drop(t);
      return j + 1;
    }
    if (t.is("const") && is_space_kw(t_[i + 1])) {
      drop(t);
      pending_const_ = true;
      return i + 1;
    }
    if (is_space_kw(t)) return address_space(i);
    if (t.is("is_function_constant_defined") && t_[i + 1].is("(") && t_[i + 2].ident() && t_[i + 3].is(")")) {
      tok(t, "(" + t_[i + 2].text + "__tm_defined)");
      return i + 4;
    }
    if (t.is("reinterpret_cast") && t_[i + 1].is("<") &&
        (is_space_kw(t_[i + 2]) || (t_[i + 2].is("const") && is_space_kw(t_[i + 3])))) {
      tok(t, "::metal_rt::reinterpret_ptr_cast");
      return i + 1;
    }
    if (t.is(".") && t_[i + 1].ident() && !t_[i + 1].directive) {
      auto idx = msl::swizzle_components(t_[i + 1].text);
      if (!idx.empty() && !fields_.count(t_[i + 1].text)) {
        std::string s = ".template sw<";
        for (size_t k = 0; k < idx.size(); ++k) s += (k ? ", " : "") + std::to_string(idx[k]);
        tok(t, s + ">()");
        return i + 2;
      }
    }
    if (t.kind == TokenKind::Number && (t.text.back() == 'h' || t.text.back() == 'H') &&
        !(t.text.size() > 1 && (t.text[1] == 'x' || t.text[1] == 'X'))) {
      tok(t, "half(" + t.text.substr(0, t.text.size() - 1) + ")");
      return i + 1;
    }
    tok(t);
    return i + 1;
  }

  // tokens[i] is device/constant/threadgroup/thread.
  size_t address_space(size_t i) {
    const std::string space = t_[i].text;
    bool is_const = pending_const_;
    pending_const_ = false;
    size_t j = i + 1;
    int angle = 0;
    for (; j + 1 < t_.size(); ++j) {
      const Token& u = t_[j];
      if (u.is("<")) ++angle;
      else if (u.is(">")) --angle;
      else if (u.is(">>")) angle -= 2;
      else if (angle <= 0 && (u.is("*") || u.is("&") || u.is("&&") || u.is(";") || u.is("[") || u.is("=") ||
                              u.is(",") || u.is(")") || u.is("(") || u.is("{")))
        break;
      if (angle < 0) break;
    }
    const Token& stop = t_[j];
    if (stop.is("*") || stop.is("&")) {
      bool ref = stop.is("&");
      std::string type = text_of(i + 1, j);
      if (space == "thread") {
        tok(t_[i], (is_const ? "const " : "") + type + " " + stop.text);
      } else if (ref) {
        tok(t_[i], (is_const || space == "constant" ? "const " : "") + type + " &");
      } else {
        tok(t_[i], "::metal_rt::ptr<" + std::string(is_const || space == "constant" ? "const " : "") + type + ">");
      }
      return j + 1;
    }
    // A declaration.
    if (space == "constant") {
      if (stop.is("[") && t_[j + 1].is("[") && t_[j + 2].is("function_constant")) return function_constant(i, j);
      tok(t_[i], t_[i + 1].is("constexpr") ? "static" : "static const");
      return i + 1;
    }
    if (space == "threadgroup") return threadgroup_decl(i);
    drop(t_[i]);  // device/thread on a declaration: plain C++
    return i + 1;
  }

  // constant T name [[function_constant(k)]];  tokens[j] is the first '[' of the attribute.
  size_t function_constant(size_t i, size_t j) {
    std::string name = t_[j - 1].text;
    std::string type = text_of(i + 1, j - 1);
    std::optional<std::string> given = msl::function_constant_value(m_, fcs_, name);
    const bool defined = given.has_value();
    const std::string value = given.value_or("");
    size_t end = j;
    while (end + 1 < t_.size() && !t_[end].is(";")) ++end;
    tok(t_[i], fmt::format("static constexpr {0} {1} = {0}({2}); static constexpr bool {1}__tm_defined = {3};", type, name,
                           defined ? value : "", defined ? "true" : "false"));
    return end + 1;
  }

  // threadgroup T a[N], b;  ->  static thread_local storage plus registered references.
  size_t threadgroup_decl(size_t i) {
    size_t end = i + 1;
    while (end + 1 < t_.size() && !t_[end].is(";")) ++end;
    // Type: tokens up to the first declarator name (an identifier followed by '[', ',', ';' or '=').
    size_t name_at = i + 1;
    for (size_t k = i + 1; k < end; ++k) {
      if (t_[k].ident() && (t_[k + 1].is("[") || t_[k + 1].is(",") || t_[k + 1].is(";") || t_[k + 1].is("="))) {
        name_at = k;
        break;
      }
    }
    std::string type = text_of(i + 1, name_at);
    std::string s;
    size_t k = name_at;
    while (k < end) {
      std::string name = t_[k].text;
      ++k;
      std::vector<std::string> dims;
      while (k < end && t_[k].is("[")) {
        size_t close = msl::matching_close(t_, k);
        dims.push_back("(" + text_of(k + 1, close) + ")");
        k = close + 1;
      }
      std::string storage = type;
      if (!dims.empty()) {
        storage = "::metal_rt::tg_array<" + type;
        for (auto& d : dims) storage += ", " + d;
        storage += ">";
      }
      s += fmt::format("static thread_local {0} {1}__tm_storage; auto& {1} = ::metal_rt::tg_register({1}__tm_storage, \"{1}\"); ",
                       storage, name);
      while (k < end && !t_[k].is(",")) ++k;  // initializers are not allowed on threadgroup variables
      if (k < end) ++k;
    }
    tok(t_[i], s);
    return end + 1;
  }

  const msl::Module& m_;
  const std::vector<Token>& t_;
  const std::map<std::string, std::string>& fcs_;
  msl::TokenWriter w_;
  std::set<std::string> fields_;
  bool pending_const_ = false;
};

}  // namespace

Translation translate(const msl::Module& module, const std::map<std::string, std::string>& function_constants) {
  return Emitter(module, function_constants).run();
}

}  // namespace tmetal::runtime::emulator
