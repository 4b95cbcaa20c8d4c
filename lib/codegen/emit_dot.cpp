// MSL emission of tt.dot: A (MxK) and B (KxN) are staged into threadgroup memory;
// each simdgroup takes blocks of sg_m x sg_n 8x8 fragments of C (the register tile chosen by the target's
// matmul_tile from its register budget), runs simdgroup_load / simdgroup_multiply_accumulate over K in
// steps of 8 from zero and simdgroup_stores its block; every thread then adds the product to its registers of
// the accumulator operand (which stays in registers: no load-modify-store of one tile, and less memory).
// f16 inputs use half fragments, f32 inputs float fragments, bf16 inputs bfloat fragments where the target
// has native bfloat and float fragments (exact products of bf16 values, f32 sums) where it does not.
#include "codegen/msl_emitter.h"
#include "gpu/convert_layout_op.h"

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
  // Layout [A | B] (one stage) then C. Inside a K loop, when the target's pipeline_stages allows two stages and
  // both fit with C, the stages alternate between iterations: iteration i+1 writes the stage iteration i did not
  // read, so the barrier before staging is not needed (readers of that stage, two iterations back, are behind
  // the barriers of the iteration in between). The buffer then lives from the kernel's start to the loop's end.
  int64_t off_b = M * K * bytes(ta);
  int64_t stage = (off_b + K * N * bytes(tb) + 15) / 16 * 16;
  int64_t c_bytes = M * N * bytes(tc);
  ir::Operation* loop = op.parent_op();
  bool in_loop = loop && loop->is(ir::OpCode::For);
  // Room left by the loop's other threadgroup users (an upper bound of 8 bytes per element each), so that
  // emission rarely has to be redone with one stage.
  int64_t others = 0;
  if (in_loop)
    loop->walk([&](ir::Operation* o) {
      if (o == &op || o->num_results() == 0) return;
      bool user = gpu::is_convert_layout(*o) || o->is(ir::OpCode::Reshape) || o->is(ir::OpCode::Join) || o->is(ir::OpCode::Split) ||
                  o->is(ir::OpCode::Histogram) || o->is(ir::OpCode::Reduce) || o->is(ir::OpCode::Scan) || o->is(ir::OpCode::Dot);
      if (!user) return;
      for (const ir::Value* v : o->operands())
        if (v->type().is_tensor()) others += v->type().num_elements() * 8;
    });
  bool double_buffer = options_.double_buffer && in_loop && target_.pipeline_stages(stage) == 2 &&
                       2 * stage + c_bytes + others <= target_.threadgroup_memory_bytes();
  int stages = double_buffer ? 2 : 1;
  int64_t off_c = stages * stage;
  need_scratch(op, off_c + c_bytes);
  if (double_buffer) {
    tg_buffers_.back().live_begin = 0;
    loop_buffers_[loop].push_back(current_buffer_);
  }

  target::MatmulTile tile = target_.matmul_tile(dtype_of(ak), ck == ir::ScalarKind::F16 ? DType::f16 : DType::f32);
  int64_t fm = std::max<int64_t>(1, std::min<int64_t>(tile.sg_m / 8, M / 8));
  int64_t fn = std::max<int64_t>(1, std::min<int64_t>(tile.sg_n / 8, N / 8));
  int64_t blocks_m = M / 8 / fm, blocks_n = N / 8 / fn;
  tiles_.push_back(fmt::format("{}x{}x{}: {}x{} fragments of 8x8 per simdgroup (target tile {}x{})", M, N, K, fm, fn, tile.sg_m, tile.sg_n));

  std::string name = define(r);
  declare(r);
  std::string sa = scratch(ta, 0), sb = scratch(tb, off_b), sc = scratch(tc, off_c);
  line(fmt::format("// tl.dot {}x{}x{}: staged in threadgroup memory, {}x{} simdgroup_matrix<{}, 8, 8> fragments per simdgroup{}",
                   M, N, K, fm, fn, ta, double_buffer ? "; K loop double-buffered (2 stages of A and B)" : ""));
  std::string stage_var;
  if (double_buffer) {
    stage_var = fmt::format("tm_stage{}", tmp_++);
    prologue_ << fmt::format("  uint {} = 0;  // which of the two A/B stages the next tl.dot writes\n", stage_var);
    std::string pa = fmt::format("tm_sa{}", tmp_), pb = fmt::format("tm_sb{}", tmp_++);
    line(fmt::format("threadgroup {}* {} = {} ? {} : {};", ta, pa, stage_var, scratch(ta, stage), sa));
    line(fmt::format("threadgroup {}* {} = {} ? {} : {};", tb, pb, stage_var, scratch(tb, stage + off_b), sb));
    sa = pa;
    sb = pb;
  } else {
    barrier();
  }
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
  if (double_buffer) line(fmt::format("{0} ^= 1u;", stage_var));
}

}  // namespace tmetal::codegen
