// Trust checks of the emulator's object cache (see object_cache.h).
#include "runtime/emulator/object_cache.h"

#include <fmt/core.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace tmetal::runtime::emulator {

namespace fs = std::filesystem;

namespace {

// 128-bit content hash (two FNV-1a lanes): detects corrupted and edited objects. It is not a defence
// against this same user (who can rewrite the sidecar too); the ownership checks keep others out.
std::string content_hash(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  std::uint64_t a = 0xcbf29ce484222325ull, b = 0x84222325cbf29ce4ull;
  char buf[1 << 16];
  std::uint64_t total = 0;
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      auto c = static_cast<unsigned char>(buf[i]);
      a = (a ^ c) * 0x100000001b3ull;
      b = (b ^ c) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
    }
    total += static_cast<std::uint64_t>(in.gcount());
  }
  return fmt::format("{:016x}{:016x}-{}", a, b, total);
}

void warn(const std::string& msg) { std::fprintf(stderr, "triton-metal: warning: %s\n", msg.c_str()); }

// Removes "<...>.<pid>.<...>" temporaries whose process is gone (or that are older than a day).
void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  auto sweep = [&](const fs::path& folder, size_t pid_field) {
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      bool temp = name.ends_with(".so.tmp") || name.ends_with(".sum.tmp") || (name.ends_with(".cpp") && name.find('.') != name.rfind('.')) ||
                  (pid_field == 0 && name.ends_with(".metal"));
      if (!temp) continue;
      std::vector<std::string> parts;
      std::stringstream ss(name);
      for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
      if (parts.size() <= pid_field + 1) continue;
      char* endp = nullptr;
      long pid = std::strtol(parts[pid_field].c_str(), &endp, 10);
      if (!endp || *endp || pid <= 0) continue;
      bool dead = ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
      std::error_code tec;
      auto age = now - fs::last_write_time(it->path(), tec);
      if (dead || (!tec && age > std::chrono::hours(24))) fs::remove(it->path(), tec);
    }
  };
  sweep(dir, 1);                 // <key>.<pid>.<random>.cpp / .so.tmp / .sum.tmp
  sweep(dir / "preprocess", 0);  // <pid>.<random>.metal
}

// Makes `dir` (mode 0700 when new) and checks it; "" when usable, else the reason.
std::string prepare(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fmt::format("cannot create it: {}", ec.message());
  if (!fs::is_directory(dir, ec)) return "it is not a folder";
  return untrusted_reason(dir);
}

}  // namespace

std::string untrusted_reason(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return fmt::format("cannot stat it: {}", std::strerror(errno));
  if (S_ISLNK(st.st_mode) && ::stat(path.c_str(), &st) != 0) return fmt::format("cannot stat it: {}", std::strerror(errno));
  if (st.st_uid != ::geteuid()) return fmt::format("it is owned by user id {}, not by this user ({})", st.st_uid, ::geteuid());
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return fmt::format("it is writable by other users (mode {:04o})", st.st_mode & 07777);
  return "";
}

fs::path private_cache_folder(const fs::path& wanted) {
  static std::mutex mu;
  static std::set<std::string> swept, warned;
  std::lock_guard<std::mutex> lock(mu);
  fs::path dir = wanted;
  std::string why = prepare(dir);
  if (!why.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    fs::path base = fs::path(tmp && *tmp ? tmp : "/tmp") / fmt::format("triton-metal-{}", ::geteuid());
    std::error_code ec;
    fs::create_directory(base, ec);
    if (!ec) fs::permissions(base, fs::perms::owner_all, fs::perm_options::replace, ec);
    fs::path fallback = base / "emulator";
    std::string fallback_why = untrusted_reason(base);
    if (fallback_why.empty()) fallback_why = prepare(fallback);
    if (!fallback_why.empty()) {
      // Someone else holds the predictable name: a fresh private folder for this process only.
      std::string templ = (fs::path(tmp && *tmp ? tmp : "/tmp") / "triton-metal-XXXXXX").string();
      if (!::mkdtemp(templ.data())) throw std::runtime_error(fmt::format("cannot create a private emulator cache folder: {}", std::strerror(errno)));
      fallback = templ;
    }
    if (warned.insert(wanted.string()).second)
      warn(fmt::format("not using the cache folder {} ({}); using the private folder {} instead", wanted.string(), why, fallback.string()));
    dir = fallback;
  }
  if (swept.insert(dir.string()).second) remove_stale_temporaries(dir);
  return dir;
}

bool verify_cached_object(const fs::path& object, const std::string& key) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(object, ec))) return false;
  fs::path sum = object.string() + ".sum";
  std::string why;
  if (!fs::is_regular_file(fs::symlink_status(object, ec))) why = "it is not a regular file";
  else if (why = untrusted_reason(object); why.empty()) {
    std::ifstream in(sum);
    std::string stored_key, stored_hash;
    if (!(in >> stored_key >> stored_hash)) why = "its checksum file is missing or unreadable";
    else if (stored_key != key) why = "its checksum file belongs to another key";
    else if (stored_hash != content_hash(object)) why = "its content does not match its checksum (corrupted or edited)";
  }
  if (why.empty()) return true;
  warn(fmt::format("rebuilding the cached kernel object {}: {}", object.string(), why));
  fs::remove(object, ec);
  fs::remove(sum, ec);
  return false;
}

void record_cached_object(const fs::path& built, const fs::path& object, const std::string& key) {
  std::random_device rd;
  fs::path tmp = object.parent_path() / fmt::format("{}.{}.{:08x}.sum.tmp", object.stem().string(), ::getpid(), rd());
  {
    std::ofstream out(tmp);
    out << key << " " << content_hash(built) << "\n";
    if (!out) return;  // without a sidecar the entry is rebuilt next time
  }
  std::error_code ec;
  fs::rename(tmp, object.string() + ".sum", ec);
  if (ec) fs::remove(tmp, ec);
}

}  // namespace tmetal::runtime::emulator
