// MSL emission for tensors of the fragment family (#gpu.simdgroup_matrix and #gpu.simdgroup_matrix_slice,
// propagate-fragment-layout): their element coordinates and owners under Apple's lane map, and the shape ops
// that stay inside the family without moving data.
//   * element k of an [M, N] #mma tensor is element k % 2 of fragment f = k / 2 of the simdgroup's block:
//     row = block_row + (f / frags_n) * 8 + frag_row(lane), col = block_col + (f % frags_n) * 8 + frag_col(lane) + k % 2;
//   * a slice keeps one value per row (dim = 1: register i is row block_row + i * 8 + frag_row(lane)) or per
//     column (dim = 0), replicated over the lanes and simdgroups that differ only along the reduced dimension;
//   * tt.expand_dims of a slice is the same registers; tt.broadcast of an expanded slice over the parent's
//     fragments reads, for each element, the register of its row (or column): both in registers.
#include "codegen/msl_emitter.h"
#include "gpu/layout_encoding.h"

#include <fmt/format.h>

namespace tmetal::codegen {

namespace {
// Origin of simdgroup s's block along `dim` of the parent, for an extent `extent` along that dimension.
std::string block_origin(const gpu::SimdgroupMatrixLayout& p, int dim, int64_t extent, int num_warps) {
  int64_t distinct = p.num_simds();
  std::string s = distinct == num_warps ? "tm_simd" : fmt::format("(tm_simd % {})", distinct);
  if (dim == 0) return fmt::format("({} / {}) * {}", s, p.simds_n, p.frags_m(extent) * 8);
  return fmt::format("({} % {}) * {}", s, p.simds_n, p.frags_n(extent) * 8);
}
}  // namespace

std::string Emitter::fragment_coord(const ir::Value* v, int dim, const std::string& k) {
  if (!fragment_prologue_) {
    prologue_ << "  // Apple's simdgroup_matrix lane map: the row and first column of this lane's two elements of each 8x8 fragment\n";
    prologue_ << "  const uint tm_frag_row = ((tm_lane / 4) & 4u) + (tm_lane / 2) % 4;\n";
    prologue_ << "  const uint tm_frag_col = ((tm_lane / 4) & 2u) * 2 + (tm_lane % 2) * 2;\n";
    fragment_prologue_ = true;
  }
  const auto& shape = v->type().shape();
  if (mma(v)) {
    FragmentBlock fb = fragments(v);
    if (dim == 0) return fmt::format("int({} + (({}) / 2 / {}) * 8 + tm_frag_row)", fb.row, k, fb.frags_n);
    return fmt::format("int({} + (({}) / 2 % {}) * 8 + tm_frag_col + ({}) % 2)", fb.col, k, fb.frags_n, k);
  }
  const gpu::SimdgroupMatrixSliceLayout* s = gpu::simdgroup_matrix_slice_layout_of(v->type());
  if (!s) throw LoweringError(fmt::format("kernel '{}': internal error: {} is not in a fragment layout", kernel_, v->type().str()));
  if (shape.size() == 2 && dim == s->dim) return "0";
  const int kept = 1 - s->dim;  // the parent dimension this tensor runs along
  const int64_t extent = kept_extent(v);
  std::string origin = block_origin(s->parent, kept, extent, options_.lowering.num_warps);
  if (kept == 0) return fmt::format("int({} + ({}) * 8 + tm_frag_row)", origin, k);
  return fmt::format("int({} + (({}) / 2) * 8 + tm_frag_col + ({}) % 2)", origin, k, k);
}

std::string Emitter::fragment_owner(const ir::Value* v) {
  fragment_coord(v, 0, "0");  // the lane-map prologue
  if (mma(v)) return fragments(v).own;
  const gpu::SimdgroupMatrixSliceLayout* s = gpu::simdgroup_matrix_slice_layout_of(v->type());
  const gpu::SimdgroupMatrixLayout& p = s->parent;
  int64_t distinct = p.num_simds();
  if (s->dim == 1)
    return fmt::format("(tm_simd < {} && tm_simd % {} == 0 && tm_frag_col == 0)", distinct, p.simds_n);
  return fmt::format("(tm_simd < {} && tm_simd / {} == 0 && tm_frag_row == 0)", distinct, p.simds_n);
}

bool Emitter::emit_fragment_relayout(ir::Operation& op) {
  ir::Value* src = op.operand(0);
  ir::Value* r = op.result();
  const gpu::SimdgroupMatrixSliceLayout* s = gpu::simdgroup_matrix_slice_layout_of(src->type());
  if (!s) return false;
  if (op.is(ir::OpCode::ExpandDims) && gpu::simdgroup_matrix_slice_layout_of(r->type())) {
    define(r);
    declare(r);
    line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[k];  // same registers", regs(r), name_of(r), name_of(src)));
    return true;
  }
  if (!op.is(ir::OpCode::Broadcast) || !mma(r)) return false;
  FragmentBlock fb = fragments(r);
  define(r);
  declare(r);
  // Element k of fragment k / 2: its row is fragment row (k / 2) / frags_n, its column fragment (k / 2) % frags_n.
  std::string reg = s->dim == 1 ? fmt::format("(k / 2) / {}", fb.frags_n) : fmt::format("((k / 2) % {}) * 2 + k % 2", fb.frags_n);
  line(fmt::format("for (int k = 0; k < {}; ++k) {} = {}[{}];  // each element reads the value of its {}", elements(r), elem(r, "k"),
                   name_of(src), reg, s->dim == 1 ? "row" : "column"));
  return true;
}

}  // namespace tmetal::codegen
