// Runs the ONNX importer for `triton-metal graph model.onnx` (see graph_import.h): Debian's python3
// ($TRITON_METAL_PYTHON overrides) on the importer script found next to the kernel templates' source tree
// ($TRITON_METAL_ONNX_IMPORTER overrides), spawned without a shell; its one-line error is reported as ours.
#include "graph_import.h"

#include "triton_metal/graph.h"

#include <fmt/core.h>

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace tmetal::cli {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

}  // namespace

bool is_onnx_file(const std::filesystem::path& model) {
  std::string ext = model.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".onnx";
}

std::filesystem::path import_onnx_model(const std::filesystem::path& model, const std::filesystem::path& work_dir,
                                        const std::vector<std::string>& input_shapes) {
  if (!std::filesystem::is_regular_file(model)) throw std::runtime_error(fmt::format("{}: cannot open ONNX file", model.string()));
  std::string python = env_or("TRITON_METAL_PYTHON", std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
  std::filesystem::path script = env_or(
      "TRITON_METAL_ONNX_IMPORTER",
      (graph::default_kernels_dir().parent_path() / "python" / "triton_metal" / "graph" / "_importer" / "cli.py").string());
  if (!std::filesystem::exists(script))
    throw std::runtime_error(fmt::format("{}: the ONNX importer '{}' is missing (set TRITON_METAL_ONNX_IMPORTER)", model.string(), script.string()));
  std::filesystem::remove_all(work_dir);
  std::filesystem::create_directories(work_dir);
  std::filesystem::path error_file = work_dir / "import-error.txt";
  std::vector<std::string> args = {python, "-B", script.string(), model.string(), work_dir.string(), "--error-file", error_file.string()};
  for (const auto& s : input_shapes) args.insert(args.end(), {"--input-shape", s});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0)
    throw std::runtime_error(fmt::format("{}: cannot run the ONNX importer with '{}': {} (set TRITON_METAL_PYTHON to a python3 with "
                                         "numpy and onnx: Debian's python3-onnx)", model.string(), python, std::strerror(rc)));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream in(error_file);
    std::stringstream msg;
    msg << in.rdbuf();
    if (msg.str().empty())
      throw std::runtime_error(fmt::format("{}: the ONNX importer ({} {}) failed with status {} (its output is above)", model.string(), python,
                                           script.string(), WIFEXITED(status) ? WEXITSTATUS(status) : -1));
    throw std::runtime_error(msg.str());
  }
  for (const auto& e : std::filesystem::directory_iterator(work_dir))
    if (e.path().extension() == ".json") return e.path();
  throw std::runtime_error(fmt::format("{}: the ONNX importer wrote no graph into {}", model.string(), work_dir.string()));
}

}  // namespace tmetal::cli
