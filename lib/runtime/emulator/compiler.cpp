// Host-compiler driver and on-disk cache for emulated kernels (see compiler.h). The compiler is
// $TRITON_METAL_CXX or g++; the runtime headers are found at the path baked in at build time or at
// $TRITON_METAL_EMULATOR_INCLUDE.
#include "runtime/emulator/compiler.h"

#include "runtime/emulator/object_cache.h"

#include "runtime/msl/token.h"
#include "triton_metal/runtime.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace tmetal::runtime::emulator {

namespace fs = std::filesystem;

namespace {

// 128-bit FNV-1a style hash from two 64-bit lanes with different offsets; stable across processes.
struct Hasher {
  std::uint64_t a = 0xcbf29ce484222325ull, b = 0x84222325cbf29ce4ull;
  void add(std::string_view s) {
    for (unsigned char c : s) {
      a = (a ^ c) * 0x100000001b3ull;
      b = (b ^ c) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
    }
    a = (a ^ 0xff) * 0x100000001b3ull;
  }
  std::string hex() const { return fmt::format("{:016x}{:016x}", a, b); }
};

std::string include_dir() {
  if (const char* e = std::getenv("TRITON_METAL_EMULATOR_INCLUDE"); e && *e) return e;
  return TM_EMULATOR_INCLUDE_DIR;
}

std::string compiler() {
  if (const char* e = std::getenv("TRITON_METAL_CXX"); e && *e) return e;
  return "g++";
}

// What Metal's compiler predefines: MSL 3.1 (the language version with bfloat), __METAL__ (shared
// host/device headers take the device branch), __HAVE_BFLOAT__, and metal_stdlib's METAL_FUNC.
constexpr const char* kMetalVersionDefine = "-D__METAL_VERSION__=310 -D__METAL__=1 -D__HAVE_BFLOAT__=1 -DMETAL_FUNC=inline";

std::string flags() {
  // -fsanitize=integer-divide-by-zero: the check calls metal_rt/faults.h's handler (compiled into the object: the
  // link step below has no -fsanitize, so no sanitizer runtime is linked).
  return fmt::format("-std=c++20 -O2 -fPIC -shared -w -fvisibility=hidden -fno-strict-aliasing -fstack-clash-protection "
                     "-fsanitize=integer-divide-by-zero {} -I{}", kMetalVersionDefine,
                     include_dir());
}

// Runs a shell command, returning (exit status, combined output).
std::pair<int, std::string> run_command(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) throw Error(fmt::format("cannot run the host compiler: {}", cmd));
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// Identity of the toolchain and the runtime headers, computed once per process.
const std::string& toolchain_fingerprint() {
  static std::once_flag once;
  static std::string fp;
  std::call_once(once, [] {
    Hasher h;
    auto [rc, version] = run_command(compiler() + " --version");
    if (rc != 0) throw Error(fmt::format("the emulator's host compiler '{}' does not run: {}", compiler(), version));
    h.add(version);
    h.add(flags());
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(include_dir()))
      if (e.is_regular_file()) files.push_back(e.path());
    if (files.empty()) throw Error(fmt::format("the emulator's runtime headers are missing from {}", include_dir()));
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      h.add(f.filename().string());
      h.add(ss.str());
    }
    fp = h.hex();
  });
  return fp;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// True for a diagnostic located in the user's MSL: the kernel file or one of its headers (any file but the
// emulator's runtime headers, the generated entry glue, the cache's temporaries and the host's headers).
bool in_user_source(const std::string& line, const std::string& file_name) {
  if (line.rfind(file_name + ":", 0) == 0) return true;
  if (line.empty() || line[0] == ' ' || line.rfind("In file included", 0) == 0 || line.rfind("<", 0) == 0) return false;
  for (const std::string& prefix : {include_dir(), cache_directory(), std::string("/usr/")})
    if (line.rfind(prefix, 0) == 0) return false;
  return line.find(":") != std::string::npos;
}

// Keeps the compiler's errors that point into the user's MSL, dropping generated-code noise.
std::string user_diagnostics(const std::string& log, const std::string& file_name) {
  std::istringstream in(log);
  std::string line, kept, first_error;
  while (std::getline(in, line)) {
    bool is_error = line.find(": error:") != std::string::npos || line.find(": fatal error:") != std::string::npos;
    if (is_error && first_error.empty()) first_error = line;
    if (is_error && in_user_source(line, file_name) && kept.find(line) == std::string::npos) kept += line + "\n";
  }
  if (kept.empty()) {
    // An error inside the runtime headers: report it at the user's line that required it.
    std::istringstream again(log);
    std::string where;
    while (std::getline(again, line))
      if (line.rfind(file_name + ":", 0) == 0 && where.empty()) where = line;
    auto msg_at = first_error.find("error: ");
    if (!where.empty() && msg_at != std::string::npos) {
      // "FILE:L:C:   required from here" -> "FILE:L:C: error: MESSAGE (in the emulator's metal_stdlib)"
      std::string loc = where.substr(0, where.find(": ", file_name.size()));
      kept = loc + ": " + first_error.substr(msg_at) + " (in the emulator's metal_stdlib)\n";
    } else {
      kept = first_error.empty() ? log.substr(0, 4000) : first_error + "\n";
    }
  }
  if (!kept.empty() && kept.back() == '\n') kept.pop_back();
  return kept;
}

}  // namespace

