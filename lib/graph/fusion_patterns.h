// Declarative fusion patterns: a name, a structure (a small tree of ops rooted at the group's output,
// with optional nodes and leaves that come from outside the group), the hardware the fused kernel
// needs, the min_generation derived from that, a predicate, and the kernel template that runs it.
#pragma once

#include "triton_metal/graph.h"

#include <functional>

namespace tmetal::graph {

struct PatternNode {
  std::vector<std::string> ops;       // empty: a leaf (any tensor computed outside the group)
  std::string capture;                // name the matched node (or leaf tensor) is recorded under
  std::vector<PatternNode> operands;  // patterns for the node's first inputs; further inputs are leaves
  bool optional = false;              // may be absent: then operands[0] matches in its place
  bool commutative = false;           // binary op whose two operands may match in either order
  bool scalar_constant = false;       // leaf must be a one-element constant
};

// What the fused kernel needs from the hardware.
struct PatternRequirements {
  bool simdgroup_matrix = false;
  int registers_per_thread = 0;          // live 32-bit registers per thread of the fused kernel
  int64_t threadgroup_bytes = 0;         // threadgroup memory of its smallest tile configuration
  std::string why;                       // the reasoning, shown when the pattern is refused
};

struct PatternMatch {
  std::vector<size_t> nodes;                      // matched node indices (root first)
  std::map<std::string, size_t> nodes_by_capture;
  std::map<std::string, std::string> leaves;      // capture -> tensor
};

struct FusionPattern {
  std::string name;
  std::string structure;  // human-readable structure
  PatternNode root;
  PatternRequirements requires_hw;
  Generation min_generation;  // derived: the first generation whose hardware meets requires_hw
  std::string kernel_template;
  // "" when the match may be fused on this target, else the reason it may not.
  std::function<std::string(const Graph&, const PatternMatch&, const GraphTarget&)> predicate;
};

// The patterns in priority order (larger ones first).
const std::vector<FusionPattern>& fusion_patterns();
// "" when `target` meets the requirements, else why not.
std::string requirement_failure(const PatternRequirements& req, const GraphTarget& target);
// The first generation whose hardware model meets the requirements (M5+1 cast when none does).
Generation derive_min_generation(const PatternRequirements& req);
// Structural match of `pattern` rooted at node `root`; `taken[i]` marks nodes already in a group.
std::optional<PatternMatch> match_pattern(const Graph& graph, const FusionPattern& pattern, size_t root,
                                          const std::vector<bool>& taken);
// The same with the graph's producer map (Graph::producers()) computed once by the caller, so matching at
// every node is not quadratic.
std::optional<PatternMatch> match_pattern(const Graph& graph, const FusionPattern& pattern, size_t root, const std::vector<bool>& taken,
                                          const std::map<std::string, size_t>& producers);

}  // namespace tmetal::graph
