// Scans MSL tokens for kernel definitions, [[host_name]] template instantiations and function-constant
// declarations, and parses kernel parameter lists (types, address spaces, binding attributes).
#include "runtime/msl/module.h"

#include "runtime/msl/restrictions.h"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace tmetal::msl {

namespace {

// The integer of an attribute argument such as [[buffer(3)]] (decimal, octal or hex, optional u/U
// suffix), at most `max`; a SyntaxError at the token otherwise (std::stoi threw a bare "stoi").
unsigned long attribute_number(const Token& t, const std::string& file, const char* what, unsigned long max) {
  std::string text = t.text;
  if (!text.empty() && (text.back() == 'u' || text.back() == 'U')) text.pop_back();
  char* end = nullptr;
  errno = 0;
  unsigned long v = text.empty() || text[0] == '-' ? 0 : std::strtoul(text.c_str(), &end, 0);
  if (text.empty() || text[0] == '-' || end != text.c_str() + text.size() || errno == ERANGE || v > max)
    throw SyntaxError(file, t.line, t.col, fmt::format("the {} '{}' is not an integer from 0 to {}", what, t.text, max));
  return v;
}

const std::vector<std::string> kPositions = {
    "thread_position_in_grid",          "thread_position_in_threadgroup",   "threadgroup_position_in_grid",
    "threads_per_threadgroup",          "threadgroups_per_grid",            "thread_index_in_threadgroup",
    "thread_index_in_simdgroup",        "simdgroup_index_in_threadgroup",   "simdgroups_per_threadgroup",
    "threads_per_simdgroup",            "threads_per_grid",                 "dispatch_threads_per_threadgroup",
    "thread_execution_width",           "thread_index_in_quadgroup",        "quadgroup_index_in_threadgroup",
    "quadgroups_per_threadgroup",       "dispatch_simdgroups_per_threadgroup",
    "dispatch_quadgroups_per_threadgroup", "grid_origin",                   "grid_size"};

AddressSpace space_of(const Token& t) {
  if (!t.ident()) return AddressSpace::None;
  if (t.text == "device") return AddressSpace::Device;
  if (t.text == "constant") return AddressSpace::Constant;
  if (t.text == "threadgroup") return AddressSpace::Threadgroup;
  if (t.text == "thread") return AddressSpace::Thread;
  return AddressSpace::None;
}

std::string join(const std::vector<Token>& toks, size_t b, size_t e) {
  std::string s;
  for (size_t i = b; i < e; ++i) {
    if (!s.empty() && (toks[i].ident() || toks[i].kind == TokenKind::Number) &&
        (std::isalnum(static_cast<unsigned char>(s.back())) || s.back() == '_'))
      s += ' ';
    s += toks[i].text;
  }
  return s;
}

class Scanner {
 public:
  Scanner(Module& m) : m_(m), t_(m.tokens) {}

  void run() {
    for (size_t i = 0; i + 1 < t_.size(); ++i) {
      const Token& tok = t_[i];
      if (tok.directive) continue;
      if (tok.ident()) {
        const std::string& s = tok.text;
        if (s == "threadgroup_barrier" || s == "simdgroup_barrier" || s.rfind("simd_", 0) == 0 ||
            s.rfind("quad_", 0) == 0 || s == "simdgroup_load" || s == "simdgroup_store" ||
            s.rfind("simdgroup_multiply", 0) == 0)
          m_.uses_synchronization = true;
      }
      if (tok.is("kernel") && i + 2 < t_.size() && t_[i + 1].is("void")) {
        scan_kernel(i, i);
      } else if (tok.is("[") && t_[i + 1].is("[") && i + 2 < t_.size() && t_[i + 2].is("kernel")) {
        // [[kernel]] void f(...), or an instantiation [[kernel]] decltype(f<T>) f<T>;
        size_t close = skip_attribute(i);
        if (close < t_.size() && t_[close].is("void")) scan_kernel(close - 1, i);
        else if (close < t_.size() && t_[close].is("decltype")) scan_decltype_instantiation(i, close);
      } else if (tok.is("constant")) {
        scan_function_constant(i);
      }
    }
    // Non-template kernels are entry points under their own name.
    for (const auto& k : m_.kernels)
      if (!k.is_template) m_.entries.push_back({k.name, k.name, nullptr});
    for (auto& e : m_.entries) {
      std::string base = e.function.substr(0, e.function.find('<'));
      for (const auto& k : m_.kernels)
        if (k.name == base) e.kernel = &k;
      if (!e.kernel) throw SyntaxError(m_.file_name, 1, 1, fmt::format("no kernel template named '{}'", base));
    }
  }

