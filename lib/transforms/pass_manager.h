// Runs a sequence of tile-IR passes with the debugging aids of the CLI: --print-after-all,
// --print-after=PASS and --verify-each (verification after every pass; on by default in builds without
// NDEBUG, i.e. debug builds, and turned on explicitly by the test suite).
#pragma once

#include "transforms/pass.h"

#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace tmetal::transforms {

#ifdef NDEBUG
inline constexpr bool kVerifyEachByDefault = false;
#else
inline constexpr bool kVerifyEachByDefault = true;
#endif

struct PassManagerOptions {
  bool verify_each = kVerifyEachByDefault;
  bool print_after_all = false;
  std::set<std::string> print_after;  // pass names
  // Receives `// -----// IR Dump After NAME //----- //` followed by the IR; default: none.
  std::function<void(const std::string& text)> dump;
};

// A pass left invalid IR behind (a compiler bug, reported with the pass name and the verifier's errors).
class PassVerificationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PassManager {
 public:
  explicit PassManager(PassManagerOptions options = {}) : options_(std::move(options)) {}
  void add(std::unique_ptr<Pass> pass) { passes_.push_back(std::move(pass)); }
  // Adds passes by name; throws std::invalid_argument naming an unknown pass.
  void add_pipeline(const std::vector<std::string>& names);
  void run(ir::Operation& module);

 private:
  PassManagerOptions options_;
  std::vector<std::unique_ptr<Pass>> passes_;
};

}  // namespace tmetal::transforms
