// The op registry: every operation kind (built-in or defined by a later stage) has one OpInfo giving its
// textual name, its traits and its verifier. Built-in kinds also have an OpCode (op_codes.def); kinds that
// other layers register (lib/gpu's ops, say) get OpCode::Custom and are told apart by name.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tmetal::ir {

class Operation;

enum class OpCode : uint16_t {
#define TM_OP(E, N, T) E,
#include "ir/op_codes.def"
#undef TM_OP
  Custom,
};

namespace trait {
inline constexpr uint32_t P = 1;  // pure: no side effects, may be removed when unused or merged by CSE
inline constexpr uint32_t T = 2;  // terminator of its block
inline constexpr uint32_t C = 4;  // commutative binary op
inline constexpr uint32_t I = 8;  // isolated from above: its regions see no outer values
}  // namespace trait

// Returns an empty string when `op` is well formed, else the reason (without location).
using OpVerifier = std::function<std::string(const Operation& op)>;

struct OpInfo {
  std::string name;
  OpCode code = OpCode::Custom;
  uint32_t traits = 0;
  OpVerifier verify;  // may be empty: no op-specific checks
  bool has(uint32_t t) const { return (traits & t) != 0; }
};

// Registers a new op kind (name must be new); the returned pointer stays valid for the program's life.
const OpInfo* register_op(std::string name, uint32_t traits, OpVerifier verify = {});
const OpInfo* find_op(std::string_view name);  // null when unknown
const OpInfo* op_info(OpCode code);            // built-in kinds

}  // namespace tmetal::ir