 private:
  // Given the index of '[' of "[[", returns the index just past the closing "]]".
  size_t skip_attribute(size_t i) {
    size_t close = matching_close(t_, i);
    return close + 1;
  }

  // Is tokens[i] preceded by a template header (template <...>)? Returns the index of 'template' or npos.
  size_t template_header_before(size_t i) {
    if (i == 0 || !t_[i - 1].is(">")) return std::string::npos;
    int depth = 0;
    for (size_t j = i; j-- > 0;) {
      if (t_[j].is(">")) ++depth;
      else if (t_[j].is(">>")) depth += 2;
      else if (t_[j].is("<")) --depth;
      if (depth == 0) return j > 0 && t_[j - 1].is("template") ? j - 1 : std::string::npos;
      if (t_[j].is(";") || t_[j].is("{") || t_[j].is("}")) return std::string::npos;
    }
    return std::string::npos;
  }

  // host_name("a" "b") of the attributes directly before tokens[marker] ("" when absent); `first` becomes
  // the index of the first of those attributes.
  std::string host_name_before(size_t marker, size_t& first, unsigned* max_threads = nullptr) {
    size_t a = marker;
    std::string host_name;
    while (a >= 2 && t_[a - 1].is("]")) {
      size_t j = a - 1;
      int depth = 0;
      for (;; --j) {
        if (t_[j].is("]")) ++depth;
        else if (t_[j].is("[")) --depth;
        if (depth == 0 || j == 0) break;
      }
      for (size_t q = j; q < a; ++q) {
        if (max_threads && t_[q].is("max_total_threads_per_threadgroup") && q + 2 < a && t_[q + 2].kind == TokenKind::Number)
          *max_threads = static_cast<unsigned>(attribute_number(t_[q + 2], t_[q + 2].file_name(m_.file_name), "max_total_threads_per_threadgroup", 1024));
        if (!t_[q].is("host_name")) continue;
        // host_name("a" "b"): adjacent string literals concatenate (macros write them that way).
        for (size_t r = q + 2; r < a && t_[r].kind == TokenKind::String; ++r)
          host_name += t_[r].text.substr(1, t_[r].text.size() - 2);
      }
      a = j;
    }
    first = a;
    return host_name;
  }

  // [[kernel]] decltype(f<T>) f<T>;  (optionally `template [[host_name("x")]]` before): tokens[marker] is
  // the '[' of [[kernel]], tokens[dt] 'decltype'.
  void scan_decltype_instantiation(size_t marker, size_t dt) {
    if (!t_[dt + 1].is("(")) throw SyntaxError(t_[dt].file_name(m_.file_name), t_[dt].line, t_[dt].col, "expected '(' after decltype");
    size_t close = matching_close(t_, dt + 1);
    size_t end = close + 1;
    while (end < t_.size() && !t_[end].is(";")) ++end;
    if (end == close + 1 || end >= t_.size())
      throw SyntaxError(t_[dt].file_name(m_.file_name), t_[dt].line, t_[dt].col, "expected the kernel's name after [[kernel]] decltype(...)");
    std::string function = join(t_, close + 1, end);
    size_t first = marker;
    std::string host_name = host_name_before(marker, first);
    m_.entries.push_back({host_name.empty() ? function : host_name, function, nullptr});
  }

