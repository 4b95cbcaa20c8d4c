// A float64 interpreter of specialized tile IR: runs a kernel's function once per program instance (program
// ids over the whole grid, in order) on host arrays. Floats are computed in double and rounded only where
// they are stored; integers wrap to their width. It is `triton-metal run --device interpreter` and the
// reference of `run --check`. It shares the front end with the compiler but none of the GPU lowering.
#pragma once

#include "interpreter/host_array.h"
#include "ir/operation.h"

#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace tmetal::interp {

// Out-of-bounds accesses, constructs the interpreter does not model: what() names the kernel and location.
class InterpreterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct InterpArg {
  HostArray* array = nullptr;  // pointer parameters
  double scalar = 0;           // scalar parameters
};

void interpret(const ir::Operation& func, std::array<uint32_t, 3> grid, const std::vector<InterpArg>& args);

}  // namespace tmetal::interp
