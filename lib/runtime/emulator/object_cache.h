// Trust checks of the emulator's on-disk cache of compiled kernels (shared objects that the process
// loads and runs, so a planted or edited file there would run as the user):
//   - the cache folder must be owned by this user and writable by nobody else; otherwise a private
//     folder ($TMPDIR/triton-metal-<uid>/emulator, checked the same way) is used with a warning;
//   - each object has a sidecar "<key>.so.sum" holding its key and a content hash; an object whose file
//     is not a regular file owned by the user, is writable by others, or whose content does not match
//     the sidecar is removed and rebuilt (a corrupted entry heals itself on the next run);
//   - temporaries of killed processes ("<key>.<pid>.<random>.cpp/.so.tmp", "preprocess/<pid>.*")
//     are removed once the process is gone.
#pragma once

#include <filesystem>
#include <string>

namespace tmetal::runtime::emulator {

// `wanted` (created if missing) when it is safe, else the private fallback; warns once on stderr.
// Also sweeps stale temporaries of dead processes, once per folder and process.
std::filesystem::path private_cache_folder(const std::filesystem::path& wanted);

// True when `object` exists and passes every check above for `key`; an entry that exists but fails is
// deleted (with its sidecar) so the caller rebuilds it.
bool verify_cached_object(const std::filesystem::path& object, const std::string& key);

// Writes the sidecar of `object` for `key` from the freshly `built` file that is about to be renamed
// to `object` (sidecar first, so a reader never sees an object without its sidecar), atomically.
void record_cached_object(const std::filesystem::path& built, const std::filesystem::path& object, const std::string& key);

// Why `path` may not be trusted as a cache folder or file ("" when it may): owned by another user, or
// writable by group or others.
std::string untrusted_reason(const std::filesystem::path& path);

}  // namespace tmetal::runtime::emulator
