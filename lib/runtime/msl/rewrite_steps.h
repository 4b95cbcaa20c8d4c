// Rewrite steps that both MSL translators (the emulator's MSL -> C++, the CUDA proxy's MSL -> CUDA) make the
// same way: recognising address spaces and the type they qualify, dropping attributes and explicit
// instantiations, `is_function_constant_defined(x)`, vector swizzles and function-constant declarations.
// Each returns the index after the tokens it consumed (0: the step does not apply at tokens[i]).
#pragma once

#include "runtime/msl/token.h"
#include "runtime/msl/token_writer.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tmetal::msl {

// device / constant / threadgroup / thread
bool is_address_space(const Token& t);

// tokens[i] is an address space: the index of the token that ends the type it qualifies ('*', '&', '&&', ';',
// '[', '=', ',', ')', '(', '{' outside template brackets). `saw_const` (when given) is set when a top-level
// `const` stands in the type.
size_t address_space_type_end(const std::vector<Token>& tokens, size_t i, bool* saw_const = nullptr);

// `[[attribute]]` at tokens[i]: the index of its closing ']' (0 when tokens[i] opens none).
size_t attribute_close(const std::vector<Token>& tokens, size_t i);

// `template [[host_name("x")]] kernel void f<T>(...);` at tokens[i] (an explicit instantiation that the entry
// glue replaces): dropped.
size_t drop_host_name_instantiation(const std::vector<Token>& tokens, size_t i, TokenWriter& w);

// `is_function_constant_defined(x)` at tokens[i]  ->  `(x__tm_defined)`.
size_t rewrite_function_constant_defined(const std::vector<Token>& tokens, size_t i, TokenWriter& w);

// `.xyz` at tokens[i] (a swizzle of two or more components, not a member the source's structs declare)
//   ->  `.template sw<0, 1, 2>()`.
size_t rewrite_swizzle(const std::vector<Token>& tokens, size_t i, const std::set<std::string>& fields, TokenWriter& w);

// `constant T name [[function_constant(k)]] ...;` with tokens[i] = `constant` and tokens[j] the attribute's
// first '[': emits `<qualifiers> T name = T(value); <qualifiers> bool name__tm_defined = true|false;` (value:
// nullopt when the launch leaves the constant undefined) in the place of the declaration.
size_t function_constant_declaration(const std::vector<Token>& tokens, size_t i, size_t j, const std::string& qualifiers,
                                     const std::string& type, const std::optional<std::string>& value, TokenWriter& w);

}  // namespace tmetal::msl
