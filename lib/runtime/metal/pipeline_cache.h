// The Metal device's in-memory pipeline cache, keyed by (source hash, entry, function constants, MSL version,
// fast math): compiling the same kernel twice in a process costs one lookup. The source hash (FNV-1a 64, stable
// across runs) also names the on-disk precompiled metallib.
#pragma once

#include "runtime/metal/metal_api.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace tmetal::runtime::metal {

std::uint64_t source_hash(std::string_view text);

struct PipelineKey {
  std::uint64_t source = 0;
  std::string entry;
  std::string constants;  // canonical "index:type:hexbytes;..." of the encoded values, sorted by index
  std::uint32_t language_version = 0;
  bool fast_math = false;
  auto tie() const { return std::tie(source, entry, constants, language_version, fast_math); }
  bool operator<(const PipelineKey& o) const { return tie() < o.tie(); }
};

std::string canonical_constants(std::vector<ConstantValue> constants);

template <class Value> class PipelineCache {
 public:
  std::shared_ptr<Value> find(const PipelineKey& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    ++hits_;
    return it->second;
  }
  void insert(const PipelineKey& key, std::shared_ptr<Value> value) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_[key] = std::move(value);
  }
  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
  }
  std::size_t hits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return hits_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<PipelineKey, std::shared_ptr<Value>> entries_;
  std::size_t hits_ = 0;
};

}  // namespace tmetal::runtime::metal
