// Pass `coalesce-accesses`: loads and stores take a layout whose fastest dimension is their pointers'
// contiguous one (see coalesce_accesses.h).
#include "gpu/coalesce_accesses.h"

#include "gpu/access_layout.h"
#include "gpu/axis_analysis.h"
#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace tmetal::gpu {

namespace {
// The layout access `op` should use, or nullopt when its pointers' own layout is as good.
std::optional<BlockedLayout> coalesced_layout(const AxisAnalysis& axes, const ir::Operation& op, const LoweringOptions& o) {
  const ir::Value* ptr = op.operand(0);
  const ir::Type& t = ptr->type();
  const BlockedLayout* l = blocked_layout_of(t);
  if (!t.is_tensor() || !l || t.shape().size() < 2 || pointee_bytes(ptr) == 0) return std::nullopt;
  AxisInfo info = axes.get(ptr);
  if (info.rank() != l->rank()) return std::nullopt;
  const int fast = l->order[0];
  int best = fast;
  for (int d = 0; d < l->rank(); ++d)
    if (info.contiguity[d] > info.contiguity[best]) best = d;
  if (best == fast || info.contiguity[best] < 2) return std::nullopt;
  std::vector<int> order = {best};
  for (int d : l->order)
    if (d != best) order.push_back(d);
  const auto& shape = t.shape();
  int64_t want = std::clamp<int64_t>(o.preferred_vector_bytes / pointee_bytes(ptr), 1, 4);
  want = std::min(want, shape[best]);
  int64_t w = std::max<int64_t>(1, width_for(axes, op, best, want, o));
  BlockedLayout c = default_blocked_layout(shape, l->num_simds(), l->num_lanes(), w, order);
  if (c == *l) return std::nullopt;
  return c;
}

}  // namespace

int coalesce_accesses(ir::Operation& func, const LoweringOptions& options) {
  register_gpu_ops();
  AxisAnalysis axes(func);
  std::vector<std::pair<ir::Operation*, BlockedLayout>> moves;
  func.walk([&](ir::Operation* op) {
    if (!op->is(ir::OpCode::Load) && !op->is(ir::OpCode::Store)) return;
    if (std::optional<BlockedLayout> l = coalesced_layout(axes, *op, options)) moves.emplace_back(op, *l);
  });
  for (auto& [op, l] : moves) move_access(*op, l);
  if (!moves.empty()) carry_moved_tiles(func);
  return static_cast<int>(moves.size());
}

}  // namespace tmetal::gpu
