// Confinement of graph-named files (see file_confinement.h).
#include "file_confinement.h"

#include "triton_metal/graph.h"

#include <fmt/core.h>

namespace tmetal::graph {

namespace fs = std::filesystem;

void require_regular_file(const fs::path& path, const std::string& what) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || st.type() == fs::file_type::not_found) throw GraphError(fmt::format("{} '{}': no such file", what, path.string()));
  if (st.type() == fs::file_type::directory) throw GraphError(fmt::format("{} '{}': is a folder, not a file", what, path.string()));
  if (st.type() != fs::file_type::regular)
    throw GraphError(fmt::format("{} '{}': is not a regular file (FIFOs, sockets and devices are refused)", what, path.string()));
}

namespace {
// `s` with control characters (NUL, newline, ...) written as \xNN, so a message shows them.
std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += c < 0x20 || c == 0x7f ? fmt::format("\\x{:02x}", c) : std::string(1, static_cast<char>(c));
  return out;
}
}  // namespace

fs::path confined_input_file(const fs::path& folder, const std::string& relative, const std::string& what) {
  auto fail = [&](const std::string& why) { throw GraphError(fmt::format("{} '{}': {}", what, printable(relative), why)); };
  if (relative.empty()) fail("is empty");
  if (relative.find('\0') != std::string::npos) fail("contains a NUL character");
  fs::path rel(relative);
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory()) fail("must be a path relative to the graph's folder, not an absolute path");
  for (const auto& part : rel)
    if (part == "..") fail("must stay inside the graph's folder ('..' is not allowed)");
  std::error_code ec;
  fs::path base = fs::canonical(folder.empty() ? fs::path(".") : folder, ec);
  if (ec) fail(fmt::format("the graph's folder '{}' cannot be resolved: {}", folder.string(), ec.message()));
  fs::path full = base / rel;
  if (!fs::exists(full, ec)) fail("no such file in the graph's folder");
  fs::path real = fs::canonical(full, ec);
  if (ec) fail(fmt::format("cannot be resolved: {}", ec.message()));
  // A symlink inside the folder may point anywhere: the resolved file must still lie under the folder.
  auto [b, r] = std::mismatch(base.begin(), base.end(), real.begin(), real.end());
  if (b != base.end()) fail(fmt::format("resolves to '{}', outside the graph's folder (symlinks may not leave it)", real.string()));
  require_regular_file(real, what);
  return real;
}

std::string safe_file_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  if (out.size() > 200) out = out.substr(0, 200);  // file systems limit names to 255 bytes
  return out;
}

}  // namespace tmetal::graph
