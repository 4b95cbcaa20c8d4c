// MSL emission of tt.dot with its accumulator and result in the simdgroup-matrix layout (assign-dot-layouts):
// the accumulator is this thread's simdgroup_matrix<T, 8, 8> fragments (carried through K loops in registers;
// it never goes through threadgroup memory). A (MxK) and B (KxN) arrive in blocked registers and are staged
// into threadgroup memory with vector stores (the widest the layout and the target's preferred width allow)
// in chunks of Kc columns of A / rows of B; each simdgroup then runs simdgroup_load / simdgroup_multiply_
// accumulate over the chunk in steps of 8 into its block of fragments.
// Staging plan (fewest barriers per K step that fits the target's threadgroup memory): Kc = K when it fits;
// inside an scf.for, two stages alternate when both fit with the loop's other buffers (1 barrier per chunk:
// chunk i+1 writes the stage chunk i did not read, whose readers are behind chunk i's barrier), else one
// stage (2 barriers per chunk: before writing and before reading). Staged rows are padded by 16 bytes against
// bank conflicts (an unpadded plan must save half the barriers to win).
// f16 inputs use half fragments, f32 inputs float fragments, bf16 inputs bfloat fragments where the target has
// native bfloat and float fragments (exact products of bf16 values, f32 sums) where it does not.
#include "codegen/msl_emitter.h"
#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"
#include "gpu/op_queries.h"

#include <fmt/format.h>

#include <set>

