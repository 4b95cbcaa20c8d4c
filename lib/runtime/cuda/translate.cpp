// Rewrites MSL tokens into CUDA C++ for NVRTC (compiled with -default-device, so helpers and member
// functions are device functions without annotations):
//   device / thread / threadgroup on pointer and reference types  ->  dropped (generic addressing)
//   constant on pointer and reference types  ->  const
//   threadgroup T a[N]; (a declaration)  ->  __shared__ T a[N];
//   constant T x = ...; (program scope)  ->  __constant__ const T x = ...;  (constant constexpr -> constexpr)
//   constant T x [[function_constant(i)]];  ->  constexpr T x = T(value); plus x__tm_defined
//   is_function_constant_defined(x)  ->  (x__tm_defined)
//   kernel, [[attributes]], template [[host_name("n")]] kernel ...; instantiations  ->  removed
//   Metal type names (float4, half, uint, ...)  ->  ::metal::float4 ... (CUDA has its own float4)
//   Metal math names called as functions (exp, max, ...)  ->  ::metal::exp ... unless the source defines them
//   fast:: / precise::  ->  ::metal::fast:: / ::metal::precise::
//   v.xyz (multi-component swizzles)  ->  v.template sw<0, 1, 2>()
//   1.5h (half literals)  ->  ::metal::half(1.5f)
//   for (int i = 0; i < 4; ++i) (literal bounds, at most 64 iterations)  ->  _Pragma("unroll") for (...):
//     fully unrolled, as Apple's compiler unrolls such loops, so arrays of simdgroup_matrix fragments (and
//     other per-thread arrays) indexed by the loop variable stay in registers instead of local memory
// and appends one extern "C" __global__ entry per kernel entry point that computes the thread-position
// arguments, carves [[threadgroup(i)]] buffers out of dynamic shared memory, and calls the kernel function.
#include "runtime/cuda/translate.h"

#include "runtime/msl/rewrite_steps.h"
#include "runtime/msl/token_writer.h"

#include <fmt/core.h>

#include <algorithm>
#include <optional>
#include <set>

