// GraphTarget: the hardware facts the graph level consults, built in this one place from the hardware
// model (include/triton_metal/target.h): threadgroup memory, SIMD width, dynamic caching, bfloat support,
// simdgroup_matrix, the register budget per thread, and the f32 matmul tile the GPU lowering will use.
#include "triton_metal/graph.h"

namespace tmetal::graph {

GraphTarget GraphTarget::from_target(const tmetal::target::Target& t) {
  GraphTarget g;
  g.name = t.name();
  g.generation = t.generation();
  g.threadgroup_memory_bytes = t.threadgroup_memory_bytes();
  g.simd_width = t.simd_width();
  g.max_threads_per_threadgroup = t.max_threads_per_threadgroup();
  g.has_dynamic_caching = t.has_dynamic_caching();
  g.supports_bfloat = t.supports_bfloat();
  g.has_native_bfloat = t.has_native_bfloat();
  g.supports_simdgroup_matrix = t.supports_simdgroup_matrix();
  g.register_budget_per_thread = t.register_budget_per_thread();
  auto tile = t.matmul_tile(tmetal::DType::f32, tmetal::DType::f32);
  g.matmul_block_m = tile.block_m;
  g.matmul_block_n = tile.block_n;
  g.matmul_block_k = tile.block_k;
  return g;
}

GraphTarget GraphTarget::from_name(const std::string& name) {
  try {
    return from_target(tmetal::target::resolve_target(name));
  } catch (const tmetal::target::UnknownTargetError& e) {
    throw GraphError(e.what());
  }
}

GraphTarget GraphTarget::for_generation(Generation generation) {
  return from_name(std::string(tmetal::target::generation_name(generation)));
}

}  // namespace tmetal::graph
