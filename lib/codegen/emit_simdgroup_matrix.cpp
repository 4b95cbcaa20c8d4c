// MSL emission of tensors in the simdgroup-matrix layout (#gpu.simdgroup_matrix, gpu/simdgroup_matrix_layout.h):
// such a tensor is an array of `simdgroup_matrix<T, 8, 8>` fragments, the block of frags_m x frags_n fragments
// its simdgroup owns (replica simdgroups hold the same block as simdgroup % distinct). Constants and splats
// become make_filled_simdgroup_matrix; conversions to and from blocked layouts go through threadgroup memory
// in bands of rows (simdgroup_store / simdgroup_load on one side, the blocked registers on the other), so even
// a 128x256 f32 accumulator converts within a few KiB (one barrier pair per band).
#include "codegen/msl_emitter.h"
#include "gpu/layout_encoding.h"

#include <fmt/format.h>

#include <cmath>

namespace tmetal::codegen {

const gpu::SimdgroupMatrixLayout* Emitter::mma(const ir::Value* v) const { return gpu::simdgroup_matrix_layout_of(v->type()); }

Emitter::FragmentBlock Emitter::fragments(const ir::Value* v) {
  const gpu::SimdgroupMatrixLayout* l = mma(v);
  if (!l) throw LoweringError(fmt::format("kernel '{}': internal error: {} is not in the simdgroup-matrix layout", kernel_, v->type().str()));
  int64_t m = v->type().shape()[0], n = v->type().shape()[1];
  FragmentBlock b;
  b.frags_m = l->frags_m(m);
  b.frags_n = l->frags_n(n);
  std::string key = fmt::format("{}x{}{}", m, n, l->str());
  auto it = fragment_blocks_.find(key);
  if (it != fragment_blocks_.end()) return it->second;
  int id = static_cast<int>(fragment_blocks_.size());
  b.row = fmt::format("F{}_row", id);
  b.col = fmt::format("F{}_col", id);
  b.own = fmt::format("F{}_own", id);
  int64_t distinct = l->num_simds();
  std::string s = distinct == options_.lowering.num_warps ? "tm_simd" : fmt::format("(tm_simd % {})", distinct);
  prologue_ << fmt::format("  // fragments {}: {}x{} of simdgroup_matrix 8x8 per simdgroup over {}x{}, {}\n", id, b.frags_m, b.frags_n, m, n, l->str());
  prologue_ << fmt::format("  const uint {} = ({} / {}) * {};\n", b.row, s, l->simds_n, b.frags_m * 8);
  prologue_ << fmt::format("  const uint {} = ({} % {}) * {};\n", b.col, s, l->simds_n, b.frags_n * 8);
  prologue_ << fmt::format("  const bool {} = tm_simd < {};\n", b.own, distinct);
  fragment_blocks_[key] = b;
  return b;
}

int64_t Emitter::mma_convert_rows(const ir::Value* v) const {
  int64_t m = v->type().shape()[0], n = v->type().shape()[1];
  int64_t esize = v->type().element().scalar_kind() == ir::ScalarKind::F16 ? 2 : 4;
  int64_t budget = target_.threadgroup_memory_bytes() / 2;
  int64_t rows = 8;
  for (int64_t r = 8; r <= m; r += 8)
    if (m % r == 0 && r * n * esize <= budget) rows = r;
  return rows;
}

int64_t Emitter::mma_convert_bytes(const ir::Value* v) const {
  int64_t esize = v->type().element().scalar_kind() == ir::ScalarKind::F16 ? 2 : 4;
  return mma_convert_rows(v) * v->type().shape()[1] * esize;
}

void Emitter::emit_mma_fill(ir::Operation& op) {
  ir::Value* r = op.result();
  std::string t = r->type().element().scalar_kind() == ir::ScalarKind::F16 ? "half" : "float";
  std::string value;
  if (op.is(ir::OpCode::Splat)) {
    value = name_of(op.operand(0));
  } else {
    const ir::Attribute* v = op.attr("value");
    if (v && v->is<ir::FloatAttr>()) {
      double x = v->get<ir::FloatAttr>().value;
      value = std::isnan(x) ? "NAN" : std::isinf(x) ? (x < 0 ? "-INFINITY" : "INFINITY") : fmt::format("{}", x);
    } else if (v && v->is<ir::IntAttr>()) {
      value = fmt::format("{}", v->get<ir::IntAttr>().value);
    } else {
      fail(op, "internal error: a simdgroup-matrix constant without a numeric value");
    }
  }
  fragments(r);
  std::string name = define(r);
  declare(r);
  line(fmt::format("for (int f = 0; f < {}; ++f) {}[f] = make_filled_simdgroup_matrix<{}, 8, 8>({}({}));", regs(r), name, t, t, value));
}

void Emitter::emit_mma_convert(ir::Operation& op) {
  ir::Value* src = op.operand(0);
  ir::Value* r = op.result();
  if (mma(src) && mma(r)) fail(op, "internal error: conversion between two simdgroup-matrix layouts is not lowered");
  ir::Value* frag = mma(src) ? src : r;
  ir::Value* blk = mma(src) ? r : src;
  FragmentBlock fb = fragments(frag);
  int64_t m = frag->type().shape()[0], n = frag->type().shape()[1];
  std::string t = frag->type().element().scalar_kind() == ir::ScalarKind::F16 ? "half" : "float";
  int64_t rows = mma_convert_rows(frag);
  int64_t bands = m / rows;
  need_scratch(op, mma_convert_bytes(frag));
  std::string s = scratch(t, 0);
  std::string name = define(r);
  declare(r);
  bool to_blocked = mma(src) != nullptr;
  line(fmt::format("// {} simdgroup_matrix fragments through threadgroup memory ({} band{} of {} rows)", to_blocked ? "from" : "to", bands,
                   bands > 1 ? "s" : "", rows));
  if (bands > 1) open(fmt::format("for (uint tm_band = 0; tm_band < {}; tm_band += {})", m, rows));
  std::string band = bands > 1 ? "tm_band" : "0u";
  barrier();
  // Fragment f's rows: fb.row + (f / frags_n) * 8 (uniform in the simdgroup, so simdgroup ops stay uniform).
  std::string frow = fmt::format("{} + (f / {}) * 8", fb.row, fb.frags_n);
  std::string fcol = fmt::format("{} + (f % {}) * 8", fb.col, fb.frags_n);
  std::string in_band = bands > 1 ? fmt::format("{} - {} < {}u", "tm_fr", band, rows) : "true";
  auto frag_loop = [&](const std::string& action) {
    open(fmt::format("for (int f = 0; f < {}; ++f)", regs(frag)));
    line(fmt::format("const uint tm_fr = {};", frow));
    if (bands > 1)
      line(fmt::format("if ({}) {}", in_band, action));
    else
      line(action);
    close();
  };
  auto reg_loop = [&](const std::string& action_fmt) {
    open(fmt::format("for (int k = 0; k < {}; ++k)", regs(blk)));
    line(fmt::format("const uint tm_r = uint({}) - {};", coord(blk, 0, "k"), band));
    line(fmt::format("const uint tm_i = tm_r * {} + uint({});", n, coord(blk, 1, "k")));
    if (bands > 1)
      line(fmt::format("if (tm_r < {}u) {}", rows, action_fmt));
    else
      line(action_fmt);
    close();
  };
  if (to_blocked) {
    open(fmt::format("if ({})", fb.own));
    frag_loop(fmt::format("simdgroup_store({}[f], {}, {}, ulong2({}, tm_fr - {}));", name_of(src), s, n, fcol, band));
    close();
    barrier();
    reg_loop(fmt::format("{}[k] = {}[tm_i];", name, s));
  } else {
    reg_loop(fmt::format("{}[tm_i] = {}({}[k]);", s, t, name_of(src)));
    barrier();
    frag_loop(fmt::format("simdgroup_load({}[f], {}, {}, ulong2({}, tm_fr - {}));", name, s, n, fcol, band));
  }
  if (bands > 1) close();
}

}  // namespace tmetal::codegen
