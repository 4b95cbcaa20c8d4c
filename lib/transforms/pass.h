// Tile-IR passes: the Pass interface and the registry of named passes (`inline`, `canonicalize`, ...).
#pragma once

#include "ir/operation.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tmetal::transforms {

class Pass {
 public:
  virtual ~Pass() = default;
  virtual std::string name() const = 0;  // the name used by --print-after and --passes
  // Rewrites `module` in place; throws std::runtime_error (with a located message) on user errors.
  virtual void run(ir::Operation& module) = 0;
};

using PassFactory = std::function<std::unique_ptr<Pass>()>;

// Every pass of this layer, by name, in the order of the default pipeline's first use.
std::vector<std::string> pass_names();
std::unique_ptr<Pass> create_pass(const std::string& name);  // null when unknown

// The stage-2 pipeline: inline, constant-fold, canonicalize, cse, licm, dce.
std::vector<std::string> default_pipeline();

std::unique_ptr<Pass> create_inline_pass();
std::unique_ptr<Pass> create_constant_fold_pass();
std::unique_ptr<Pass> create_canonicalize_pass();
std::unique_ptr<Pass> create_cse_pass();
std::unique_ptr<Pass> create_dce_pass();
std::unique_ptr<Pass> create_licm_pass();

}  // namespace tmetal::transforms
