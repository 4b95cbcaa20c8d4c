// GraphTarget: the hardware facts the graph level consults, built in this one place. Until the
// hardware model (include/triton_metal/target.h) is merged, the facts come from the small table below,
// which mirrors that model's values (Apple7+ feature tables: 32 KiB threadgroup memory, 32-wide SIMD
// groups, simdgroup_matrix on every M-series GPU; dynamic caching on M3 and later; bfloat as a type
// everywhere but not native arithmetic; register budget 208 KiB / (1024 threads x 4 B) = 52 without
// dynamic caching, 64 with it). After the merge, from_name() resolves through tmetal::target.
#include "triton_metal/graph.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

namespace tmetal::graph {

std::string generation_name(Generation generation) { return fmt::format("M{}", static_cast<int>(generation)); }

GraphTarget GraphTarget::for_generation(Generation generation) {
  GraphTarget t;
  t.generation = generation;
  t.name = fmt::format("apple-m{}", static_cast<int>(generation));
  t.threadgroup_memory_bytes = 32768;
  t.simd_width = 32;
  t.max_threads_per_threadgroup = 1024;
  t.supports_bfloat = true;
  t.has_native_bfloat = false;
  t.supports_simdgroup_matrix = true;
  t.has_dynamic_caching = generation >= Generation::M3;
  t.register_budget_per_thread = t.has_dynamic_caching ? 64 : 52;
  // 2x2 simdgroups, each the largest 8x8-fragment tile within the register budget; K step 32 (both
  // A and B slices, double buffered, fit in 32 KiB).
  int sg = t.register_budget_per_thread >= 64 ? 32 : 16;
  t.matmul_block_m = 2 * sg;
  t.matmul_block_n = 2 * sg;
  t.matmul_block_k = 32;
  return t;
}

GraphTarget GraphTarget::from_name(const std::string& name) {
  std::string n;
  for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n.rfind("apple-", 0) == 0) n = n.substr(6);
  if (n.size() >= 2 && n[0] == 'm' && n[1] >= '1' && n[1] <= '5' &&
      (n.size() == 2 || n[2] == '-' || n[2] == '_' || n[2] == ' ')) {
    GraphTarget t = for_generation(static_cast<Generation>(n[1] - '0'));
    return t;
  }
  throw GraphError(fmt::format("unknown target '{}' (targets: m1, m2, m3, m4, m5, or apple-m3 style names)", name));
}

}  // namespace tmetal::graph
