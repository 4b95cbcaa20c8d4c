// Public C++ API of stages 1–2 of triton-metal: Triton-language source → tile IR (front end), then the
// tile-level pass pipeline. Later stages (GPU lowering, MSL) extend this API; the CLI's `compile`
// command is a thin layer over compile_tile_ir().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace tmetal {
namespace ir {
class Operation;
}

// One runtime argument of the kernel, in Triton's signature spelling.
struct ArgSpec {
  std::string type;      // "*fp32", "*fp16", "*bf16", "*i8", ..., "i1", "i8", "i16", "i32", "i64", "u8".."u64", "fp16", "bf16", "fp32"
  int divisibility = 1;  // 16: an integer known divisible by 16, or a pointer known 16-byte aligned
};

using ConstexprValue = std::variant<int64_t, double, bool, std::string>;  // string: a dtype name such as "fp16"

// What the caller specializes a kernel on (with the target, this is the compilation cache key).
struct Specialization {
  std::map<std::string, ArgSpec> args;               // by parameter name
  std::map<std::string, ConstexprValue> constexprs;  // by parameter name

  // Parses `x_ptr=*fp32:16, y_ptr=*fp16, n=i32:16` (`:16` records divisibility/alignment by 16).
  // Throws std::invalid_argument naming the bad entry.
  void parse_signature(const std::string& text);
  // Parses `BLOCK=1024` (also `A=1,B=2`); values are ints, floats, True/False, or dtype names.
  void parse_constexpr(const std::string& text);
  std::string key() const;  // canonical text, e.g. for caching
};

struct CompileOptions {
  bool run_passes = true;                            // false: stop after stage 1 (tile-ir-raw)
  std::optional<std::vector<std::string>> passes;    // override of the default stage-2 pipeline
  bool verify_each = true;                           // verify after the front end and after every pass
  bool print_after_all = false;
  std::set<std::string> print_after;
  bool locations = true;                             // print loc(...) in IR text
  std::function<void(const std::string& dump)> dump;  // receives IR dumps; default: collected in the result
};

struct TileIrResult {
  TileIrResult();
  ~TileIrResult();
  TileIrResult(TileIrResult&&) noexcept;
  TileIrResult& operator=(TileIrResult&&) noexcept;

  std::string raw_ir;                        // after stage 1 (front end)
  std::string ir;                            // after stage 2 (passes); equals raw_ir when passes are off
  std::vector<std::string> dumps;            // --print-after dumps when no dump callback was given
  std::unique_ptr<ir::Operation> module;     // the final module (ownership passes to the caller)
};

// A user error in the kernel source: what() is the rendered `file:line:col: error: ...` diagnostic with
// the source line and a caret.
class CompileFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Compiles kernel `kernel` of `source` (a Python file's text; `filename` is used in diagnostics and
// locations). Throws CompileFailure for user errors and std::invalid_argument for a bad option.
TileIrResult compile_tile_ir(const std::string& source, const std::string& filename, const std::string& kernel,
                             const Specialization& spec, const CompileOptions& options = {});

// Compiles tile-IR text (`.tir`) through the pass pipeline only (for pass tests and debugging).
TileIrResult optimize_tile_ir(const std::string& text, const std::string& filename, const CompileOptions& options = {});

}  // namespace tmetal
