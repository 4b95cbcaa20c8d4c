// The tile-IR verifier: op-specific checks (op_verifiers.cpp) plus types (power-of-two tensor shapes),
// region structure (one block per region, terminators of the right kind and types) and dominance
// (every operand is defined before its use, in the same or an enclosing block).
#pragma once

#include "ir/operation.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace tmetal::ir {

struct VerifyError {
  Location loc;
  std::string op;  // op name
  std::string message;
  std::string str() const;  // `file:line:col: error: 'op' message`
};

std::vector<VerifyError> verify(const Operation& root);

class VerificationFailed : public std::runtime_error {
 public:
  explicit VerificationFailed(std::vector<VerifyError> errors);
  const std::vector<VerifyError>& errors() const { return errors_; }

 private:
  std::vector<VerifyError> errors_;
};

// Throws VerificationFailed listing every problem when `root` is not well formed.
void verify_or_throw(const Operation& root);

}  // namespace tmetal::ir