  // tokens[k+1] is 'void'; the kernel marker ('kernel' or [[kernel]]) starts at tokens[marker].
  void scan_kernel(size_t k, size_t marker) {
    size_t n = k + 2;
    const Token& last = t_.back();  // kernel void at the end of the file, or an unclosed '<' after the name
    auto truncated = [&]() { return SyntaxError(last.file_name(m_.file_name), last.line, last.col, "the kernel declaration ends before its parameter list"); };
    if (n + 1 >= t_.size()) throw truncated();
    if (!t_[n].ident()) throw SyntaxError(t_[n].file_name(m_.file_name), t_[n].line, t_[n].col, "expected a kernel name after 'kernel void'");
    // Explicit instantiation: template [[host_name("x")]] kernel void f<...>(...);
    size_t a = marker;
    unsigned max_threads = 0;
    std::string host_name = host_name_before(marker, a, &max_threads);
    bool explicit_instantiation = a >= 1 && t_[a - 1].is("template") && (a < 2 || !t_[a - 2].is(">"));
    size_t after_name = n + 1;
    std::string function = t_[n].text;
    if (t_[after_name].is("<")) {
      int depth = 0;
      size_t j = after_name;
      for (; j < t_.size(); ++j) {
        if (t_[j].is("<")) ++depth;
        else if (t_[j].is(">")) --depth;
        else if (t_[j].is(">>")) depth -= 2;
        if (depth <= 0) break;
      }
      if (j + 1 >= t_.size()) throw truncated();
      function = join(t_, n, j + 1);
      after_name = j + 1;
    }
    if (explicit_instantiation) {
      if (host_name.empty()) host_name = function;
      m_.entries.push_back({host_name, function, nullptr});
      return;
    }
    if (!t_[after_name].is("("))
      throw SyntaxError(t_[after_name].file_name(m_.file_name), t_[after_name].line, t_[after_name].col, "expected '(' after the kernel name");
    KernelDecl decl;
    decl.name = t_[n].text;
    decl.line = t_[n].line;
    decl.col = t_[n].col;
    decl.is_template = template_header_before(a) != std::string::npos;
    decl.max_total_threads = max_threads;
    size_t close = matching_close(t_, after_name);
    size_t start = after_name + 1;
    for (size_t j = start; j <= close; ++j) {
      if (j == close || (t_[j].is(",") && depth_at(start, j) == 0)) {
        if (j > start) decl.params.push_back(parse_param(start, j, decl.name));
        start = j + 1;
      }
    }
    // Buffers without [[buffer(i)]] take the lowest indices the explicit ones leave free, in order.
    std::set<int> used;
    for (const auto& p : decl.params)
      if (p.role == ParamRole::Buffer && !p.implicit_index) used.insert(p.index);
    int next = 0;
    for (auto& p : decl.params) {
      if (!p.implicit_index) continue;
      while (used.count(next)) ++next;
      p.index = next++;
    }
    m_.kernels.push_back(std::move(decl));
  }

  int depth_at(size_t b, size_t e) {
    int d = 0;
    for (size_t j = b; j < e; ++j) {
      const auto& s = t_[j].text;
      if (s == "(" || s == "[" || s == "{" || s == "<") ++d;
      else if (s == ")" || s == "]" || s == "}" || s == ">") --d;
      else if (s == ">>") d -= 2;
    }
    return d;
  }

