// Block-pointer facts (see block_ptr_facts.h).
#include "gpu/block_ptr_facts.h"

#include "gpu/axis_info.h"

#include <algorithm>
#include <numeric>
#include <set>

namespace tmetal::gpu {

namespace {

int64_t divisibility(const AxisAnalysis& axes, const ir::Value* v) {
  AxisInfo a = axes.get(v);
  return a.constant_value ? highest_power_of_two_divisor(*a.constant_value) : a.scalar_divisibility;
}

// Join of two fact sets: what holds for both.
BlockPtrFacts join(const BlockPtrFacts& a, const BlockPtrFacts& b) {
  BlockPtrFacts out = a;
  for (size_t d = 0; d < a.unit_stride.size() && d < b.unit_stride.size(); ++d) {
    out.unit_stride[d] = a.unit_stride[d] && b.unit_stride[d];
    out.stride_div[d] = std::gcd(a.stride_div[d], b.stride_div[d]);
    out.shape_div[d] = std::gcd(a.shape_div[d], b.shape_div[d]);
    out.offset_div[d] = std::gcd(a.offset_div[d], b.offset_div[d]);
  }
  out.base_div = std::gcd(a.base_div, b.base_div);
  return out;
}

// Facts that hold of anything (the identity of join): a value met again around a loop adds nothing of its own.
BlockPtrFacts top(size_t rank) {
  BlockPtrFacts f;
  f.unit_stride.assign(rank, true);
  f.stride_div.assign(rank, 0);
  f.shape_div.assign(rank, 0);
  f.offset_div.assign(rank, 0);
  f.base_div = 0;
  return f;
}

// `visiting`: iteration arguments on the current path. Meeting one again gives `top`, so a loop's facts are
// those of its initial value joined with what every advance on the way around adds.
std::optional<BlockPtrFacts> facts(const AxisAnalysis& axes, const ir::Value* bp, std::set<const ir::Value*>& visiting) {
  const size_t rank = bp->type().pointee().shape().size();
  const ir::Operation* d = bp->defining_op();
  if (d && d->is(ir::OpCode::MakeTensorPtr)) {
    if (d->num_operands() != 1 + 3 * rank) return std::nullopt;
    BlockPtrFacts f;
    for (size_t i = 0; i < rank; ++i) {
      AxisInfo s = axes.get(d->operand(1 + rank + i));
      f.unit_stride.push_back(s.constant_value && *s.constant_value == 1);
      f.stride_div.push_back(divisibility(axes, d->operand(1 + rank + i)));
      f.shape_div.push_back(divisibility(axes, d->operand(1 + i)));
      f.offset_div.push_back(divisibility(axes, d->operand(1 + 2 * rank + i)));
    }
    f.base_div = divisibility(axes, d->operand(0));
    return f;
  }
  if (d && d->is(ir::OpCode::Advance)) {
    std::optional<BlockPtrFacts> f = facts(axes, d->operand(0), visiting);
    if (!f) return std::nullopt;
    for (size_t i = 0; i < f->offset_div.size() && i + 1 < d->num_operands(); ++i)
      f->offset_div[i] = std::gcd(f->offset_div[i], divisibility(axes, d->operand(1 + i)));
    return f;
  }
  if (d) return std::nullopt;
  // An iteration argument of an scf.for body: its initial value joined with the yielded one.
  const ir::Block* b = bp->parent_block();
  const ir::Operation* loop = b ? b->parent_op() : nullptr;
  if (!loop || !loop->is(ir::OpCode::For)) return std::nullopt;
  size_t idx = 0;
  while (idx < b->num_arguments() && b->argument(idx) != bp) ++idx;
  if (idx == 0 || idx == b->num_arguments() || loop->num_operands() <= idx + 2) return std::nullopt;
  if (visiting.count(bp)) return top(rank);
  const ir::Operation* y = b->terminator();
  if (!y || y->num_operands() < idx) return std::nullopt;
  visiting.insert(bp);
  std::optional<BlockPtrFacts> init = facts(axes, loop->operand(idx + 2), visiting);
  std::optional<BlockPtrFacts> next = init ? facts(axes, y->operand(idx - 1), visiting) : std::nullopt;
  visiting.erase(bp);
  if (!init || !next) return std::nullopt;
  return join(*init, *next);
}

}  // namespace

std::optional<BlockPtrFacts> block_ptr_facts(const AxisAnalysis& axes, const ir::Value* bp) {
  std::set<const ir::Value*> visiting;
  return facts(axes, bp, visiting);
}

int64_t block_access_vector_width(const AxisAnalysis& axes, const ir::Operation& access, int64_t preferred_vector_bytes) {
  const ir::Value* bp = access.operand(0);
  if (!bp->type().is_pointer() || !bp->type().pointee().is_tensor()) return 1;
  ir::Type tile = bp->type().pointee();
  ir::Type elem = tile.element();
  if (elem.scalar_kind() == ir::ScalarKind::BF16 || elem.scalar_kind() == ir::ScalarKind::I1) return 1;
  const int64_t bytes = std::max(1, elem.bits() / 8);
  std::optional<BlockPtrFacts> f = block_ptr_facts(axes, bp);
  if (!f || f->unit_stride.empty()) return 1;
  const size_t last = f->unit_stride.size() - 1;
  if (!f->unit_stride[last]) return 1;
  std::vector<int64_t> checked = access.array_attr("boundary_check");
  bool last_checked = std::find(checked.begin(), checked.end(), static_cast<int64_t>(last)) != checked.end();
  int64_t w = std::min<int64_t>(std::clamp<int64_t>(preferred_vector_bytes / bytes, 1, 4), tile.shape().back());
  for (; w > 1; w /= 2) {
    bool ok = f->offset_div[last] % w == 0 && f->base_div % (w * bytes) == 0;
    for (size_t d = 0; d < last; ++d) ok = ok && f->stride_div[d] % w == 0;
    if (last_checked) ok = ok && f->shape_div[last] % w == 0;
    if (ok) break;
  }
  return std::max<int64_t>(w, 1);
}

}  // namespace tmetal::gpu
