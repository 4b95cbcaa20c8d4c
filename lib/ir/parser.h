// Parses the textual tile IR written by printer.h back into operations.
//
// Grammar (whitespace free between tokens; `//` comments to end of line are skipped):
//   op        := 'module' attrs? '{' op* '}' loc?
//              | 'tt.func' '@' name '(' (arg (',' arg)*)? ')' attrs? '{' op* '}' loc
//              | (result '=')? opname (value (',' value)*)? attrs? (':' type (',' type)*)? region* loc
//   result    := '%' id (':' count)?          value := '%' id ('#' index)?
//   region    := '{' '^' id ('(' arg (',' arg)* ')')? ':' op* '}'      arg := '%' id ':' type
//   attrs     := '{' key '=' attr (',' key '=' attr)* '}'
//   attr      := int ':' type | float ':' type | 'true' | 'false' | string | 'type<' type '>' | 'array<' ints '>'
//   type      := i1|i8|i16|i32|i64|f16|bf16|f32 | '!tt.ptr<' type (',' addrspace)? '>'
//              | 'tensor<' (dim 'x')+ type (', #' name '<' body '>')? '>'
//   loc       := 'loc(' (string ':' line ':' col | 'unknown') ')'     (optional: omitted means unknown)
// Op names are looked up in the op registry, so ops registered by later stages parse too.
#pragma once

#include "ir/operation.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tmetal::ir {

// `file:line:col: error: message`.
class IrParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses one top-level op (normally a `module`). `filename` names the text in error messages.
std::unique_ptr<Operation> parse_ir(std::string_view text, const std::string& filename = "<ir>");

// Parses a single type such as `tensor<16x16xf32>`; throws IrParseError.
Type parse_type(std::string_view text);

}  // namespace tmetal::ir
