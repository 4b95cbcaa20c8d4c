// Rewrites MSL tokens into C++ for the emulator:
//   device T* / constant T* / threadgroup T*  ->  ::metal_rt::ptr<T> (const T for constant): checked pointers
//   thread T*  ->  ::metal_rt::tptr<T>: checked when it points into a thread array (thread_pointer.h)
//   device T& / threadgroup T& / thread T&  ->  plain references (constant T& -> const T&)
//   threadgroup T a[N][M]; (a declaration)  ->  a static thread_local ::metal_rt::tg_array<T, N, M>, registered
//   constant T x = ...;  ->  static const T x = ...;
//   constant T x [[function_constant(i)]];  ->  static constexpr T x = value; plus x__tm_defined
//   is_function_constant_defined(x)  ->  (x__tm_defined)
//   kernel, [[attributes]], template [[host_name("n")]] kernel ...; instantiations  ->  removed
//   v.xyz (multi-component swizzles)  ->  v.template sw<0, 1, 2>()
//   1.5h (half literals)  ->  ::metal_rt::half_lit(1.5); 1.5, 1e-3 (unsuffixed floating literals)  ->  1.5f, 1e-3f
//   reinterpret_cast<device T*>  ->  ::metal_rt::reinterpret_ptr_cast<...>
//   (device T*)(x), (threadgroup T*)&a[i] (C-style pointer casts)  ->  ::metal_rt::reinterpret_ptr_cast<ptr<T>>(x)
//   (thread T*)acc  ->  ::metal_rt::reinterpret_ptr_cast<tptr<T>>(acc)
//   static constexpr constant T x = ...;  ->  static constexpr T x = ...;   constant const T* -> ptr<const T>
//   const constant auto* p = ...;  ->  auto p = ...;
//   T f() const thread { ... } / ... const device { ... }  ->  T f() const { ... } (address-space overloads of a
//     member function: the first is kept, the others, which C++ cannot tell apart, dropped)
//   kernel parameter `constant int shape[2] [[buffer(3)]]`  ->  ::metal_rt::ptr<const int> shape
//   [[kernel]] decltype(f<T>) f<T>; (with or without template [[host_name]])  ->  removed
//   struct O { template <> float f<int>(int); };  ->  struct O { }; template <> float O::f<int>(int);
//     (in-class explicit specializations, which GCC refuses, move after a non-template class)
//   float acc[4][8]; (a thread array in a function body)  ->  ::metal_rt::thread_array<float, "acc", 4, 8> acc;
// and appends one extern "C" entry function per kernel entry point.
#include "runtime/emulator/translate.h"

#include "runtime/msl/rewrite_steps.h"
#include "runtime/msl/token_writer.h"
#include "triton_metal/runtime.h"

#include <fmt/core.h>

#include <map>
#include <set>

namespace tmetal::runtime::emulator {

namespace {

using msl::Token;
using msl::TokenKind;

bool is_space_kw(const Token& t) { return msl::is_address_space(t); }

class Emitter {
 public:
  Emitter(const msl::Module& m, const std::map<std::string, std::string>& fcs) : m_(m), t_(m.tokens), fcs_(fcs), w_(m.file_name) {}

