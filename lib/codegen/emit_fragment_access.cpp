// MSL emission of tt.load into and tt.store from the fragment family (the epilogue on the fragments,
// propagate-fragment-layout: a bias row loaded in a slice, a residual tile in the fragment layout, C stored).
// Loads: each lane reads the elements it holds, masked elements take `other`; two adjacent columns of a
// fragment as one 2-vector where the pair is proven contiguous, aligned and equally masked.
// Stores (tt.store from the fragment layout):
// each lane stores its own elements of each 8x8 fragment straight to device memory, element k at the row and
// column Apple's lane map gives it (emit_fragments.cpp), so a dot's result reaches memory without a round trip
// through threadgroup memory and without a barrier, as MLX's and MetalFlashAttention's kernels store theirs.
// Elements k and k + 1 (k even) of a lane are adjacent columns: they go as one 2-vector (float2, half2) where
// axis analysis (a tensor of pointers) or the block pointer's facts prove the pair contiguous and aligned and
// its mask (or bounds check) the same for both; otherwise one element at a time, each under its own mask.
// Fragments replicated over simdgroups are stored by their owner only.
#include "codegen/msl_emitter.h"
#include "gpu/block_ptr_facts.h"
#include "gpu/layout_encoding.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace tmetal::codegen {

void Emitter::emit_fragment_load(ir::Operation& op) {
  ir::Value* p = op.operand(0);
  ir::Value* r = op.result();
  if (!p->type().is_tensor()) fail(op, "internal error: a fragment-layout load needs a tensor of pointers");
  if (!same_encoding(r->type(), p->type())) fail(op, "internal error: a fragment-layout load's pointers are in another layout");
  ir::Value* mask = op.num_operands() > 1 ? op.operand(1) : nullptr;
  ir::Value* other = op.num_operands() > 2 ? op.operand(2) : nullptr;
  const bool bf16 = r->type().element().scalar_kind() == ir::ScalarKind::BF16;
  const std::string rt = element_reg_type(r->type());
  auto read = [&](const std::string& a) {
    if (!bf16) return fmt::format("{}(*{})", rt, a);
    return target_.supports_bfloat() ? fmt::format("float(*{})", a) : fmt::format("tm_bf16_from_bits(*{})", a);
  };
  auto fill = [&](const std::string& k) { return other ? elem(other, k) : rt + "(0)"; };
  define(r);
  declare(r);
  int64_t w = 1;
  const int64_t bytes = std::max(1, r->type().element().bits() / 8);
  if (mma(r) && !bf16) {
    gpu::AxisInfo pi = axes_.get(p);
    std::optional<gpu::AxisInfo> mi;
    if (mask) mi = axes_.get(mask);
    if (pi.rank() == 2) w = gpu::vector_width(pi, mi ? &*mi : nullptr, 1, 2, bytes, std::min<int64_t>(target_.preferred_vector_bytes(), 2 * bytes));
  }
  const std::string st = storage_type(r->type());
  open(fmt::format("for (int k = 0; k < {}; k += {})", elements(r), w));
  if (w == 2) {
    std::string load = fmt::format("{0}2 tm_v = *reinterpret_cast<const device {0}2*>({1}); {2} = {3}(tm_v[0]); {4} = {3}(tm_v[1]);", st,
                                   ptr(p, "k"), elem(r, "k"), rt, elem(r, "k + 1"));
    if (mask)
      line(fmt::format("if ({}) {{ {} }} else {{ {} = {}; {} = {}; }}", elem(mask, "k"), load, elem(r, "k"), fill("k"), elem(r, "k + 1"), fill("k + 1")));
    else
      line(fmt::format("{{ {} }}", load));
  } else {
    std::string x = read(ptr(p, "k"));
    line(mask ? fmt::format("{} = {} ? {} : {};", elem(r, "k"), elem(mask, "k"), x, fill("k")) : fmt::format("{} = {};", elem(r, "k"), x));
  }
  close();
}

void Emitter::emit_fragment_store(ir::Operation& op) {
  ir::Value* p = op.operand(0);
  ir::Value* val = op.operand(1);
  const bool block = p->type().is_pointer() && p->type().pointee().is_tensor();
  ir::Value* mask = !block && op.num_operands() > 2 ? op.operand(2) : nullptr;
  const ir::ScalarKind kind = val->type().element().scalar_kind();
  const bool bf16 = kind == ir::ScalarKind::BF16;
  const std::string st = storage_type(val->type());
  auto conv = [&](const std::string& x) {
    if (!bf16) return fmt::format("{}({})", st, x);
    return target_.supports_bfloat() ? fmt::format("bfloat({})", x) : fmt::format("tm_bf16_bits({})", x);
  };
  const int64_t bytes = std::max(1, val->type().element().bits() / 8);
  const int64_t max_bytes = std::min<int64_t>(target_.preferred_vector_bytes(), 2 * bytes);
  std::string own = owner(val), addr;
  std::vector<std::string> conds;
  int64_t w = 1;
  if (block) {
    if (val->type().shape().size() != 2) fail(op, "internal error: a block-pointer store from fragments must be 2-D");
    if (!bf16 && max_bytes >= 2 * bytes) w = std::min<int64_t>(2, gpu::block_access_vector_width(axes_, op, max_bytes));
  } else {
    if (!same_encoding(val->type(), p->type())) fail(op, "store of a value whose layout differs from its pointers'");
    gpu::AxisInfo pi = axes_.get(p);
    std::optional<gpu::AxisInfo> mi;
    if (mask) mi = axes_.get(mask);
    if (!bf16 && pi.rank() == 2) w = gpu::vector_width(pi, mi ? &*mi : nullptr, 1, 2, bytes, max_bytes);
  }
  line(fmt::format("// the fragments stored by their lanes (Apple's lane map){}", w == 2 ? ", two adjacent columns per store" : ""));
  open(fmt::format("for (int k = 0; k < {}; k += {})", elements(val), w));
  if (block) {
    const std::string b = name_of(p);
    std::vector<std::string> terms;
    for (int d = 0; d < 2; ++d) {
      line(fmt::format("{} tm_i{} = {}.off[{}] + {};", offset_type(), d, b, d, coord(val, d, "k")));
      terms.push_back(fmt::format("tm_i{} * {}.stride[{}]", d, b, d));
    }
    for (int64_t d : op.array_attr("boundary_check")) {
      if (d < 0 || d > 1) fail(op, fmt::format("boundary_check dimension {} out of range", d));
      conds.push_back(offsets32_ ? fmt::format("tm_i{0} < {1}.shape[{0}]", d, b) : fmt::format("tm_i{0} >= 0 && tm_i{0} < {1}.shape[{0}]", d, b));
    }
    addr = fmt::format("({}.base + {})", b, fmt::join(terms, " + "));
  } else {
    addr = ptr(p, "k");
    if (mask) conds.push_back(elem(mask, "k"));
  }
  std::string guard = conds.empty() ? own : fmt::format("{} && {}", own, fmt::join(conds, " && "));
  if (w == 2)
    line(fmt::format("if ({}) *reinterpret_cast<device {}2*>({}) = {}2({}, {});", guard, st, addr, st, conv(elem(val, "k")), conv(elem(val, "k + 1"))));
  else
    line(fmt::format("if ({}) *{} = {};", guard, addr, conv(elem(val, "k"))));
  close();
}

}  // namespace tmetal::codegen
