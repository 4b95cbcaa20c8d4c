// MSL emission of an integer tl.dot: int8 x int8 with an int32 accumulator (Triton's only integer dot), exact
// for every K. Metal's simdgroup_matrix holds only float, half and bfloat, and fp32 loses exactness once a
// sum passes 2^24, so this lowering never goes through float: A (MxK) and B (KxN), in blocked registers,
// are staged as bytes into threadgroup memory in chunks of Kc (all of K when it fits), and each thread
// accumulates its own result elements (the result's blocked layout) with integer multiply-adds, in 32-bit
// wrapping arithmetic (uint, so a sum that overflows int32 wraps as Triton's does instead of being UB).
// The accumulator operand shares the result's layout (a constant or an elementwise value of that shape).
#include "codegen/msl_emitter.h"

#include <fmt/format.h>

namespace tmetal::codegen {

void Emitter::emit_dot_int(ir::Operation& op) {
  ir::Value *a = op.operand(0), *b = op.operand(1), *c = op.operand(2), *r = op.result();
  if (a->type().shape().size() != 2 || b->type().shape().size() != 2) fail(op, "tl.dot is lowered for 2-D operands only");
  auto i8 = [](const ir::Value* v) { return v->type().element().scalar_kind() == ir::ScalarKind::I8; };
  if (!i8(a) || !i8(b)) fail(op, "integer tl.dot needs int8 operands (as Triton)");
  if (r->type().element().scalar_kind() != ir::ScalarKind::I32) fail(op, "integer tl.dot accumulates in int32 only");
  if (!(layout(c) == layout(r))) fail(op, "internal error: the integer tl.dot accumulator and result have different layouts");
  const int64_t M = r->type().shape()[0], N = r->type().shape()[1], K = a->type().shape()[1];
  // The widest chunk of K whose A and B tiles fit in threadgroup memory.
  const int64_t limit = target_.threadgroup_memory_bytes();
  int64_t kc = 0;
  for (int64_t d = K; d >= 1; --d)
    if (K % d == 0 && (M + N) * d <= limit) {
      kc = d;
      break;
    }
  if (kc == 0) need_scratch(op, M + N);  // fails naming the bytes and the limit
  const int64_t chunks = K / kc, off_b = (M * kc + 15) / 16 * 16;
  need_scratch(op, off_b + kc * N);
  tiles_.push_back(fmt::format("{}x{}x{} int8: per-thread int32 dot products, K staged {} at a time", M, N, K, kc));

  std::string name = define(r);
  declare(r);
  line(fmt::format("// tl.dot {}x{}x{} on int8 with int32 accumulation: A and B staged as bytes in threadgroup memory, "
                   "{} of K per chunk; each thread sums its own elements exactly", M, N, K, kc));
  line(fmt::format("for (int f = 0; f < {}; ++f) {}[f] = {}[f];", regs(r), name, name_of(c)));
  std::string sa = scratch("char", 0), sb = scratch("char", off_b);
  if (chunks > 1) open(fmt::format("for (uint tm_kc = 0; tm_kc < {}; tm_kc += {})", K, kc));
  barrier();  // the previous chunk's (or dot's) readers are done with the buffer
  auto stage_operand = [&](ir::Value* v, const std::string& dst, bool k_is_col) {
    open(fmt::format("for (int k = 0; k < {}; ++k)", regs(v)));
    std::string row = fmt::format("uint({})", coord(v, 0, "k")), col = fmt::format("uint({})", coord(v, 1, "k"));
    if (chunks > 1) (k_is_col ? col : row) += " - tm_kc";
    line(fmt::format("const uint tm_r = {}, tm_c = {};", row, col));
    std::string store = fmt::format("{}[tm_r * {} + tm_c] = {}[k];", dst, k_is_col ? kc : N, name_of(v));
    if (chunks > 1) line(fmt::format("if ({} < {}u) {}", k_is_col ? "tm_c" : "tm_r", kc, store));
    else line(store);
    close();
  };
  stage_operand(a, sa, true);
  stage_operand(b, sb, false);
  barrier();
  open(fmt::format("for (int f = 0; f < {}; ++f)", regs(r)));
  line(fmt::format("const uint tm_m = uint({}), tm_n = uint({});", coord(r, 0, "f"), coord(r, 1, "f")));
  line("uint tm_acc = 0u;");
  line(fmt::format("for (uint tm_k = 0; tm_k < {}u; ++tm_k) tm_acc += uint(int({}[tm_m * {} + tm_k]) * int({}[tm_k * {} + tm_n]));", kc, sa, kc, sb,
                   N));
  line(fmt::format("{0}[f] = as_type<int>(as_type<uint>({0}[f]) + tm_acc);", name));
  close();
  if (chunks > 1) close();
}

}  // namespace tmetal::codegen