  Translation run() {
    fields_ = msl::struct_field_names(t_);
    for (const auto& k : m_.kernels)
      for (const auto& p : k.params)
        if (!p.array_dims.empty()) array_params_[p.begin_token] = &p;
    find_address_space_overloads();
    find_in_class_specializations();
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
    if (auto it = dropped_.find(i); it != dropped_.end()) {  // a redundant address-space overload
      drop(t);
      return it->second + 1;
    }
    if (auto it = array_params_.find(i); it != array_params_.end()) return array_param(*it->second);
    if (auto it = deferred_.find(i); it != deferred_.end()) {  // an in-class explicit specialization: moved
      drop(t);
      return it->second.end + 1;
    }
    if (t.is("{")) braces_.push_back(brace_kind(i));
    if (t.is("}") && !braces_.empty()) braces_.pop_back();
    if (auto it = class_ends_.find(i); it != class_ends_.end()) return emit_moved_specializations(i, it->second);
    // [[attribute]] -> dropped; [[kernel]] decltype(f<T>) f<T>; -> removed
    if (size_t close = msl::attribute_close(t_, i)) {
      drop(t);
      if (t_[i + 2].is("kernel") && t_[close + 1].is("decltype")) {
        size_t j = close + 1;
        while (j + 1 < t_.size() && !t_[j].is(";")) ++j;
        return j + 1;
      }
      return close + 1;
    }
    // Member functions qualified by an address space: `T f() const thread {`, `T f() device const {`.
    if (t.is("const") && is_space_kw(t_[i + 1]) && t_[i - 1].is(")")) {
      tok(t);
      return i + 2;
    }
    if (is_space_kw(t) && t_[i - 1].is(")") && (t_[i + 1].is("{") || t_[i + 1].is(";") || t_[i + 1].is("const"))) {
      drop(t);
      return i + 1;
    }
    if (t.is("(")) {
      if (size_t n = pointer_cast(i)) return n;
    }
    if (t.ident() && in_code() && statement_start(i)) {
      if (size_t n = thread_array_decl(i)) return n;
    }
    if (t.is("kernel") && t_[i + 1].is("void")) {
      drop(t);
      return i + 1;
    }
    // template [[host_name("x")]] kernel void f<T>(...);  -> removed (the entry glue instantiates it)
    if (size_t n = msl::drop_host_name_instantiation(t_, i, w_)) return n;
    if (t.is("const") && is_space_kw(t_[i + 1])) {
      drop(t);
      pending_const_ = true;
      return i + 1;
    }
    if (is_space_kw(t)) return address_space(i);
    if (size_t n = msl::rewrite_function_constant_defined(t_, i, w_)) return n;
    if (t.is("reinterpret_cast") && t_[i + 1].is("<") &&
        (is_space_kw(t_[i + 2]) || (t_[i + 2].is("const") && is_space_kw(t_[i + 3])))) {
      tok(t, "::metal_rt::reinterpret_ptr_cast");
      return i + 1;
    }
    if (size_t n = msl::rewrite_swizzle(t_, i, fields_, w_)) return n;
    if (t.kind == TokenKind::Number) {
      tok(t, number(t));
      return i + 1;
    }
    tok(t);
    return i + 1;
  }

  // Metal's floating literals: unsuffixed ones are float (there is no double), `h` ones half.
  std::string number(const Token& t) {
    const std::string& s = t.text;
    const bool hex = s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    const bool floating = hex ? s.find_first_of("pP") != std::string::npos : s.find_first_of(".eE") != std::string::npos;
    if (!floating) return s;
    const char last = s.back();
    if (last == 'h' || last == 'H') return "::metal_rt::half_lit(" + s.substr(0, s.size() - 1) + ")";
    if (last == 'f' || last == 'F') return s;
    if (last == 'l' || last == 'L')
      throw msl::SyntaxError(t.file_name(m_.file_name), t.line, t.col,
                             fmt::format("'{}' is a long double literal; Metal has no double or long double", s));
    return s + "f";
  }

