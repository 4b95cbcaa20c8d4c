// A float64 interpreter of specialized tile IR: runs a kernel's function once per program instance (program
// ids over the whole grid, in order) on host arrays. Floats are computed in double and rounded only where
// they are stored; integers wrap to their width. It is `triton-metal run --device interpreter` and the
// reference of `run --check`. It shares the front end with the compiler but none of the GPU lowering.
#pragma once

#include "interpreter/host_array.h"
#include "ir/operation.h"

#include <array>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
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

// One tl.device_print (tt.print) executed by one program: Triton's interpreter prints each value as
// `(pid0, pid1, pid2) PREFIX VALUES`, VALUES the whole tensor as NumPy prints it (a scalar as a 1-element array).
struct PrintValue {
  std::string dtype;            // "i32", "f16", "bf16", "u8", "i1", ...
  std::vector<int64_t> shape;   // empty for a scalar
  std::vector<double> data;     // row-major, as the interpreter holds it (i64 beyond 2^53 is rounded)
};
struct PrintEvent {
  std::array<uint32_t, 3> pid{};
  std::string prefix;  // already in Triton's form (" x: "), empty when none
  bool hex = false;
  std::vector<PrintValue> values;
};
using PrintSink = std::function<void(const PrintEvent&)>;

// Prints are skipped without a sink (the reference run of `run --check` must not repeat the kernel's output).
void interpret(const ir::Operation& func, std::array<uint32_t, 3> grid, const std::vector<InterpArg>& args,
               const PrintSink& print = nullptr);

// The event as one line per value, close to NumPy's formatting: ints in decimal (hex=True: 0x%02x of the value's
// bits), floats with up to 8 significant digits. The Python package formats with NumPy itself.
std::string format_print(const PrintEvent& e);

}  // namespace tmetal::interp