namespace tmetal::codegen {

namespace {
int64_t align16(int64_t b) { return (b + 15) / 16 * 16; }
}  // namespace

// Staging of a dot operand into a row-major tile of `cols` elements per row: the operand's usual tile (A: rows
// M, columns K; B: rows K, columns N; `k_is_col` says which), or with `flipped` its transpose. `transposed`:
// v holds the operand transposed (gpu.trans_a / gpu.trans_b). One vector store per group of a thread's registers
// that are adjacent along the tile's column dimension (consecutive registers when that is the layout's fastest
// dimension, registers size_per_thread apart along the other).
void Emitter::stage_dot_operand(ir::Value* v, const std::string& dst, const std::string& type, int64_t esize, bool k_is_col,
                              bool transposed, bool flipped, const std::string& kcv, int64_t cols, int64_t kc) {
  const gpu::BlockedLayout& l = layout(v);
  const int row_dim = transposed != flipped ? 1 : 0, col_dim = 1 - row_dim;
  if (flipped) k_is_col = !k_is_col;
  // A vector along the tile's columns: registers k, k + s, ..., k + (w - 1) s of the thread's block, where s is
  // 1 when the columns are the layout's fastest dimension and that dimension's size_per_thread otherwise (a
  // thread holding 4 rows of K of each column: dot-b-rows).
  int64_t w = 1, s = 1;
  if (type != "bfloat" && l.size_per_thread[col_dim] > 1) {
    w = std::min<int64_t>({l.size_per_thread[col_dim], 4, std::max<int64_t>(1, target_.preferred_vector_bytes() / esize)});
    if (l.order[0] != col_dim) s = l.size_per_thread[l.order[0]];
  }
  if (s == 1) {
    open(fmt::format("for (int k = 0; k < {}; k += {})", regs(v), w));
  } else {
    // Group q: position q % s along the fastest dimension, vector (q / s) % g along the columns, block q / (s g).
    const int64_t g = l.size_per_thread[col_dim] / w, block = l.size_per_thread[0] * l.size_per_thread[1];
    open(fmt::format("for (int q = 0; q < {}; ++q)", regs(v) / w));
    const std::string vec = g == 1 ? "" : fmt::format(" + ((q / {}) % {}) * {}", s, g, w * s);
    line(fmt::format("const int k = (q / {}) * {}{} + q % {};", s * g, block, vec, s));
  }
  std::string row = fmt::format("uint({})", coord(v, row_dim, "k")), col = fmt::format("uint({})", coord(v, col_dim, "k"));
  if (!kcv.empty()) (k_is_col ? col : row) += " - " + kcv;
  line(fmt::format("const uint tm_r = {}, tm_c = {};", row, col));
  std::string value;
  if (w == 1) {
    value = fmt::format("{}[tm_r * {} + tm_c] = {}({}[k]);", dst, cols, type, name_of(v));
  } else {
    std::vector<std::string> parts;
    for (int64_t i = 0; i < w; ++i) parts.push_back(fmt::format("{}({}[k + {}])", type, name_of(v), i * s));
    std::string joined;
    for (auto& p : parts) joined += (joined.empty() ? "" : ", ") + p;
    value = fmt::format("*((threadgroup {0}{1}*)({2} + tm_r * {3} + tm_c)) = {0}{1}({4});", type, w, dst, cols, joined);
  }
  // A tile smaller than the layout's group tile is replicated: only one copy of each element is stored
  // (replicas would write the same bytes again, unordered with the first writer).
  std::vector<std::string> guards;
  const gpu::Shape tile = l.group_tile();
  const auto& shape = v->type().shape();
  for (size_t d = 0; d < shape.size(); ++d)
    if (tile[d] > shape[d]) {
      guards.push_back(owner(v));
      break;
    }
  if (!kcv.empty()) guards.push_back(fmt::format("{} < {}u", k_is_col ? "tm_c" : "tm_r", kc));
  std::string guard;
  for (const std::string& g : guards) guard += (guard.empty() ? "" : " && ") + g;
  line(guard.empty() ? value : fmt::format("if ({}) {}", guard, value));
  close();
}

Emitter::DotShape Emitter::dot_shape(const ir::Operation& op) const {
  DotShape d;
  const auto& as = op.operand(0)->type().shape();
  const auto& bs = op.operand(1)->type().shape();
  if (as.size() != 2 || bs.size() != 2) return d;
  d.two_d = true;
  // gpu.trans_a / gpu.trans_b (assign-dot-layouts): the operand is held transposed ([K, M] / [N, K]).
  d.trans_a = op.int_attr("gpu.trans_a") != 0;
  d.trans_b = op.int_attr("gpu.trans_b") != 0;
  d.M = d.trans_a ? as[1] : as[0];
  d.K = d.trans_a ? as[0] : as[1];
  d.N = d.trans_b ? bs[0] : bs[1];
  auto frag = [&](ir::ScalarKind k) -> std::string {
    if (k == ir::ScalarKind::F16) return "half";
    if (k == ir::ScalarKind::BF16) return target_.supports_bfloat() ? "bfloat" : "float";
    if (k == ir::ScalarKind::F32) return "float";
    return "";
  };
  d.ta = frag(op.operand(0)->type().element().scalar_kind());
  d.tb = frag(op.operand(1)->type().element().scalar_kind());
  if (d.ta.empty() || d.tb.empty()) return d;  // integer inputs
  if (d.ta != d.tb) d.ta = d.tb = "float";
  d.ea = d.ta == "float" ? 4 : 2;
  d.eb = d.tb == "float" ? 4 : 2;
  // Registers running along A's M / B's K (the usual tile's rows): staged as the transposed tile, so that the
  // stores are vectors along the registers (a column-major A, a K-contiguous B: conv2d's weights, flash
  // attention's K^T, a tl.trans of a row-major tile) and read with simdgroup_load's transpose. Not A of a chain
  // dot (gpu.chain), which is Q (staged once) or P (in fragments). Flash attention's K^T used to stay plain
  // (scalar stores), when S, P and O's views cost the proxy more registers transposed; with co-staging and P
  // read from its fragments it wins (CUDA proxy, H200, bench/results/2026-12-02-H200-flip.md: D=64 at
  // BLOCK_N=32 13.0 TFLOP/s against 10.3 plain at BLOCK_N=64, D=128 at BLOCK_N=16 13.9 against 10.4).
  auto runs_along = [](const ir::Value* v, int dim) {
    const gpu::BlockedLayout* l = gpu::blocked_layout_of(v->type());
    return l && l->rank() == 2 && l->order[0] == dim;
  };
  const bool chain = op.int_attr("gpu.chain") != 0;
  d.flip_a = !chain && runs_along(op.operand(0), d.trans_a ? 1 : 0);
  // A 16-bit B whose threads hold several rows of K of each column (dot-b-rows) is staged transposed too, with
  // vector stores across those rows: a lane then reads its two columns of a fragment as two 16-byte rows.
  const int kb = d.trans_b ? 1 : 0;
  const gpu::BlockedLayout* lb = gpu::blocked_layout_of(op.operand(1)->type());
  const bool rows_of_k = !chain && d.eb == 2 && lb && lb->rank() == 2 && lb->size_per_thread[kb] >= 4;
  d.flip_b = runs_along(op.operand(1), kb) || rows_of_k;
  return d;
}

// Before scf.for `loop`: each tl.dot of its body whose A is loop-invariant (defined outside the loop: flash
// attention's Q) and not in fragments has A staged once, whole and padded, into a buffer live for the whole
// loop; the dot then stages only B per iteration, and A's registers are dead during the loop. Only with double
// buffering (a threadgroup plan that does not fit retries without both).
void Emitter::stage_invariant_dot_operands(ir::Operation& loop) {
  if (!options_.double_buffer) return;
  for (auto& child : loop.body().ops()) {
    ir::Operation& op = *child;
    if (!op.is(ir::OpCode::Dot) || op.num_operands() < 3 || !mma(op.result())) continue;
    ir::Value* a = op.operand(0);
    if (mma(a) || !gpu::blocked_layout_of(a->type()) || !gpu::defined_outside(a, &loop)) continue;
    const DotShape d = dot_shape(op);
    if (!d.tileable()) continue;  // emit_dot reports these
    const int64_t lda = (d.flip_a ? d.M : d.K) + 16 / d.ea, bytes = align16((d.flip_a ? d.K : d.M) * lda * d.ea);
    const int64_t b_min = align16((d.flip_b ? d.N * (8 + 16 / d.eb) : 8 * (d.N + 16 / d.eb)) * d.eb);
    if (bytes + b_min > target_.threadgroup_memory_bytes()) continue;  // B's smallest stage must fit too
    line(fmt::format("// tl.dot at line {}: its loop-invariant A ({}x{}) staged once, before the loop", op.loc().line, d.M, d.K));
    if (!tg_buffers_.empty()) barrier();  // earlier readers of threadgroup memory are done (none: no barrier)
    need_scratch(op, bytes);
    loop_buffers_[&loop].push_back(current_buffer_);
    staged_once_[&op] = scratch(d.ta, 0);
    stage_dot_operand(a, staged_once_[&op], d.ta, d.ea, true, d.trans_a, d.flip_a, "", lda, d.K);
  }
}

// The later tl.dot of `dot`'s loop body whose B can be staged with `dot`'s operands: its A is in fragments (so B
// is all it stages), B is blocked and already computed when `dot` runs (a block argument, defined outside the
// loop or by an op before `dot`), and nothing between the two is another tl.dot. Null when there is none.
ir::Operation* Emitter::co_staging_candidate(ir::Operation& dot, ir::Operation& loop) const {
  std::set<const ir::Operation*> before;
  bool after = false;
  for (auto& child : loop.body().ops()) {
    ir::Operation& o = *child;
    if (&o == &dot) {
      after = true;
      continue;
    }
    if (!after) {
      before.insert(&o);
      continue;
    }
    if (!o.is(ir::OpCode::Dot)) continue;
    if (o.num_operands() < 3 || !mma(o.result()) || !mma(o.operand(0)) || co_staged_.count(&o)) return nullptr;
    ir::Value* b = o.operand(1);
    if (mma(b) || !gpu::blocked_layout_of(b->type())) return nullptr;
    const ir::Operation* def = b->defining_op();
    const bool ready = def == nullptr ? b->owner_block() == &loop.body() || gpu::defined_outside(b, &loop)
                                      : before.count(def) > 0 || gpu::defined_outside(b, &loop);
    return ready ? &o : nullptr;
  }
  return nullptr;
}

void Emitter::emit_dot(ir::Operation& op) {
  ir::Value* a = op.operand(0);
  ir::Value* b = op.operand(1);
  ir::Value* c = op.operand(2);
  ir::Value* r = op.result();
  const DotShape shape = dot_shape(op);
  if (!shape.two_d) fail(op, "tl.dot is lowered for 2-D operands only");
  const bool trans_a = shape.trans_a, trans_b = shape.trans_b;
  const int64_t M = shape.M, K = shape.K, N = shape.N;
  if (M % 8 || N % 8 || K % 8)
    fail(op, fmt::format("tl.dot of {}x{} by {}x{} cannot be tiled by 8x8 simdgroup matrices (every dimension must be a multiple of 8)",
                         M, K, K, N));
  ir::ScalarKind ak = a->type().element().scalar_kind(), bk = b->type().element().scalar_kind();
  if (shape.ta.empty()) fail(op, "tl.dot on integer inputs is not lowered to Metal (simdgroup_matrix holds float, half and bfloat)");
  ir::ScalarKind ck = r->type().element().scalar_kind();
  if (ck != ir::ScalarKind::F32 && ck != ir::ScalarKind::F16) fail(op, "tl.dot accumulates in f32 or f16 only");
  if (!mma(r) || !mma(c) || !(*mma(r) == *mma(c)))
    fail(op, "internal error: tl.dot's accumulator and result must share one #gpu.simdgroup_matrix layout (assign-dot-layouts)");
  const std::string ta = shape.ta, tb = shape.tb;
  if (ak == ir::ScalarKind::BF16 || bk == ir::ScalarKind::BF16) uses_bf16_ = true;
  std::string tc = ck == ir::ScalarKind::F16 ? "half" : "float";
  const int64_t ea = shape.ea, eb = shape.eb;
  ir::Operation* loop = op.parent_op();
  bool in_loop = loop && loop->is(ir::OpCode::For);
  // A already in fragments (propagate-fragment-layout: flash attention's P): each simdgroup holds exactly the
  // A fragments of its rows, so A is not staged and the multiplies read the registers.
  const gpu::SimdgroupMatrixLayout* al = mma(a);
  const bool a_frags = al != nullptr;
  if (a_frags && (trans_a || al->simds_n != 1 || mma(r)->simds_n != 1 || al->simds_m != mma(r)->simds_m || !fragment_storage(a->type()) ||
                  ta != (ak == ir::ScalarKind::F16 ? "half" : "float")))
    fail(op, "internal error: a tl.dot operand A in fragments must be the dot's own row split (propagate-fragment-layout)");
  // A loop-invariant A staged once before the loop (stage_invariant_dot_operands): every iteration stages only B.
  const bool flip_a = shape.flip_a && !a_frags, flip_b = shape.flip_b;
  const int64_t lda_once = (flip_a ? M : K) + 16 / ea, a_once_bytes = align16((flip_a ? K : M) * lda_once * ea);
  bool a_once = staged_once_.count(&op) > 0;

  // Threadgroup memory the loop's other users may need at the same time as live double-buffered stages.
  int64_t others = 0;
  if (in_loop)
    loop->walk([&](ir::Operation* o) {
      if (o == &op || o->num_results() == 0) return;
      if (gpu::is_convert_layout(*o) && (fragment_storage(o->operand(0)->type()) || fragment_storage(o->result()->type()))) {
        others += mma_convert_bytes(mma(o->operand(0)) ? o->operand(0) : o->result());
        return;
      }
      int budget = gpu::kIndexExpressionBudget;  // index tensors (pointers, masks) are recomputed in the new layout (rematerialize.cpp)
      if (gpu::is_convert_layout(*o) && gpu::index_expression(o->operand(0), budget)) return;
      bool user = gpu::is_convert_layout(*o) || o->is(ir::OpCode::Reshape) || o->is(ir::OpCode::Join) || o->is(ir::OpCode::Split) ||
                  o->is(ir::OpCode::Histogram) || o->is(ir::OpCode::Reduce) || o->is(ir::OpCode::Scan) || o->is(ir::OpCode::Dot);
      if (!user) return;
      if (o->is(ir::OpCode::Reduce) && gpu::fragment_family(o->operand(0)->type())) return;  // shuffles only
      for (const ir::Value* v : o->operands())
        if (v->type().is_tensor() && !mma(v)) others += v->type().num_elements() * 8;
    });
  // Staging plan: fewest barriers per K step (unpadded rows weighted double), then padded rows, then two
  // stages, then the widest chunk. Padded rows (16 bytes: lda = kc + 16 / ea, ldb = N + 16 / eb) put the 8
  // rows of an A fragment in 8 different 16-byte bank groups instead of one (row strides of 64 or 128 bytes map
  // every row to the same banks) and keep rows 16-byte aligned for vector reads.
  int64_t limit = target_.threadgroup_memory_bytes();
  auto a_bytes = [&](int64_t kc, bool pad) { return align16((flip_a ? kc * (M + (pad ? 16 / ea : 0)) : M * (kc + (pad ? 16 / ea : 0))) * ea); };
  auto b_bytes = [&](int64_t kc, bool pad) { return align16((flip_b ? N * (kc + (pad ? 16 / eb : 0)) : kc * (N + (pad ? 16 / eb : 0))) * eb); };
  auto stage_of = [&](int64_t kc, bool pad) { return (a_frags || a_once ? 0 : a_bytes(kc, pad)) + b_bytes(kc, pad); };
  int64_t best_kc = 0, best_cost = 0;
  int stages = 1;
  bool padded = false;
  // With A staged once the plan must also fit A's buffer; when none does, A is staged with B after all.
  for (int attempt = 0; attempt < 2 && best_kc == 0; ++attempt) {
    if (attempt == 1) a_once = false;
    const int64_t kept = a_once ? a_once_bytes : 0;
    for (bool pad : {true, false})
      for (int64_t kc = K; kc >= 8; kc -= 8) {
        if (K % kc) continue;
        int64_t st = stage_of(kc, pad);
        for (int s : {2, 1}) {
          bool fits = s == 2 ? options_.double_buffer && in_loop && target_.pipeline_stages(st) == 2 && 2 * st + others + kept <= limit
                             : st + kept <= limit;
          if (!fits) continue;
          // Unpadded rows count as twice the barriers (an 8-way bank conflict on every A fragment read, measured
          // on the CUDA proxy, costs more than a barrier per chunk): the probe's padded BK = 16 double buffer
          // beats an unpadded BK = 32 one.
          int64_t cost = (K / kc) * (s == 2 ? 1 : 2) * (pad ? 1 : 2);
          // Ties go to padded rows, then to all of K in one chunk (the operand registers are dead once staged, so
          // the next tile's prefetch does not add to them: 192 -> 168 registers for f32 64x64x32 on the proxy),
          // then to two stages (the next chunk's stores need not wait for this chunk's readers).
          if (best_kc == 0 || cost < best_cost || (cost == best_cost && pad == padded && s == 2 && stages == 1 && best_kc != K)) {
            best_kc = kc;
            best_cost = cost;
            stages = s;
            padded = pad;
          }
        }
      }
  }
  // B staged already, with an earlier dot of this loop (co-staging): all of K at once, no stage of its own.
  const auto co = co_staged_.find(&op);
  const bool b_early = co != co_staged_.end();
  if (b_early) {
    best_kc = K;
    stages = 1;
    padded = true;
  }
  if (best_kc == 0) {
    need_scratch(op, stage_of(8, false));  // fails naming the bytes and the limit
    fail(op, "internal error: no staging plan for tl.dot");
  }
  const int64_t kc = best_kc, chunks = K / kc;
  const int64_t lda = (flip_a ? M : kc) + (padded ? 16 / ea : 0), ldb = b_early ? co->second.ldb : (flip_b ? kc : N) + (padded ? 16 / eb : 0);
  const int64_t stage = stage_of(kc, padded), off_b = a_frags || a_once ? 0 : a_bytes(kc, padded);
  bool double_buffer = stages == 2;
  const std::string sa_once = a_once ? staged_once_[&op] : "";
  if (b_early)
    tg_buffers_[co->second.buffer].live_end = point_ + 1;
  else
    need_scratch(op, stages * stage);
  if (double_buffer) {
    tg_buffers_.back().live_begin = 0;
    loop_buffers_[loop].push_back(current_buffer_);
  }

  FragmentBlock fb = fragments(r);
  const int64_t fm = fb.frags_m, fn = fb.frags_n;
  const gpu::SimdgroupMatrixLayout& ml = *mma(r);
  tiles_.push_back(fmt::format("{}x{}x{}: {}x{} fragments of 8x8 per simdgroup (simdgroups {}x{}), K staged {} at a time, {} stage{}", M, N,
                               K, fm, fn, ml.simds_m, ml.simds_n, kc, stages, stages > 1 ? "s" : ""));

  std::string name = define(r);
  declare(r);
  line(fmt::format("// tl.dot {}x{}x{}: accumulator in {}x{} simdgroup_matrix<{}, 8, 8> fragments per simdgroup (registers); "
                   "{} staged in threadgroup memory, {} of K per chunk{}{}{}{}",
                   M, N, K, fm, fn, tc, a_frags ? "A in registers (its fragments), B" : a_once ? "A (loop-invariant) staged once, B" : "A and B", kc, padded ? " (rows padded by 16 bytes)" : "", double_buffer ? "; double-buffered (2 stages, 1 barrier per chunk)" : "",
                   trans_a || trans_b ? fmt::format("; {} staged from the transposed tile", trans_a && trans_b ? "A and B" : trans_a ? "A" : "B") : "",
                   flip_a || flip_b ? fmt::format("; {} staged transposed ({}) along its registers, read with simdgroup_load's transpose",
                                                  flip_a && flip_b ? "A and B" : flip_a ? "A" : "B",
                                                  flip_a && flip_b ? "[K][M], [N][K]" : flip_a ? "[K][M]" : "[N][K]") : ""));
  if (b_early) line("// B was staged with an earlier tl.dot of this loop (co-staging): no barrier here");
  line(fmt::format("for (int f = 0; f < {}; ++f) {}[f] = {}[f];", regs(r), name, name_of(c)));
  const std::string sa0 = scratch(ta, 0), sb0 = b_early ? co->second.tile : scratch(tb, off_b);
  // This dot's single chunk is staged between two barriers: a later dot of the loop whose B is ready (flash
  // attention's V) is staged in the same window into a buffer of its own, live until that dot, which then reads
  // it without barriers. Needs a barrier before this staging (one stage, not the double buffer, whose single
  // barrier per chunk would leave the previous iteration's readers of that buffer unordered with these
  // writes), and room beside this dot's buffers and the loop's other threadgroup users.
  ir::Operation* co_dot = nullptr;
  DotShape co_shape;
  CoStaged co_b;
  if (in_loop && options_.co_stage && !b_early && chunks == 1 && !double_buffer) {
    co_dot = co_staging_candidate(op, *loop);
    if (co_dot) co_shape = dot_shape(*co_dot);
    if (co_dot && (!co_shape.tileable() || co_shape.flip_b)) co_dot = nullptr;
    if (co_dot) {
      co_b.ldb = co_shape.N + 16 / co_shape.eb;
      const int64_t bytes = align16(co_shape.K * co_b.ldb * co_shape.eb);
      // The other buffers are placed by liveness; when they do not fit beside this one, emit_msl retries
      // without co-staging (CoStagingOverflow).
      if (stage + (a_once ? a_once_bytes : 0) + bytes > limit) co_dot = nullptr;
      if (co_dot) {
        const int saved = current_buffer_;
        need_scratch(*co_dot, bytes);
        tg_buffers_.back().live_begin = point_;
        co_b.buffer = current_buffer_;
        co_b.tile = scratch(co_shape.tb, 0);
        current_buffer_ = saved;
        co_staged_[co_dot] = co_b;
      }
    }
  }
  std::string stage_var;
  if (double_buffer) {
    stage_var = fmt::format("tm_stage{}", tmp_++);
    prologue_ << fmt::format("  uint {} = 0;  // which of the two A/B stages the next chunk of that tl.dot writes\n", stage_var);
  }
  // One chunk of K: stage A and B (the chunk starting at `kcv`, "" for the whole of K), barrier, multiply.
  auto emit_chunk = [&](const std::string& kcv, bool last) {
    std::string csa = a_once ? sa_once : sa0, csb = sb0;
    if (double_buffer) {
      std::string pa = fmt::format("tm_sa{}", tmp_), pb = fmt::format("tm_sb{}", tmp_++);
      if (!a_frags && !a_once) {
        line(fmt::format("threadgroup {}* {} = {} ? {} : {};", ta, pa, stage_var, scratch(ta, stage), csa));
        csa = pa;
      }
      line(fmt::format("threadgroup {}* {} = {} ? {} : {};", tb, pb, stage_var, scratch(tb, stage + off_b), csb));
      csb = pb;
    } else if (!b_early) {
      barrier();
    }
    if (!a_frags && !a_once) stage_dot_operand(a, csa, ta, ea, true, trans_a, flip_a, kcv, lda, kc);
    if (!b_early) stage_dot_operand(b, csb, tb, eb, false, trans_b, flip_b, kcv, ldb, kc);
    if (co_dot) {
      line(fmt::format("// B of the tl.dot at line {} staged here too (co-staging): that dot needs no barrier", co_dot->loc().line));
      stage_dot_operand(co_dot->operand(1), co_b.tile, co_shape.tb, co_shape.eb, false, co_shape.trans_b, false, "", co_b.ldb, co_shape.K);
    }
    if (!b_early) barrier();
    // The next K tile's loads (pipeline-dot-loads' tm.prefetch ops after this dot) go here: after the last
    // chunk's staging the current tile's registers are free, and the loads are in flight during the multiplies.
    if (last) emit_prefetch_after(op);
    open(fmt::format("for (uint tm_k = 0; tm_k < {}; tm_k += 8)", kc));
    line(fmt::format("simdgroup_matrix<{}, 8, 8> tm_a[{}];", ta, fm));
    if (a_frags) {
      // A's fragments of this K step, copied out of the register array by a select chain on the (uniform) step:
      // the array is not indexed by tm_k (which would force every compiler to unroll the loop whole), and only
      // this step's copies are operands (the CUDA proxy caches an operand's gathered row in the fragment: flash
      // attention D = 64, 157 -> 128 registers; bench/results/2026-12-02-H200-costage.md).
      open(fmt::format("for (int i = 0; i < {}; ++i)", fm));
      line(fmt::format("vec<{}, 2> tm_e = {}[i * {}].thread_elements();", ta, name_of(a), K / 8));
      if (K / 8 > 1)
        line(fmt::format("for (uint q = 1; q < {}; ++q) tm_e = ({}tm_k) / 8 == q ? {}[i * {} + q].thread_elements() : tm_e;", K / 8,
                         kcv.empty() ? "" : kcv + " + ", name_of(a), K / 8));
      line("tm_a[i].thread_elements() = tm_e;");
      close();
    }
    // simdgroup_load's origin is (column, row) of the staged tile; a transposed tile is read with transpose.
    const std::string a_k = fmt::format("{}tm_k", a_once && !kcv.empty() ? kcv + " + " : ""), am = fmt::format("{} + i * 8", fb.row);
    const std::string load_a = fmt::format("simdgroup_load(tm_a[i], {}, {}, ulong2({}, {}){});", csa, a_once ? lda_once : lda,
                                           flip_a ? am : a_k, flip_a ? a_k : am, flip_a ? ", true" : "");
    auto load_b = [&](const std::string& dst, const std::string& j) {
      const std::string bn = fmt::format("{} + {} * 8", fb.col, j);
      return fmt::format("simdgroup_load({}, {}, {}, ulong2({}, {}){});", dst, csb, ldb, flip_b ? "tm_k" : bn, flip_b ? bn : "tm_k",
                         flip_b ? ", true" : "");
    };
    if (fn > fm) {
      // A wide block (a row split: fn fragments across, fm down): A's fm fragments for this step, then one B
      // fragment at a time, so fm + 1 fragments are live instead of fm + fn (fn is 8 or 16 for attention).
      if (!a_frags) line(fmt::format("for (int i = 0; i < {}; ++i) {}", fm, load_a));
      open(fmt::format("for (int j = 0; j < {}; ++j)", fn));
      line(fmt::format("simdgroup_matrix<{}, 8, 8> tm_bj;", tb));
      line(load_b("tm_bj", "j"));
      line(fmt::format("for (int i = 0; i < {}; ++i) simdgroup_multiply_accumulate({}[i * {} + j], tm_a[i], tm_bj, {}[i * {} + j]);", fm,
                       name, fn, name, fn));
      close();
    } else {
      line(fmt::format("simdgroup_matrix<{}, 8, 8> tm_b[{}];", tb, fn));
      if (!a_frags) line(fmt::format("for (int i = 0; i < {}; ++i) {}", fm, load_a));
      line(fmt::format("for (int j = 0; j < {}; ++j) {}", fn, load_b("tm_b[j]", "j")));
      line(fmt::format("for (int i = 0; i < {}; ++i) for (int j = 0; j < {}; ++j) "
                       "simdgroup_multiply_accumulate({}[i * {} + j], tm_a[i], tm_b[j], {}[i * {} + j]);",
                       fm, fn, name, fn, name, fn));
    }
    close();
    if (double_buffer) line(fmt::format("{0} ^= 1u;", stage_var));
  };
  if (chunks == 1) {
    emit_chunk("", true);
  } else {
    // Every chunk but the last in a loop; the last at this scope, so that the prefetch ops it emits define
    // their values where the rest of the loop body sees them.
    open(fmt::format("for (uint tm_kc = 0; tm_kc < {}; tm_kc += {})", K - kc, kc));
    emit_chunk("tm_kc", false);
    close();
    std::string last_kc = fmt::format("tm_kc{}", tmp_++);
    line(fmt::format("const uint {} = {};", last_kc, K - kc));
    emit_chunk(last_kc, true);
  }
}

}  // namespace tmetal::codegen