bool needs_preprocessing(const std::string& msl, const std::string& file_name) {
  auto toks = msl::tokenize(msl, file_name);
  for (size_t i = 0; i < toks.size(); ++i) {
    const auto& t = toks[i];
    if (!t.directive || t.directive_start || !t.ident()) continue;
    if (t.text == "define" || t.text == "if" || t.text == "ifdef" || t.text == "ifndef") return true;
    // Any #include but <metal_*>: user headers are inlined; others are refused by the preprocessor's
    // include control (only Metal's headers and the user's files can be included).
    if (t.text == "include" && !(i + 2 < toks.size() && toks[i + 1].is("<") && toks[i + 2].text.rfind("metal_", 0) == 0)) return true;
  }
  return false;
}

namespace {

// "k.metal:3:10: fatal error: stdio.h: No such file or directory" -> a message naming the construct.
std::string include_refused(const std::string& log) {
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    auto at = line.find(": fatal error: ");
    auto missing = line.find(": No such file or directory");
    if (at == std::string::npos || missing == std::string::npos) continue;
    std::string header = line.substr(at + 15, missing - at - 15);
    return fmt::format("{}: error: #include of '{}' refused: only Metal's <metal_*> headers and the kernel's own files can be included "
                       "(no host headers; add a folder with -I / include_dirs for project headers)", line.substr(0, at), header);
  }
  return {};
}

}  // namespace

std::string preprocess(const std::string& msl, const std::string& file_name, const std::vector<std::string>& include_dirs) {
  fs::path dir = fs::path(cache_directory()) / "preprocess";
  fs::path stubs = dir / "stub-include";
  std::error_code ec;
  fs::create_directories(stubs, ec);
  if (ec) throw Error(fmt::format("cannot create {}: {}", stubs.string(), ec.message()));
  for (const auto& e : fs::directory_iterator(include_dir())) {
    if (!e.is_regular_file() || fs::exists(stubs / e.path().filename())) continue;
    std::ofstream(stubs / e.path().filename()) << "// stub: the emulator includes its metal_stdlib itself\n";
  }
  std::random_device rd;
  fs::path src = dir / fmt::format("{}.{:08x}.metal", getpid(), rd());
  {
    std::ofstream out(src, std::ios::binary);
    out << msl;
  }
  std::string quote_dir;
  fs::path user = fs::path(file_name).parent_path();
  if (!user.empty() && fs::is_directory(user)) quote_dir = "-iquote " + shell_quote(user.string());
  for (const auto& d : include_dirs) {
    if (!fs::is_directory(d)) throw CompileError(fmt::format("include folder '{}' does not exist", d));
    quote_dir += " -I" + shell_quote(d);
  }
  // -nostdinc: the host's headers are not reachable; <metal_*> resolve to the stubs.
  std::string cmd = fmt::format("{} -E -w -nostdinc -x c++ -std=c++20 {} -I{} {} {}", compiler(), kMetalVersionDefine,
                                shell_quote(stubs.string()), quote_dir, shell_quote(src.string()));
  auto [rc, out] = run_command(cmd);
  fs::remove(src, ec);
  // Errors and line markers name the temporary file; put the user's file name back.
  for (size_t at = 0; (at = out.find(src.string(), at)) != std::string::npos; at += file_name.size())
    out.replace(at, src.string().size(), file_name);
  if (rc != 0) {
    if (std::string refused = include_refused(out); !refused.empty()) throw CompileError(refused);
    throw CompileError(user_diagnostics(out, file_name));
  }
  return out;
}

std::string cache_directory() {
  const char* e = std::getenv("TRITON_METAL_CACHE_DIR");
  const char* home = std::getenv("HOME");
  fs::path wanted = e && *e ? fs::path(e) : fs::path(home && *home ? home : "/tmp") / ".cache" / "triton-metal" / "emulator";
  return private_cache_folder(wanted).string();  // owned by this user, writable by nobody else (object_cache.h)
}

CompiledObject compile_shared_object(const std::string& cpp, const std::string& file_name) {
  Hasher h;
  h.add(toolchain_fingerprint());
  h.add(cpp);
  fs::path dir = cache_directory();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create the emulator cache directory {}: {}", dir.string(), ec.message()));
  fs::path so = dir / (h.hex() + ".so");
  CompiledObject result;
  result.path = so.string();
  if (verify_cached_object(so, h.hex())) {
    result.from_cache = true;
    return result;
  }
  auto start = std::chrono::steady_clock::now();
  std::random_device rd;
  std::string tag = fmt::format("{}.{}.{:08x}", h.hex(), getpid(), rd());
  fs::path src = dir / (tag + ".cpp");
  fs::path tmp = dir / (tag + ".so.tmp");
  fs::path obj = dir / (tag + ".o");
  {
    std::ofstream out(src, std::ios::binary);
    out << cpp;
    if (!out) throw Error(fmt::format("cannot write {}", src.string()));
  }
  std::string cmd = fmt::format("{0} {1} -c -o {2} {3} 2>&1 && {0} -shared -o {4} {2} -lm", compiler(), flags(), shell_quote(obj.string()),
                                shell_quote(src.string()), shell_quote(tmp.string()));
  auto [rc, log] = run_command(cmd);
  fs::remove(obj, ec);
  if (rc != 0) {
    fs::remove(tmp, ec);
    fs::remove(src, ec);
    throw CompileError(user_diagnostics(log, file_name));
  }
  record_cached_object(tmp, so, h.hex());
  fs::rename(tmp, so, ec);  // atomic; a concurrent identical compile simply wins or loses the race
  if (ec) throw Error(fmt::format("cannot move {} into the cache: {}", tmp.string(), ec.message()));
  // Keep the translated source next to the object for debugging (TRITON_METAL_KEEP_CPP=1).
  if (const char* keep = std::getenv("TRITON_METAL_KEEP_CPP"); keep && *keep == '1') fs::rename(src, dir / (h.hex() + ".cpp"), ec);
  else fs::remove(src, ec);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace tmetal::runtime::emulator
