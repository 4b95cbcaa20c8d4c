// Human-readable description of a Target: each hardware fact with its value and source, and each tuning
// knob with its value and how it is derived. Used by `triton-metal info` and the docs.
#pragma once

#include "triton_metal/target.h"

#include <string>
#include <vector>

namespace tmetal::target {

struct Fact {
  std::string key;     // stable machine name, e.g. "threadgroup_memory_bytes"
  std::string label;   // e.g. "threadgroup memory"
  std::string value;   // formatted value, e.g. "32 KiB"
  std::string source;  // where it comes from (or how it is derived)
};

std::vector<Fact> describe_facts(const Target& target);
std::vector<Fact> describe_tuning(const Target& target);

}  // namespace tmetal::target