  // tokens[i] is device/constant/threadgroup/thread.
  size_t address_space(size_t i) {
    const std::string space = t_[i].text;
    bool is_const = pending_const_;
    pending_const_ = false;
    const size_t j = msl::address_space_type_end(t_, i);
    const Token& stop = t_[j];
    if (stop.is("*") || stop.is("&")) {
      bool ref = stop.is("&");
      std::string type = type_without_const(i + 1, j, is_const);
      const bool c = is_const || space == "constant";
      if (type == "auto") {  // const constant auto* p = ...: the initializer's pointer type
        tok(t_[i], ref ? (c ? "const auto &" : "auto &") : space == "thread" ? (c ? "const auto *" : "auto *") : "auto");
      } else if (space == "thread" && ref) {
        tok(t_[i], (is_const ? "const " : "") + type + " &");
      } else if (space == "thread") {
        tok(t_[i], "::metal_rt::tptr<" + std::string(is_const ? "const " : "") + type + ">");
      } else if (ref) {
        tok(t_[i], (c ? "const " : "") + type + " &");
      } else {
        tok(t_[i], "::metal_rt::ptr<" + std::string(c ? "const " : "") + type + ">");
      }
      return j + 1;
    }
    // A declaration.
    if (space == "constant") {
      if (stop.is("[") && t_[j + 1].is("[") && t_[j + 2].is("function_constant")) return function_constant(i, j);
      // static constexpr constant T x = ...; / constexpr constant T x; / static constant T x;
      const bool after_static = i > 0 && (t_[i - 1].is("static") || (i > 1 && t_[i - 2].is("static") && t_[i - 1].is("constexpr")));
      const bool after_constexpr = i > 0 && t_[i - 1].is("constexpr");
      if (after_constexpr) {
        drop(t_[i]);
      } else if (after_static) {
        tok(t_[i], t_[i + 1].is("constexpr") ? "" : "const");
      } else {
        tok(t_[i], t_[i + 1].is("constexpr") || t_[i + 1].is("static") ? (t_[i + 1].is("static") ? "" : "static") : "static const");
      }
      return i + 1;
    }
    if (space == "threadgroup") return threadgroup_decl(i);
    drop(t_[i]);  // device/thread on a declaration: plain C++
    return i + 1;
  }

  // Type text of tokens [b, e) without top-level `const` (which sets is_const): `constant const T*`.
  std::string type_without_const(size_t b, size_t e, bool& is_const) {
    std::string s;
    int angle = 0;
    for (size_t k = b; k < e; ++k) {
      if (t_[k].is("<")) ++angle;
      if (t_[k].is(">")) --angle;
      if (t_[k].is(">>")) angle -= 2;
      if (angle == 0 && t_[k].is("const")) {
        is_const = true;
        continue;
      }
      if (!s.empty()) s += ' ';
      s += t_[k].text;
    }
    return s;
  }

  // A kernel parameter declared as an array: a checked pointer to its first element.
  size_t array_param(const msl::KernelParam& p) {
    bool is_const = false;
    std::string space;
    std::string type;
    for (size_t k = p.begin_token; k < p.name_token; ++k) {
      if (is_space_kw(t_[k])) {
        space = t_[k].text;
        continue;
      }
      if (t_[k].is("const")) {
        is_const = true;
        continue;
      }
      type += (type.empty() ? "" : " ") + t_[k].text;
    }
    const bool c = is_const || space == "constant";
    tok(t_[p.begin_token], "::metal_rt::ptr<" + std::string(c ? "const " : "") + type + "> " + p.name);
    size_t k = p.name_token + 1;
    while (k < p.end_token && t_[k].is("[") && !t_[k + 1].is("[")) k = msl::matching_close(t_, k) + 1;
    return k;
  }

