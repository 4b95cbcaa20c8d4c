// The registry of named tile-IR passes and the default stage-2 pipeline.
#include "transforms/pass.h"

#include <map>

namespace tmetal::transforms {
namespace {

const std::vector<std::pair<std::string, PassFactory>>& factories() {
  static const std::vector<std::pair<std::string, PassFactory>> all = {
      {"inline", create_inline_pass},   {"constant-fold", create_constant_fold_pass},
      {"canonicalize", create_canonicalize_pass}, {"cse", create_cse_pass},
      {"licm", create_licm_pass},       {"dce", create_dce_pass},
  };
  return all;
}

}  // namespace

std::vector<std::string> pass_names() {
  std::vector<std::string> names;
  for (auto& [name, factory] : factories()) names.push_back(name);
  return names;
}

std::unique_ptr<Pass> create_pass(const std::string& name) {
  for (auto& [n, factory] : factories())
    if (n == name) return factory();
  return nullptr;
}

std::vector<std::string> default_pipeline() { return {"inline", "constant-fold", "canonicalize", "cse", "licm", "dce"}; }

}  // namespace tmetal::transforms