namespace tmetal::runtime::cuda {

namespace {

using msl::Token;
using msl::TokenKind;

bool is_space_kw(const Token& t) { return msl::is_address_space(t); }

const std::set<std::string>& metal_type_names() {
  static const std::set<std::string> names = [] {
    std::set<std::string> s = {"half", "bfloat", "uint", "ushort", "uchar", "ulong"};
    for (const char* base : {"float", "half", "bfloat", "int", "uint", "short", "ushort", "char", "uchar", "bool", "long", "ulong"})
      for (int n = 2; n <= 4; ++n) {
        s.insert(fmt::format("{}{}", base, n));
        s.insert(fmt::format("packed_{}{}", base, n));
      }
    return s;
  }();
  return names;
}

// Functions that CUDA also declares at global scope (so an unqualified call would be ambiguous).
const std::set<std::string>& metal_function_names() {
  static const std::set<std::string> names = {
      "exp", "exp2", "exp10", "log", "log2", "log10", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan",
      "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "floor", "ceil", "round", "rint", "trunc", "fabs", "fract",
      "sign", "saturate", "erf", "sinpi", "cospi", "cbrt", "pow", "powr", "atan2", "fmod", "fmin", "fmax", "copysign",
      "fdim", "divide", "abs", "min", "max", "clamp", "mix", "step", "smoothstep", "fma", "mad", "select", "isnan",
      "isinf", "isfinite", "signbit", "dot", "cross", "length", "length_squared", "distance", "normalize", "popcount",
      "clz", "ctz", "abs_diff", "mulhi", "reverse_bits", "rotate", "mad24", "mul24", "all", "any"};
  return names;
}

// The integer value of a literal such as 16, 16u, 0x10 (nullopt for anything else).
std::optional<long long> int_literal(const Token& t) {
  if (t.kind != TokenKind::Number || t.text.find_first_of(".eEpP") != std::string::npos) return std::nullopt;
  std::string v = t.text;
  while (!v.empty() && (v.back() == 'u' || v.back() == 'U' || v.back() == 'l' || v.back() == 'L')) v.pop_back();
  try {
    size_t used = 0;
    long long x = std::stoll(v, &used, 0);
    if (used != v.size()) return std::nullopt;
    return x;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// `for ( T i = A ; i < B ; ++i | i++ | i += S )` with integer literals A, B, S and at most `limit` iterations.
bool small_constant_loop(const std::vector<Token>& t, size_t i, long long limit) {
  static const std::set<std::string> int_types = {"int", "uint", "short", "ushort", "long", "ulong", "unsigned", "size_t"};
  auto at = [&](size_t k) -> const Token& { return t[std::min(k, t.size() - 1)]; };
  size_t k = i + 1;
  if (!at(k).is("(")) return false;
  ++k;
  if (!at(k).ident() || !int_types.count(at(k).text)) return false;
  ++k;
  if (at(k).ident() && int_types.count(at(k).text)) ++k;  // unsigned int
  const Token& var = at(k);
  if (!var.ident() || !at(k + 1).is("=")) return false;
  auto lo = int_literal(at(k + 2));
  if (!lo || !at(k + 3).is(";") || !at(k + 4).ident() || at(k + 4).text != var.text) return false;
  const bool inclusive = at(k + 5).is("<=");
  if (!inclusive && !at(k + 5).is("<")) return false;
  auto hi = int_literal(at(k + 6));
  if (!hi || !at(k + 7).is(";")) return false;
  k += 8;
  long long step = 0;
  if (at(k).is("++") && at(k + 1).ident() && at(k + 1).text == var.text && at(k + 2).is(")")) step = 1;
  else if (at(k).ident() && at(k).text == var.text && at(k + 1).is("++") && at(k + 2).is(")")) step = 1;
  else if (at(k).ident() && at(k).text == var.text && at(k + 1).is("+=") && at(k + 3).is(")")) step = int_literal(at(k + 2)).value_or(0);
  if (step <= 0) return false;
  long long span = *hi - *lo + (inclusive ? 1 : 0);
  if (span <= 0) return false;
  return (span + step - 1) / step <= limit;
}

bool after_member_access(const std::vector<Token>& t, size_t i) {
  return i > 0 && (t[i - 1].is(".") || t[i - 1].is("->") || t[i - 1].is("::"));
}

class Emitter {
 public:
  Emitter(const msl::Module& m, const std::map<std::string, std::string>& fcs) : m_(m), t_(m.tokens), fcs_(fcs), w_(m.file_name) {}

  Translation run() {
    fields_ = msl::struct_field_names(t_);
    collect_user_functions();
    raw("#include <metal_cuda/all.h>\n");
    raw(fmt::format("#line 1 \"{}\"\n", m_.file_name));
    w_.reset_line();
    for (size_t i = 0; i + 1 < t_.size();) i = step(i);
    raw("\n#line 1 \"<cuda entry glue>\"\n");
    Translation tr;
    // Symbols carry the entry's name so profilers and compute-sanitizer reports are readable.
    std::set<std::string> used;
    for (const auto& e : m_.entries) {
      std::string sym = "tm_";
      for (char c : e.name) sym += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      while (!used.insert(sym).second) sym += "_";
      tr.entries[e.name] = glue(e, sym);
    }
    tr.cuda = w_.take();
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
      s += qualified(i);
    }
    return s;
  }

  // The token's text with Metal type names qualified.
  std::string qualified(size_t i) {
    const Token& t = t_[i];
    if (t.ident() && !t.directive && !after_member_access(t_, i) && metal_type_names().count(t.text)) return "::metal::" + t.text;
    return t.text;
  }

  // Names the source declares as functions (`TYPE name(`): those keep their unqualified spelling.
  void collect_user_functions() {
    static const std::set<std::string> not_types = {"return", "else", "case", "do", "throw", "new", "delete", "sizeof", "typename", "co_return"};
    for (size_t i = 1; i + 1 < t_.size(); ++i) {
      if (!t_[i].ident() || !t_[i + 1].is("(") || !metal_function_names().count(t_[i].text)) continue;
      const Token& p = t_[i - 1];
      if ((p.ident() && !not_types.count(p.text)) || p.is(">")) user_functions_.insert(t_[i].text);
    }
  }

  size_t step(size_t i) {
    const Token& t = t_[i];
    if (t.is("{")) ++depth_;
    if (t.is("}")) --depth_;
    if (t.linemarker) return i + 1;  // already applied to the tokens' lines by the tokenizer; #line resyncs follow
    if (t.directive) {
      tok(t);
      return i + 1;
    }
    if (size_t close = msl::attribute_close(t_, i)) {  // [[attribute]]
      drop(t);
      return close + 1;
    }
    if (t.is("kernel") && t_[i + 1].is("void")) {
      drop(t);
      return i + 1;
    }
    // template [[host_name("x")]] kernel void f<T>(...);
    if (size_t n = msl::drop_host_name_instantiation(t_, i, w_)) return n;
    if (is_space_kw(t)) return address_space(i);
    if (size_t n = msl::rewrite_function_constant_defined(t_, i, w_)) return n;
    if (t.is("for") && small_constant_loop(t_, i, 64)) {
      tok(t, "_Pragma(\"unroll\") for");
      return i + 1;
    }
    if (t.ident() && !after_member_access(t_, i)) {
      if ((t.text == "fast" || t.text == "precise") && t_[i + 1].is("::")) {
        tok(t, "::metal::" + t.text);
        return i + 1;
      }
      if (t_[i + 1].is("(") && metal_function_names().count(t.text) && !user_functions_.count(t.text)) {
        tok(t, "::metal::" + t.text);
        return i + 1;
      }
      tok(t, qualified(i));
      return i + 1;
    }
    if (size_t n = msl::rewrite_swizzle(t_, i, fields_, w_)) return n;
    if (t.kind == TokenKind::Number && (t.text.back() == 'h' || t.text.back() == 'H') &&
        !(t.text.size() > 1 && (t.text[1] == 'x' || t.text[1] == 'X'))) {
      std::string v = t.text.substr(0, t.text.size() - 1);
      bool floating = v.find_first_of(".eE") != std::string::npos;
      tok(t, "::metal::half(" + v + (floating ? "f" : "") + ")");
      return i + 1;
    }
    tok(t);
    return i + 1;
  }

  // tokens[i] is device/constant/threadgroup/thread.
  size_t address_space(size_t i) {
    const std::string space = t_[i].text;
    bool has_const = w_.last() == "const";
    const size_t j = msl::address_space_type_end(t_, i, &has_const);
    const Token& stop = t_[j];
    if (stop.is("*") || stop.is("&")) {  // a pointer or reference type
      if (space == "constant" && !has_const) tok(t_[i], "const");
      else drop(t_[i]);
      return i + 1;
    }
    if (space == "constant") {
      if (stop.is("[") && t_[j + 1].is("[") && t_[j + 2].is("function_constant")) return function_constant(i, j);
      if (t_[i + 1].is("constexpr")) drop(t_[i]);
      else tok(t_[i], depth_ == 0 ? "__constant__ const" : "const");
      return i + 1;
    }
    if (space == "threadgroup") {
      tok(t_[i], "__shared__");
      return i + 1;
    }
    drop(t_[i]);  // device/thread on a declaration: plain C++
    return i + 1;
  }

  // constant T name [[function_constant(k)]];  tokens[j] is the first '[' of the attribute.
  size_t function_constant(size_t i, size_t j) {
    return msl::function_constant_declaration(t_, i, j, "constexpr", text_of(i + 1, j - 1),
                                              msl::function_constant_value(m_, fcs_, t_[j - 1].text), w_);
  }

  // The function expression of an entry with Metal type names qualified ("gemm<::metal::half>").
  std::string qualified_function(const std::string& f) {
    auto toks = msl::tokenize(f, m_.file_name);
    std::string s;
    for (size_t i = 0; i + 1 < toks.size(); ++i) {
      bool type = toks[i].ident() && metal_type_names().count(toks[i].text) && !after_member_access(toks, i);
      if (!s.empty() && (toks[i].ident() || toks[i].kind == TokenKind::Number) &&
          (std::isalnum(static_cast<unsigned char>(s.back())) || s.back() == '_'))
        s += ' ';
      s += type ? "::metal::" + toks[i].text : toks[i].text;
    }
    return s;
  }

  EntryGlue glue(const msl::EntryPoint& e, const std::string& symbol) {
    EntryGlue g;
    g.symbol = symbol;
    std::string f = qualified_function(e.function);
    std::vector<std::string> params, args;
    bool dyn = false;
    const auto& ps = e.kernel->params;
    for (size_t i = 0; i < ps.size(); ++i) {
      const auto& p = ps[i];
      std::string pn = fmt::format("tm_p{}", i);
      if (p.role == msl::ParamRole::Buffer) {
        if (p.is_reference && (p.space == msl::AddressSpace::Constant || p.space == msl::AddressSpace::None)) {
          params.push_back(fmt::format("::metal_cuda::value_t<F, {}> {}", i, pn));
          args.push_back(pn);
          g.args.push_back({EntryArg::BufferValue, p.index, p.name, p.type_text});
        } else if (p.is_reference) {
          params.push_back(fmt::format("::metal_cuda::referent_t<F, {}>* {}", i, pn));
          args.push_back("*" + pn);
          g.args.push_back({EntryArg::BufferPointer, p.index, p.name, p.type_text});
        } else {
          params.push_back(fmt::format("::metal_cuda::param_t<F, {}> {}", i, pn));
          args.push_back(pn);
          g.args.push_back({EntryArg::BufferPointer, p.index, p.name, p.type_text});
        }
      } else if (p.role == msl::ParamRole::Threadgroup) {
        if (p.index < 0 || p.index >= 16)
          throw msl::SyntaxError(m_.file_name, p.line, p.col,
                                 fmt::format("kernel '{}': [[threadgroup({})]] is beyond the CUDA proxy's 16 threadgroup "
                                             "bindings", e.kernel->name, p.index));
        dyn = true;
        g.threadgroup_indices.push_back(p.index);
        std::string at = fmt::format("(tm_dyn + tm_l.tg_offset[{}])", p.index);
        if (p.is_reference) args.push_back(fmt::format("*reinterpret_cast<::metal_cuda::referent_t<F, {}>*>{}", i, at));
        else args.push_back(fmt::format("reinterpret_cast<::metal_cuda::param_t<F, {}>>{}", i, at));
      } else {
        args.push_back(fmt::format("::metal_cuda::pos_cast<typename ::metal_cuda::unconst<::metal_cuda::param_t<F, {}>>::type>"
                                   "::from(::metal_cuda::position(tm_l, {}))", i, p.index));
      }
    }
    // F must be known before the parameter list: a helper alias per entry.
    std::string alias = symbol + "_F";
    std::string s = fmt::format("using {} = decltype(&{});\n", alias, f);
    std::string plist;
    for (auto& p : params) {
      std::string q = p;
      for (size_t pos; (pos = q.find("<F, ")) != std::string::npos;) q.replace(pos, 4, "<" + alias + ", ");
      plist += q + ", ";
    }
    s += fmt::format("extern \"C\" __global__ void {}({}::metal_cuda::Launch tm_l) {{\n", symbol, plist);
    s += fmt::format("  using F = {};\n  if (!::metal_cuda::in_grid(tm_l)) return;\n", alias);
    if (dyn) s += "  extern __shared__ __align__(16) unsigned char tm_dyn[];\n";
    std::string call;
    for (size_t k = 0; k < args.size(); ++k) call += (k ? ",\n      " : "") + args[k];
    s += fmt::format("  {}(\n      {});\n}}\n", f, call);
    raw(s);
    return g;
  }

  const msl::Module& m_;
  const std::vector<Token>& t_;
  const std::map<std::string, std::string>& fcs_;
  msl::TokenWriter w_;
  std::set<std::string> fields_, user_functions_;
  int depth_ = 0;
};

}  // namespace

Translation translate(const msl::Module& module, const std::map<std::string, std::string>& function_constants) {
  return Emitter(module, function_constants).run();
}

}  // namespace tmetal::runtime::cuda
