// Rewrite steps shared by the MSL translators (see rewrite_steps.h).
#include "runtime/msl/rewrite_steps.h"

#include "runtime/msl/module.h"

#include <fmt/core.h>

namespace tmetal::msl {

bool is_address_space(const Token& t) {
  return t.ident() && (t.text == "device" || t.text == "constant" || t.text == "threadgroup" || t.text == "thread");
}

size_t address_space_type_end(const std::vector<Token>& t, size_t i, bool* saw_const) {
  size_t j = i + 1;
  int angle = 0;
  for (; j + 1 < t.size(); ++j) {
    const Token& u = t[j];
    if (u.is("<")) ++angle;
    else if (u.is(">")) --angle;
    else if (u.is(">>")) angle -= 2;
    else if (angle <= 0 && (u.is("*") || u.is("&") || u.is("&&") || u.is(";") || u.is("[") || u.is("=") || u.is(",") ||
                            u.is(")") || u.is("(") || u.is("{")))
      break;
    if (angle < 0) break;
    if (saw_const && angle == 0 && u.is("const")) *saw_const = true;
  }
  return j;
}

size_t attribute_close(const std::vector<Token>& t, size_t i) {
  if (!(t[i].is("[") && i + 1 < t.size() && t[i + 1].is("["))) return 0;
  return matching_close(t, i);
}

size_t drop_host_name_instantiation(const std::vector<Token>& t, size_t i, TokenWriter& w) {
  if (!(t[i].is("template") && i + 1 < t.size() && t[i + 1].is("["))) return 0;
  size_t j = i;
  while (j + 1 < t.size() && !t[j].is(";")) ++j;
  w.drop(t[i]);
  return j + 1;
}

size_t rewrite_function_constant_defined(const std::vector<Token>& t, size_t i, TokenWriter& w) {
  if (!(t[i].is("is_function_constant_defined") && i + 3 < t.size() && t[i + 1].is("(") && t[i + 2].ident() && t[i + 3].is(")")))
    return 0;
  w.tok(t[i], "(" + t[i + 2].text + "__tm_defined)");
  return i + 4;
}

size_t rewrite_swizzle(const std::vector<Token>& t, size_t i, const std::set<std::string>& fields, TokenWriter& w) {
  if (!(t[i].is(".") && i + 1 < t.size() && t[i + 1].ident() && !t[i + 1].directive)) return 0;
  auto idx = swizzle_components(t[i + 1].text);
  if (idx.empty() || fields.count(t[i + 1].text)) return 0;
  std::string s = ".template sw<";
  for (size_t k = 0; k < idx.size(); ++k) s += (k ? ", " : "") + std::to_string(idx[k]);
  w.tok(t[i], s + ">()");
  return i + 2;
}

size_t function_constant_declaration(const std::vector<Token>& t, size_t i, size_t j, const std::string& qualifiers,
                                     const std::string& type, const std::optional<std::string>& value, TokenWriter& w) {
  const std::string name = t[j - 1].text;
  size_t end = j;
  while (end + 1 < t.size() && !t[end].is(";")) ++end;
  w.tok(t[i], fmt::format("{4} {0} {1} = {0}({2}); {4} bool {1}__tm_defined = {3};", type, name, value.value_or(""),
                          value ? "true" : "false", qualifiers));
  return end + 1;
}

}  // namespace tmetal::msl
