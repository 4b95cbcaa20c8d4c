// MSL emission of tt.reduce of a tensor in the simdgroup-matrix layout along a dimension that the layout does
// not split over simdgroups (propagate-fragment-layout guarantees it): the result is a
// #gpu.simdgroup_matrix_slice, and no threadgroup memory or barrier is needed.
//   * axis 1 (a row max or sum of a dot result): each thread combines the 2 * frags_n elements it holds of
//     each of its frags_m fragment rows, then two simd_shuffle_xor steps over the lanes that hold the same
//     row (lane bits 0 and 3 are column bits in Apple's lane map) finish it; all four lanes keep the value.
//   * axis 0 (a column reduction): each thread combines its frags_m fragments of each of its 2 * frags_n
//     columns, then three shuffles over the row bits (lane bits 1, 2 and 4).
// The combine region is emitted as written (any associative op of one operand), so NaN and signed-zero
// behaviour are the region's own.
#include "codegen/msl_emitter.h"
#include "gpu/layout_encoding.h"

#include <fmt/format.h>

namespace tmetal::codegen {

void Emitter::emit_fragment_reduce(ir::Operation& op) {
  ir::Value* x = op.operand(0);
  ir::Value* r = op.result(0);
  const gpu::SimdgroupMatrixLayout* m = mma(x);
  const gpu::SimdgroupMatrixSliceLayout* s = gpu::simdgroup_matrix_slice_layout_of(r->type());
  const int64_t axis = op.int_attr("axis");
  if (!m || !s || op.num_operands() != 1 || s->dim != axis || (axis == 1 ? m->simds_n : m->simds_m) != 1)
    fail(op, "internal error: a reduction of simdgroup-matrix fragments needs one operand and a dimension the layout does not split "
             "over simdgroups (propagate-fragment-layout)");
  FragmentBlock fb = fragments(x);
  const int64_t fm = fb.frags_m, fn = fb.frags_n;
  std::string et = reg_type(x->type().element());
  std::string res = define(r);
  declare(r);
  ir::Block& body = op.body();
  const int64_t outer = axis == 1 ? fm : 2 * fn;   // result registers
  const int64_t inner = axis == 1 ? 2 * fn : fm;   // elements combined in the thread per result register
  line(fmt::format("// reduction along {} of simdgroup_matrix fragments: {} in-thread, then simd_shuffle_xor over the lanes of a {} "
                   "(no threadgroup memory)", axis == 1 ? "rows" : "columns", inner, axis == 1 ? "row" : "column"));
  // Element index of the t-th value combined into result register i.
  auto element = [&](const std::string& i, const std::string& t) {
    return axis == 1 ? fmt::format("{} * {} + {}", i, 2 * fn, t) : fmt::format("{} + {} * {}", i, t, 2 * fn);
  };
  std::string acc = fmt::format("tm_r{}", tmp_++), other = fmt::format("tm_r{}", tmp_++);
  open(fmt::format("for (int i = 0; i < {}; ++i)", outer));
  line(fmt::format("{} {} = {};", et, acc, elem(x, element("i", "0"))));
  if (inner > 1) {
    open(fmt::format("for (int t = 1; t < {}; ++t)", inner));
    line(fmt::format("{} {} = {};", et, other, elem(x, element("i", "t"))));
    emit_combine(body, {acc}, {other}, {acc});
    close();
  }
  for (int mask : axis == 1 ? std::vector<int>{1, 8} : std::vector<int>{2, 4, 16}) {
    open("");
    line(fmt::format("{} {} = simd_shuffle_xor({}, {}u);", et, other, acc, mask));
    emit_combine(body, {acc}, {other}, {acc});
    close();
  }
  line(fmt::format("{}[i] = {};", res, acc));
  close();
}

}  // namespace tmetal::codegen