  // `(device T*)x`, `(threadgroup float4*)(&a[i])`, `(thread float4*)acc`: a C-style cast to a pointer type
  // becomes reinterpret_ptr_cast, which also finds the region of a raw element address (device, constant,
  // threadgroup) or keeps a thread array's extent (thread). Returns the
  // index after the operand, or 0 when tokens[i] does not open such a cast.
  size_t pointer_cast(size_t i) {
    size_t k = i + 1;
    bool is_const = false;
    if (t_[k].is("const")) {
      is_const = true;
      ++k;
    }
    if (!is_space_kw(t_[k])) return 0;
    const std::string space = t_[k].text;
    size_t close = msl::matching_close(t_, i);
    if (close <= k + 2 || !t_[close - 1].is("*")) return 0;
    for (size_t q = k + 1; q + 1 < close; ++q)
      if (t_[q].is("*") || t_[q].is("(") || t_[q].is(",") || t_[q].is("&")) return 0;
    std::string type = type_without_const(k + 1, close - 1, is_const);
    // The operand: a parenthesized expression, or [&|*] name[::name]... followed by [..] (..) .x ->x.
    size_t b = close + 1, e = b;
    if (t_[b].is("(")) {
      e = msl::matching_close(t_, b) + 1;
    } else {
      if (t_[e].is("&") || t_[e].is("*")) ++e;
      if (!t_[e].ident()) return 0;
      ++e;
      while (t_[e].is("::") && t_[e + 1].ident()) e += 2;
      while (true) {
        if ((t_[e].is("[") && !t_[e + 1].is("[")) || t_[e].is("(")) e = msl::matching_close(t_, e) + 1;
        else if ((t_[e].is(".") || t_[e].is("->")) && t_[e + 1].ident()) e += 2;
        else break;
      }
    }
    const bool c = is_const || space == "constant";
    const char* pointer = space == "thread" ? "::metal_rt::tptr<" : "::metal_rt::ptr<";
    tok(t_[i], "::metal_rt::reinterpret_ptr_cast<" + std::string(pointer) + (c ? "const " : "") + type + ">>(");
    for (size_t q = b; q < e;) q = step(q);
    raw(")");
    return e;
  }

  enum class Brace { Scope, Code, Init };

  Brace brace_kind(size_t i) {
    const Brace top = braces_.empty() ? Brace::Scope : braces_.back();
    const Token& p = t_[i - 1];
    for (size_t k = i; k-- > 0 && i - k < 64;) {  // struct S : B<T> {, namespace x {, enum class E {
      const Token& u = t_[k];
      if (u.is(";") || u.is("{") || u.is("}") || u.is(")") || u.is("=")) break;
      if (u.is("struct") || u.is("class") || u.is("union") || u.is("enum") || u.is("namespace")) return Brace::Scope;
    }
    if (p.is(")") || p.is("]") || p.is("else") || p.is("do") || p.is("const") || p.is("noexcept") || is_space_kw(p)) return Brace::Code;
    if (p.is("=") || p.is(",") || p.is("(") || p.is("return") || p.is("[") || top == Brace::Init) return Brace::Init;
    if (p.is(";") || p.is("{") || p.is("}") || p.is(":")) return top == Brace::Code ? Brace::Code : Brace::Scope;
    return top == Brace::Code ? Brace::Init : Brace::Scope;
  }
  bool in_code() const { return !braces_.empty() && braces_.back() == Brace::Code; }
  bool statement_start(size_t i) const {
    if (i == 0) return false;
    size_t p = i - 1;
    if (t_[p].is("thread") && p > 0) --p;
    return t_[p].is(";") || t_[p].is("{") || t_[p].is("}");
  }