  KernelParam parse_param(size_t b, size_t e, const std::string& kernel) {
    KernelParam p;
    p.line = t_[b].line;
    p.col = t_[b].col;
    size_t type_end = e;
    for (size_t j = b; j < e; ++j) {
      if (t_[j].is("[") && j + 1 < e && t_[j + 1].is("[")) {
        if (type_end == e) type_end = j;
        size_t close = matching_close(t_, j);
        if (j + 2 < close && t_[j + 2].ident()) {
          std::string attr = t_[j + 2].text;
          if (attr == "buffer" || attr == "threadgroup") {
            p.attribute = attr;
            p.role = attr == "buffer" ? ParamRole::Buffer : ParamRole::Threadgroup;
            if (j + 4 < close && t_[j + 4].kind == TokenKind::Number) p.index = static_cast<int>(attribute_number(t_[j + 4], t_[j + 4].file_name(m_.file_name), attr == "buffer" ? "buffer index" : "threadgroup index", 30));
            else throw SyntaxError(t_[j].file_name(m_.file_name), t_[j].line, t_[j].col, fmt::format("[[{}]] needs an index", attr));
          } else if (auto id = position_attribute_id(attr)) {
            p.attribute = attr;
            p.role = ParamRole::Position;
            p.index = *id;
          } else if (p.attribute.empty()) {
            p.attribute = attr;
          }
        }
        j = close;
      }
    }
    p.begin_token = b;
    p.end_token = e;
    // An array parameter (`constant int shape[2]`): a pointer to its first element.
    size_t name_end = type_end;
    while (name_end > b + 1 && t_[name_end - 1].is("]")) {
      size_t open = name_end - 1;
      int depth = 0;
      for (;; --open) {
        if (t_[open].is("]")) ++depth;
        else if (t_[open].is("[")) --depth;
        if (depth == 0 || open == b) break;
      }
      p.array_dims.insert(p.array_dims.begin(), join(t_, open + 1, name_end - 1));
      name_end = open;
    }
    if (name_end == b || !t_[name_end - 1].ident())
      throw SyntaxError(t_[b].file_name(m_.file_name), p.line, p.col, fmt::format("kernel '{}': cannot parse this parameter", kernel));
    p.name = t_[name_end - 1].text;
    p.name_token = name_end - 1;
    p.type_text = join(t_, b, name_end - 1);
    type_end = name_end;
    if (!p.array_dims.empty()) p.is_pointer = true;
    for (size_t j = b; j + 1 < type_end; ++j) {
      if (space_of(t_[j]) != AddressSpace::None) p.space = space_of(t_[j]);
      if (t_[j].is("const")) p.is_const = true;
      if (t_[j].is("*")) p.is_pointer = true;
      if (t_[j].is("&")) p.is_reference = true;
    }
    if (p.attribute.empty() && (p.is_pointer || p.is_reference) &&
        (p.space == AddressSpace::Device || p.space == AddressSpace::Constant)) {
      p.attribute = "buffer";
      p.role = ParamRole::Buffer;
      p.implicit_index = true;
    }
    if (p.attribute.empty()) {
      throw SyntaxError(t_[b].file_name(m_.file_name), p.line, p.col,
                        fmt::format("kernel '{}': parameter '{}' has no [[buffer(i)]], [[threadgroup(i)]] or "
                                    "thread-position attribute", kernel, p.name));
    }
    if (p.role == ParamRole::Buffer && (p.attribute == "buffer") && !p.is_pointer && !p.is_reference)
      throw SyntaxError(t_[b].file_name(m_.file_name), p.line, p.col,
                        fmt::format("kernel '{}': [[buffer]] parameter '{}' must be a pointer or a reference", kernel, p.name));
    if (p.attribute != "buffer" && p.attribute != "threadgroup" && p.role == ParamRole::Buffer)
      throw SyntaxError(t_[b].file_name(m_.file_name), p.line, p.col,
                        fmt::format("kernel '{}': parameter '{}' has unsupported attribute [[{}]]", kernel, p.name, p.attribute));
    return p;
  }

