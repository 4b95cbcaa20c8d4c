// Recursive-descent parser for the Python subset of Triton kernels (indentation, def, decorators,
// annotations, for/while/if/elif/else, return, tuple and augmented assignment, slicing with None and ':',
// keyword arguments, module-level constants, imports). Throws CompileError on syntax errors.
#pragma once

#include "frontend/ast.h"
#include "frontend/lexer.h"

namespace tmetal::frontend {

Module parse_module(const SourceFile& file);

}  // namespace tmetal::frontend
