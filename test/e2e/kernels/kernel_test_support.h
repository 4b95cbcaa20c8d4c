// Support for the end-to-end kernel tests: compile an examples/*.py kernel for a target, fill typed host
// arrays with random data, launch on the emulator, compare with a float64 C++ reference.
#pragma once

#include "interpreter/host_array.h"
#include "triton_metal/kernel.h"
#include "triton_metal/runtime.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tmetal::test {

// The text of a kernel file (an example or a test input); a failure when it cannot be read.
inline std::string file_source(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (ss.str().empty()) ADD_FAILURE() << "cannot read kernel file " << path;
  return ss.str();
}

inline std::string example_source(const std::string& name) { return file_source(std::string(TM_EXAMPLES_DIR) + "/" + name + ".py"); }

// Compiles `kernel` of the file at `path` (errors name the file by its base name).
inline CompiledKernel compile_file(const std::string& path, const std::string& kernel, const std::string& signature,
                                   const std::string& constexprs, const std::string& target, int num_warps = 4) {
  Specialization spec;
  spec.parse_signature(signature);
  if (!constexprs.empty()) spec.parse_constexpr(constexprs);
  KernelOptions o;
  o.target = target;
  o.num_warps = num_warps;
  std::string name = path.substr(path.find_last_of('/') + 1);
  return compile(file_source(path), name, kernel, spec, o);
}

inline CompiledKernel compile_example(const std::string& example, const std::string& kernel, const std::string& signature,
                                      const std::string& constexprs, const std::string& target, int num_warps = 4) {
  return compile_file(std::string(TM_EXAMPLES_DIR) + "/" + example + ".py", kernel, signature, constexprs, target, num_warps);
}

inline runtime::Device& emulator() {
  static std::unique_ptr<runtime::Device> d = runtime::make_device("emulator");
  return *d;
}

inline double tolerance(const std::string& dtype, double scale = 1.0) {
  if (dtype == "f32") return 2e-5 * scale;
  if (dtype == "f16") return 4e-3 * scale;
  if (dtype == "bf16") return 2e-2 * scale;
  return 0;
}

// Max |got - want| / (1 + |want|) over all elements; reports the first element past `tol`.
inline ::testing::AssertionResult matches(const interp::HostArray& got, const std::vector<double>& want, double tol) {
  if (got.size() != want.size()) return ::testing::AssertionFailure() << "size " << got.size() << " vs " << want.size();
  double worst = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    double err = std::fabs(got.get(i) - want[i]) / (1.0 + std::fabs(want[i]));
    if (!(err <= tol))
      return ::testing::AssertionFailure() << "element " << i << ": got " << got.get(i) << ", want " << want[i]
                                           << " (tolerance " << tol << ")";
    worst = std::max(worst, err);
  }
  return ::testing::AssertionSuccess() << "max error " << worst;
}

inline KernelArg arg(interp::HostArray& a) { return KernelArg::array(a.data(), a.bytes()); }

}  // namespace tmetal::test