  // `[const|constexpr|static|typename]* T[::U][<...>] name[N]...;` or `= {...}` (one dimension) in a
  // function body: a checked thread_array. Returns the index after the dimensions, or 0.
  size_t thread_array_decl(size_t i) {
    static const std::set<std::string> kNotTypes = {
        "return", "case", "default", "else", "goto", "typedef", "using", "if", "for", "while", "do", "switch", "break",
        "continue", "struct", "class", "union", "enum", "template", "namespace", "sizeof", "static_assert", "auto",
        "threadgroup", "device", "constant", "operator", "throw", "delete", "new", "this"};
    size_t k = i;
    std::string quals;
    while (t_[k].is("const") || t_[k].is("constexpr") || t_[k].is("static") || t_[k].is("typename")) quals += t_[k++].text + " ";
    if (!t_[k].ident() || kNotTypes.count(t_[k].text)) return 0;
    size_t type_b = k++;
    while (t_[k].is("::") && t_[k + 1].ident()) k += 2;
    if (t_[k].is("<")) {
      int depth = 0;
      for (; k < t_.size(); ++k) {
        if (t_[k].is("<")) ++depth;
        else if (t_[k].is(">")) --depth;
        else if (t_[k].is(">>")) depth -= 2;
        else if (t_[k].is(";") || t_[k].is("{")) return 0;
        if (depth <= 0) break;
      }
      if (depth != 0) return 0;
      ++k;
    }
    size_t type_e = k;
    if (!t_[k].ident() || kNotTypes.count(t_[k].text) || !t_[k + 1].is("[") || t_[k + 2].is("[")) return 0;
    size_t name = k++;
    std::vector<std::string> dims;
    while (t_[k].is("[")) {
      size_t close = msl::matching_close(t_, k);
      if (close == k + 1) return 0;  // float a[] = {...}: size from the initializer, left unchecked
      dims.push_back("(" + text_of(k + 1, close) + ")");
      k = close + 1;
    }
    if (!(t_[k].is(";") || (t_[k].is("=") && dims.size() == 1 && t_[k + 1].is("{")))) return 0;
    std::string s = quals + "::metal_rt::thread_array<" + text_of(type_b, type_e) + ", ::metal_rt::array_name{\"" + t_[name].text + "\"}";
    for (auto& d : dims) s += ", " + d;
    tok(t_[i], s + "> " + t_[name].text);
    return k;
  }

  // In-class explicit specializations (`template <> float f<int>(int x) {...}` or `template <> struct S<int>
  // {...};` inside `struct Outer`), which clang accepts and GCC refuses, move after the class as
  // `template <> float Outer::f<int>(int x) {...}`. Only for classes that are not templates themselves.
  struct Moved {
    size_t begin = 0, end = 0;  // the specialization's tokens [begin, end]
    size_t name = 0;            // the specialized name's token (qualified with the class's name when moved)
  };
  struct ClassEnd {
    std::string name;
    std::vector<size_t> moved;  // begins, into deferred_
  };

  void find_in_class_specializations() {
    for (size_t i = 0; i + 3 < t_.size(); ++i) {
      if (!(t_[i].is("struct") || t_[i].is("class")) || !t_[i + 1].ident()) continue;
      if (i > 0 && t_[i - 1].is(">")) continue;  // a class template (or a specialization of one)
      size_t open = i + 2;
      while (open < t_.size() && !t_[open].is("{") && !t_[open].is(";") && !t_[open].is("(")) ++open;
      if (open >= t_.size() || !t_[open].is("{")) continue;
      size_t close = msl::matching_close(t_, open);
      ClassEnd ce{t_[i + 1].text, {}};
      int depth = 0;
      for (size_t k = open + 1; k < close; ++k) {
        if (t_[k].is("{")) ++depth;
        if (t_[k].is("}")) --depth;
        if (depth != 0 || !t_[k].is("template") || !t_[k + 1].is("<") || !t_[k + 2].is(">")) continue;
        Moved m;
        m.begin = k;
        size_t q = k + 3, name = 0;
        for (; q < close && !t_[q].is("{") && !t_[q].is(";"); ++q)
          if (!name && t_[q].ident() && t_[q + 1].is("<") && !t_[q].is("template")) name = q;
        if (!name || q >= close) break;  // not a form this rewrite knows: left to the host compiler
        m.name = name;
        m.end = t_[q].is("{") ? msl::matching_close(t_, q) : q;
        if (t_[q].is("{") && t_[m.end + 1].is(";")) ++m.end;
        deferred_[k] = m;
        ce.moved.push_back(k);
        k = m.end;
      }
      if (!ce.moved.empty() && t_[close + 1].is(";")) class_ends_[close] = ce;
      else
        for (size_t b : ce.moved) deferred_.erase(b);
    }
  }

