// tmetal::compile (include/triton_metal/kernel.h): front end and tile passes (compile_tile_ir), then the GPU
// lowering (layouts), then MSL emission and launch metadata.
#include "codegen/launch_metadata.h"
#include "codegen/msl_emitter.h"
#include "gpu/assign_dot_layouts.h"
#include "gpu/coalesce_accesses.h"
#include "gpu/dot_b_rows.h"
#include "gpu/propagate_fragment_layout.h"
#include "gpu/assign_layouts.h"
#include "gpu/insert_layout_conversions.h"
#include "gpu/layout_encoding.h"
#include "gpu/pipeline_dot_loads.h"
#include "transforms/pass.h"
#include "gpu/remove_layout_conversions.h"
#include "ir/printer.h"
#include "triton_metal/kernel.h"
#include "triton_metal/target.h"

#include <fmt/format.h>

#include <set>

namespace tmetal {

const std::vector<std::string>& gpu_pass_names() {
  static const std::vector<std::string> names = {"pipeline-dot-loads", "assign-layouts", "coalesce-accesses", "dot-b-rows",
                                                 "assign-dot-layouts", "insert-layout-conversions", "propagate-fragment-layout",
                                                 "remove-layout-conversions"};
  return names;
}

CompiledKernel compile(const std::string& source, const std::string& filename, const std::string& kernel,
                       const Specialization& spec, const KernelOptions& options) {
  target::Target tgt = options.target.empty() ? target::default_target() : target::resolve_target(options.target);
  if (options.num_warps < 1 || options.num_warps > 32 || (options.num_warps & (options.num_warps - 1)))
    throw std::invalid_argument(fmt::format("--num-warps must be a power of two from 1 to 32 (got {})", options.num_warps));
  if (options.num_warps * tgt.simd_width() > tgt.max_threads_per_threadgroup())
    throw std::invalid_argument(fmt::format("{} warps of {} threads exceed the {} threads per threadgroup of {}", options.num_warps,
                                            tgt.simd_width(), tgt.max_threads_per_threadgroup(), tgt.name()));
  CompileOptions tile_opts = options.tile;
  tile_opts.run_passes = true;
  // The GPU passes are this stage's: the tile pipeline must not see their names.
  std::set<std::string> print_gpu;
  for (const std::string& pass : gpu_pass_names())
    if (tile_opts.print_after_all || tile_opts.print_after.erase(pass) > 0) print_gpu.insert(pass);
  TileIrResult tir = compile_tile_ir(source, filename, kernel, spec, tile_opts);
  CompiledKernel out;
  out.name = kernel;
  out.target = tgt.name();
  out.msl_version = tgt.msl_version();
  out.tile_ir_raw = tir.raw_ir;
  out.tile_ir = tir.ir;
  out.num_warps = options.num_warps;
  out.specialization_key = spec.key();
  ir::Operation* func = nullptr;
  tir.module->walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::Func) && (op->str_attr("sym_name") == kernel || !func)) func = op;
  });
  if (!func) throw CompileFailure(fmt::format("{}: error: kernel '{}' produced no function", filename, kernel));
  gpu::register_layout_encodings();
  gpu::LoweringOptions lo;
  lo.num_warps = options.num_warps;
  lo.simd_width = tgt.simd_width();
  lo.preferred_vector_bytes = tgt.preferred_vector_bytes();
  ir::PrintOptions po;
  po.locations = tile_opts.locations;
  auto after = [&](const char* pass) {
    if (print_gpu.count(pass) && tile_opts.dump)
      tile_opts.dump(fmt::format("// -----// IR Dump After {} //----- //\n{}", pass, ir::print_op(*tir.module, po)));
  };
  if (options.num_stages < 0 || options.num_stages > 8)
    throw std::invalid_argument(fmt::format("num_stages must be from 1 to 8 (got {})", options.num_stages));
  gpu::pipeline_dot_loads(*func, options.num_stages > 0 ? options.num_stages : tgt.default_num_stages(), options.num_stages == 0);
  after("pipeline-dot-loads");
  try {
    gpu::assign_layouts(*func, lo);
  } catch (const std::invalid_argument& e) {
    throw CompileFailure(fmt::format("{}: error: kernel '{}': cannot assign layouts: {}", filename, kernel, e.what()));
  }
  after("assign-layouts");
  gpu::coalesce_accesses(*func, lo);
  after("coalesce-accesses");
  gpu::dot_b_rows(*func);
  after("dot-b-rows");
  gpu::assign_dot_layouts(*func, lo.num_warps);
  after("assign-dot-layouts");
  gpu::insert_layout_conversions(*func, lo.num_warps, lo.simd_width);
  after("insert-layout-conversions");
  gpu::propagate_fragment_layout(*func);
  after("propagate-fragment-layout");
  gpu::remove_layout_conversions(*func);
  // The layout passes leave producers whose users moved to other layouts (an index tensor recomputed in the
  // layout of its new users): dead, they would still be emitted.
  transforms::create_dce_pass()->run(*func);
  after("remove-layout-conversions");
  out.gpu_ir = ir::print_op(*tir.module, po);
  codegen::EmitOptions eo;
  eo.kernel_source = source;
  eo.lowering = lo;
  codegen::EmitResult r;
  try {
    r = codegen::emit_msl(*func, tgt, eo);
  } catch (const codegen::LoweringError& e) {
    throw CompileFailure(e.what());
  }
  out.msl = r.msl;
  out.threads_per_threadgroup = r.threads_per_threadgroup;
  out.threadgroup_memory_bytes = r.threadgroup_bytes;
  out.bf16_mode = r.bf16_mode;
  out.address_map_buffer = r.address_map_buffer;
  out.params = codegen::kernel_params(r);
  out.metadata_json = codegen::launch_metadata(out, r).dump(2) + "\n";
  return out;
}

}  // namespace tmetal
