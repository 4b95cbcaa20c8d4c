// Op-specific well-formedness checks of the built-in tile-IR ops (operand counts, types, shapes, attributes).
#pragma once

#include "ir/op_info.h"

namespace tmetal::ir {

OpVerifier builtin_verifier(OpCode code);

}  // namespace tmetal::ir