  // tokens[i] is the '}' of a class with moved specializations: emits "};" and then the specializations.
  size_t emit_moved_specializations(size_t i, const ClassEnd& ce) {
    tok(t_[i]);
    tok(t_[i + 1]);
    for (size_t b : ce.moved) {
      const Moved& m = deferred_.at(b);
      for (size_t q = m.begin; q <= m.end;) {
        if (q < m.name && (t_[q].is("static") || t_[q].is("inline"))) {  // not allowed (static) or implied
          drop(t_[q]);
          ++q;
          continue;
        }
        if (q == m.name) {
          tok(t_[q], ce.name + "::" + t_[q].text);
          ++q;
          continue;
        }
        q = step_plain(q);
      }
    }
    return i + 2;
  }
  // step() for tokens of a moved range (the deferral itself must not trigger again).
  size_t step_plain(size_t q) {
    auto saved = deferred_.find(q);
    if (saved == deferred_.end()) return step(q);
    Moved m = saved->second;
    deferred_.erase(saved);
    size_t n = step(q);
    deferred_[q] = m;
    return n;
  }

  // Address-space overloads of one member function (`load() const thread` and `load() const device`) are
  // one function in C++: every one after the first is dropped (they are written to do the same thing).
  void find_address_space_overloads() {
    std::vector<size_t> open;  // '{' indices
    std::set<std::string> seen;
    for (size_t i = 0; i + 1 < t_.size(); ++i) {
      if (t_[i].is("{")) open.push_back(i);
      if (t_[i].is("}") && !open.empty()) open.pop_back();
      if (!t_[i].is(")")) continue;
      size_t q = i + 1;
      bool space = false;
      while (t_[q].is("const") || is_space_kw(t_[q])) space |= is_space_kw(t_[q++]);
      if (!space || !(t_[q].is("{") || t_[q].is(";"))) continue;
      // The declaration starts after the previous ';', '{', '}' or access specifier at this depth.
      size_t b = i;
      int depth = 1;  // inside the parameter list's parentheses
      while (b > 0) {
        const Token& u = t_[b - 1];
        if (u.is(")") || u.is("]")) ++depth;
        else if (u.is("(") || u.is("[")) --depth;
        else if (depth == 0 && (u.is(";") || u.is("{") || u.is("}") || (u.is(":") && b >= 2 && (t_[b - 2].is("public") || t_[b - 2].is("private") || t_[b - 2].is("protected")))))
          break;
        --b;
      }
      std::string key = std::to_string(open.empty() ? 0 : open.back()) + "|" + text_of(b, i + 1);
      for (size_t r = i + 1; r < q; ++r)
        if (t_[r].is("const")) key += " const";
      size_t end = t_[q].is("{") ? msl::matching_close(t_, q) : q;
      if (!seen.insert(key).second) dropped_[b] = end;
      i = t_[q].is("{") ? q - 1 : q;  // the body's braces are counted by the loop
    }
  }

  // constant T name [[function_constant(k)]];  tokens[j] is the first '[' of the attribute.
  size_t function_constant(size_t i, size_t j) {
    return msl::function_constant_declaration(t_, i, j, "static constexpr", text_of(i + 1, j - 1),
                                              msl::function_constant_value(m_, fcs_, t_[j - 1].text), w_);
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
  std::map<size_t, const msl::KernelParam*> array_params_;  // by first token
  std::map<size_t, size_t> dropped_;                        // redundant overloads: first token -> last
  std::map<size_t, Moved> deferred_;                        // in-class explicit specializations, by first token
  std::map<size_t, ClassEnd> class_ends_;                   // '}' of classes they move behind
  std::vector<Brace> braces_;
};

}  // namespace

Translation translate(const msl::Module& module, const std::map<std::string, std::string>& function_constants) {
  try {
    return Emitter(module, function_constants).run();
  } catch (const msl::SyntaxError& e) {
    throw CompileError(e.what());
  }
}

}  // namespace tmetal::runtime::emulator
