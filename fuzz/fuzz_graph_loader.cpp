// libFuzzer target over the graph loader: the input is split at the first two "\n----\n" separators
// into a graph JSON text, the bytes of a safetensors file (w.safetensors) and the bytes of an .npy file
// (w.npy), both written into a scratch folder next to the graph. parse_graph() must either return a
// validated graph or throw GraphError; any other exception, a crash, a sanitizer report (out-of-bounds
// read of the weight bytes, integer overflow in size arithmetic) or a hang is a bug. Crashing inputs
// become cases in test/hostile/manifest.json.
#include "triton_metal/graph.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {
const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("fuzz-graph-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

void write(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 200000) return 0;
  std::string in(reinterpret_cast<const char*>(data), size);
  const std::string sep = "\n----\n";
  size_t a = in.find(sep);
  size_t b = a == std::string::npos ? std::string::npos : in.find(sep, a + sep.size());
  std::string graph = in.substr(0, a);
  std::string st = a == std::string::npos ? "" : in.substr(a + sep.size(), b == std::string::npos ? std::string::npos : b - a - sep.size());
  std::string npy = b == std::string::npos ? "" : in.substr(b + sep.size());
  write(scratch() / "w.safetensors", st);
  write(scratch() / "w.npy", npy);
  try {
    tmetal::graph::Graph g = tmetal::graph::parse_graph(graph, "fuzz.json", scratch());
    (void)g;
  } catch (const tmetal::graph::GraphError&) {
    // the expected answer to bad input
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_graph_loader: unexpected exception (not GraphError): %s\n", e.what());
    std::abort();
  }
  return 0;
}