  // constant T name [[function_constant(i)]];
  void scan_function_constant(size_t i) {
    size_t j = i + 1;
    while (j < t_.size() && !t_[j].is(";") && !t_[j].is("[") && !t_[j].is("=") && !t_[j].is("(") && !t_[j].is("{")) ++j;
    if (j + 2 >= t_.size() || !t_[j].is("[") || !t_[j + 1].is("[") || !t_[j + 2].is("function_constant")) return;
    FunctionConstantDecl fc;
    fc.name = t_[j - 1].text;
    fc.type_text = join(t_, i + 1, j - 1);
    fc.line = t_[i].line;
    fc.col = t_[i].col;
    if (!(j + 4 < t_.size() && t_[j + 3].is("(") && t_[j + 4].kind == TokenKind::Number))
      throw SyntaxError(t_[j].file_name(m_.file_name), t_[j].line, t_[j].col, "[[function_constant]] needs an index");
    fc.index = static_cast<int>(attribute_number(t_[j + 4], t_[j + 4].file_name(m_.file_name), "function constant index", 65535));
    m_.function_constants.push_back(fc);
  }

  Module& m_;
  const std::vector<Token>& t_;
};

}  // namespace

const std::vector<std::string>& position_attributes() { return kPositions; }

std::optional<int> position_attribute_id(const std::string& name) {
  auto it = std::find(kPositions.begin(), kPositions.end(), name);
  if (it == kPositions.end()) return std::nullopt;
  return static_cast<int>(it - kPositions.begin());
}

size_t matching_close(const std::vector<Token>& tokens, size_t open) {
  const std::string& o = tokens[open].text;
  std::string c = o == "(" ? ")" : o == "[" ? "]" : "}";
  int depth = 0;
  for (size_t j = open; j < tokens.size(); ++j) {
    if (tokens[j].kind != TokenKind::Punct) continue;
    if (tokens[j].text == o) ++depth;
    else if (tokens[j].text == c && --depth == 0) return j;
  }
  return tokens.size() - 1;
}

const EntryPoint* Module::find_entry(const std::string& name) const {
  for (const auto& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

Module parse_module(const std::string& source, const std::string& file_name) {
  Module m;
  m.file_name = file_name;
  m.tokens = tokenize(source, file_name);
  check_metal_restrictions(m);  // C++ that MSL lacks: refused rather than emulated
  Scanner(m).run();
  return m;
}

std::optional<std::string> function_constant_value(const Module& module, const std::map<std::string, std::string>& values,
                                                   const std::string& name) {
  for (const auto& fc : module.function_constants) {
    if (fc.name != name) continue;
    auto it = values.find(std::to_string(fc.index));
    if (it == values.end()) it = values.find(name);
    if (it != values.end()) return it->second;
  }
  return std::nullopt;
}

std::set<std::string> struct_field_names(const std::vector<Token>& t) {
  std::set<std::string> fields;
  for (size_t i = 0; i + 2 < t.size(); ++i) {
    if (!(t[i].is("struct") || t[i].is("class"))) continue;
    size_t j = i + 1;
    while (j < t.size() && !t[j].is("{") && !t[j].is(";")) ++j;
    if (j >= t.size() || !t[j].is("{")) continue;
    size_t close = matching_close(t, j);
    int depth = 0;
    for (size_t k = j + 1; k < close; ++k) {
      if (t[k].is("{") || t[k].is("(")) ++depth;
      if (t[k].is("}") || t[k].is(")")) --depth;
      if (depth == 0 && t[k].ident() && k + 1 < close &&
          (t[k + 1].is(";") || t[k + 1].is("[") || t[k + 1].is(",") || t[k + 1].is("=") || t[k + 1].is(":")))
        fields.insert(t[k].text);
    }
  }
  return fields;
}

std::vector<int> swizzle_components(const std::string& name) {
  if (name.size() < 2 || name.size() > 4) return {};
  static const std::string xyzw = "xyzw", rgba = "rgba";
  for (const std::string* set : {&xyzw, &rgba}) {
    std::vector<int> idx;
    for (char c : name) {
      auto p = set->find(c);
      if (p == std::string::npos) break;
      idx.push_back(static_cast<int>(p));
    }
    if (idx.size() == name.size()) return idx;
  }
  return {};
}

}  // namespace tmetal::msl
