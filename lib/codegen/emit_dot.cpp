// MSL emission of tt.dot: A (MxK) and B (KxN) are staged into threadgroup memory;
// each simdgroup takes blocks of sg_m x sg_n 8x8 fragments of C (the register tile chosen by the target's
// matmul_tile from its register budget), runs simdgroup_load / simdgroup_multiply_accumulate over K in
// steps of 8 from zero and simdgroup_stores its block; every thread then adds the product to its registers of
// the accumulator operand (which stays in registers: no load-modify-store of one tile, and less memory).
// f16 inputs use half fragments, f32 inputs float fragments, bf16 inputs bfloat fragments where the target
// has native bfloat and float fragments (exact products of bf16 values, f32 sums) where it does not.
#include "codegen/msl_emitter.h"

#include <fmt/format.h>

namespace tmetal::codegen {

namespace {
DType dtype_of(ir::ScalarKind k) {
  switch (k) {
    case ir::ScalarKind::F16: return DType::f16;
    case ir::ScalarKind::BF16: return DType::bf16;
    case ir::ScalarKind::F32: return DType::f32;
    default: return DType::i32;
  }
}
}  // namespace

void Emitter::emit_dot(ir::Operation& op) {
  ir::Value* a = op.operand(0);
  ir::Value* b = op.operand(1);
  ir::Value* c = op.operand(2);
  ir::Value* r = op.result();
  const auto& as = a->type().shape();
  const auto& bs = b->type().shape();
  if (as.size() != 2 || bs.size() != 2) fail(op, "tl.dot is lowered for 2-D operands only");
  int64_t M = as[0], K = as[1], N = bs[1];
  if (M % 8 || N % 8 || K % 8)
    fail(op, fmt::format("tl.dot of {}x{} by {}x{} cannot be tiled by 8x8 simdgroup matrices (every dimension must be a multiple of 8)",
                         M, K, K, N));
  ir::ScalarKind ak = a->type().element().scalar_kind(), bk = b->type().element().scalar_kind();
  auto ok_in = [](ir::ScalarKind k) { return k == ir::ScalarKind::F16 || k == ir::ScalarKind::BF16 || k == ir::ScalarKind::F32; };
  if (!ok_in(ak) || !ok_in(bk)) fail(op, "tl.dot on integer inputs is not lowered to Metal (simdgroup_matrix holds float, half and bfloat)");
  ir::ScalarKind ck = r->type().element().scalar_kind();
  if (ck != ir::ScalarKind::F32 && ck != ir::ScalarKind::F16) fail(op, "tl.dot accumulates in f32 or f16 only");
  auto frag_type = [&](ir::ScalarKind k) -> std::string {
    if (k == ir::ScalarKind::F16) return "half";
    if (k == ir::ScalarKind::BF16) return target_.supports_bfloat() ? "bfloat" : "float";
    return "float";
  };
  std::string ta = frag_type(ak), tb = frag_type(bk);
  if (ta != tb) ta = tb = "float";
  if (ak == ir::ScalarKind::BF16 || bk == ir::ScalarKind::BF16) uses_bf16_ = true;
  std::string tc = ck == ir::ScalarKind::F16 ? "half" : "float";
  auto bytes = [](const std::string& t) { return t == "float" ? 4 : 2; };
  int64_t off_a = 0, off_b = M * K * bytes(ta), off_c = off_b + K * N * bytes(tb);
  off_c = (off_c + 15) / 16 * 16;
  int64_t total = off_c + M * N * bytes(tc);
  need_scratch(op, total);

  target::MatmulTile tile = target_.matmul_tile(dtype_of(ak), ck == ir::ScalarKind::F16 ? DType::f16 : DType::f32);
  int64_t fm = std::max<int64_t>(1, std::min<int64_t>(tile.sg_m / 8, M / 8));
  int64_t fn = std::max<int64_t>(1, std::min<int64_t>(tile.sg_n / 8, N / 8));
  int64_t blocks_m = M / 8 / fm, blocks_n = N / 8 / fn;
  tiles_.push_back(fmt::format("{}x{}x{}: {}x{} fragments of 8x8 per simdgroup (target tile {}x{})", M, N, K, fm, fn, tile.sg_m, tile.sg_n));

  std::string name = define(r);
  declare(r);
  std::string sa = scratch(ta, off_a), sb = scratch(tb, off_b), sc = scratch(tc, off_c);
  line(fmt::format("// tl.dot {}x{}x{}: staged in threadgroup memory, {}x{} simdgroup_matrix<{}, 8, 8> fragments per simdgroup",
                   M, N, K, fm, fn, ta));
  barrier();
  line(fmt::format("for (int k = 0; k < {}; ++k) {}[{}] = {}({}[k]);", regs(a), sa, linear(a, "k"), ta, name_of(a)));
  line(fmt::format("for (int k = 0; k < {}; ++k) {}[{}] = {}({}[k]);", regs(b), sb, linear(b, "k"), tb, name_of(b)));
  barrier();
  open(fmt::format("for (uint tm_blk = tm_simd; tm_blk < {}; tm_blk += {})", blocks_m * blocks_n, options_.lowering.num_warps));
  line(fmt::format("const uint tm_row = (tm_blk / {}) * {};", blocks_n, fm * 8));
  line(fmt::format("const uint tm_col = (tm_blk % {}) * {};", blocks_n, fn * 8));
  line(fmt::format("simdgroup_matrix<{}, 8, 8> tm_acc[{}][{}];", tc, fm, fn));
  line(fmt::format("for (int i = 0; i < {}; ++i) for (int j = 0; j < {}; ++j) tm_acc[i][j] = make_filled_simdgroup_matrix<{}, 8, 8>({}(0));",
                   fm, fn, tc, tc));
  open(fmt::format("for (uint tm_k = 0; tm_k < {}; tm_k += 8)", K));
  line(fmt::format("simdgroup_matrix<{}, 8, 8> tm_a[{}];", ta, fm));
  line(fmt::format("simdgroup_matrix<{}, 8, 8> tm_b[{}];", tb, fn));
  line(fmt::format("for (int i = 0; i < {}; ++i) simdgroup_load(tm_a[i], {}, {}, ulong2(tm_k, tm_row + i * 8));", fm, sa, K));
  line(fmt::format("for (int j = 0; j < {}; ++j) simdgroup_load(tm_b[j], {}, {}, ulong2(tm_col + j * 8, tm_k));", fn, sb, N));
  line(fmt::format("for (int i = 0; i < {}; ++i) for (int j = 0; j < {}; ++j) simdgroup_multiply_accumulate(tm_acc[i][j], tm_a[i], tm_b[j], tm_acc[i][j]);",
                   fm, fn));
  close();
  line(fmt::format("for (int i = 0; i < {}; ++i) for (int j = 0; j < {}; ++j) simdgroup_store(tm_acc[i][j], {}, {}, ulong2(tm_col + j * 8, tm_row + i * 8));",
                   fm, fn, sc, N));
  close();
  barrier();
  // The accumulator operand is added in registers (it never goes through threadgroup memory).
  if (!(layout(c) == layout(r))) fail(op, "internal error: dot accumulator layout differs from the result's");
  line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[k] + {}[{}];", regs(r), name, name_of(c), sc, linear(r, "k")));
}

}  // namespace tmetal::codegen
