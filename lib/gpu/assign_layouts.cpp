// Pass `assign-layouts`: blocked layouts for every tensor of a function, vector width from axis analysis,
// simdgroups off the axis a shape is reduced along where the other dimensions have room.
#include "gpu/assign_layouts.h"

#include "gpu/axis_analysis.h"
#include "gpu/block_ptr_facts.h"
#include "gpu/layout_encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace tmetal::gpu {

int64_t pointee_bytes(const ir::Value* ptr) {
  ir::Type p = ptr->type().element();
  if (!p.is_pointer() || !p.pointee().is_scalar()) return 0;
  return std::max(1, p.pointee().bits() / 8);
}

// Vector width the access could use if the layout gave each thread `spt` elements along `dim`.
int64_t width_for(const AxisAnalysis& axes, const ir::Operation& op, int dim, int64_t spt, const LoweringOptions& o) {
  const ir::Value* ptr = op.operand(0);
  if (!ptr->type().is_tensor()) return 1;
  int64_t bytes = pointee_bytes(ptr);
  if (bytes == 0) return 1;
  ir::Type elem = ptr->type().element().pointee();
  if (elem.scalar_kind() == ir::ScalarKind::I1) return 1;
  AxisInfo p = axes.get(ptr);
  std::optional<AxisInfo> mask;
  size_t mask_index = op.is(ir::OpCode::Load) ? 1 : 2;
  if (op.num_operands() > mask_index) mask = axes.get(op.operand(mask_index));
  // MSL vectors have at most 4 components: a wider access of 1- or 2-byte elements (and every bf16 access)
  // is emitted as 32-bit words, uint2 / uint4 (codegen/emit_memory.cpp), so at most 16 bytes. Wider than 4
  // elements only where one vector holds all the tensor gives each thread: with fewer elements it would
  // leave threads without any (Triton's coalescing caps a thread's elements at numel / threads); with more
  // (several vectors per thread anyway) it did not pay on the CUDA proxy: rms_norm's 16 halves per thread as
  // two uint4 instead of four half4 took 43 registers instead of 39 (5 instead of 6 threadgroups of 256 per
  // SM) and fell from 88% to 85% of copy (bench/results/2026-12-02-H200-membw4.md).
  int64_t per_thread = ptr->type().num_elements() / (int64_t{o.num_warps} * o.simd_width);
  int64_t widest = std::min<int64_t>(o.preferred_vector_bytes, std::max<int64_t>(16, 4 * bytes)) / bytes;
  spt = per_thread > widest ? std::min<int64_t>(spt, 4) : std::min(spt, std::max<int64_t>(4, per_thread));
  return vector_width(p, mask ? &*mask : nullptr, dim, spt, bytes, std::min<int64_t>(o.preferred_vector_bytes, std::max<int64_t>(16, 4 * bytes)));
}

int64_t access_vector_width(const AxisAnalysis& axes, const ir::Operation& op, const LoweringOptions& options) {
  const BlockedLayout* l = blocked_layout_of(op.operand(0)->type());
  if (!l) return 1;
  // Registers k .. k+w-1 of a blocked layout are adjacent along its fastest dimension (order[0]).
  int dim = l->order[0];
  return width_for(axes, op, dim, l->size_per_thread[dim], options);
}

int assign_layouts(ir::Operation& func, const LoweringOptions& options) {
  if (options.num_warps < 1 || options.num_warps > 32 || (options.num_warps & (options.num_warps - 1)))
    throw std::invalid_argument(fmt::format("num_warps must be a power of two between 1 and 32 (got {})", options.num_warps));
  AxisAnalysis axes(func);
  // Widest vector each shape's loads/stores allow.
  std::map<std::vector<int64_t>, int64_t> vec;
  func.walk([&](ir::Operation* op) {
    if (!op->is(ir::OpCode::Load) && !op->is(ir::OpCode::Store)) return;
    const ir::Value* ptr = op->operand(0);
    if (ptr->type().is_pointer() && ptr->type().pointee().is_tensor()) {
      // Through a block pointer: vectors along the tile's last dimension when its facts allow them.
      int64_t w = block_access_vector_width(axes, *op, options.preferred_vector_bytes);
      auto& slot = vec[ptr->type().pointee().shape()];
      slot = std::max(slot, w);
      return;
    }
    if (!ptr->type().is_tensor()) return;
    int64_t bytes = pointee_bytes(ptr);
    if (bytes == 0) return;
    int64_t want = std::clamp<int64_t>(options.preferred_vector_bytes / bytes, 1, 16);
    want = std::min(want, ptr->type().shape().back());
    int64_t w = width_for(axes, *op, static_cast<int>(ptr->type().shape().size()) - 1, want, options);
    auto& slot = vec[ptr->type().shape()];
    slot = std::max(slot, w);
  });
  // The axis each shape of rank >= 2 is reduced along (-1: several different ones): its simdgroups go to the
  // other dimensions first, so that a row shorter than the threadgroup's width lies in one simdgroup and
  // reduces with shuffles alone (no partials through threadgroup memory). Not for scans: the scan in registers
  // wants the whole line in one pass of the threadgroup tile (gpu/scan_plan.h), which simdgroups along the
  // line give.
  std::map<std::vector<int64_t>, int> line_axis;
  func.walk([&](ir::Operation* op) {
    if (!op->is(ir::OpCode::Reduce)) return;
    const ir::Type& t = op->operand(0)->type();
    if (!t.is_tensor() || t.shape().size() < 2) return;
    int axis = static_cast<int>(op->int_attr("axis"));
    auto [it, fresh] = line_axis.emplace(t.shape(), axis);
    if (!fresh && it->second != axis) it->second = -1;
  });
  int count = 0;
  auto retype = [&](ir::Value* v) {
    ir::Type t = v->type();
    if (!t.is_tensor()) return;
    auto it = vec.find(t.shape());
    int64_t w = it == vec.end() ? 1 : std::max<int64_t>(1, it->second);
    auto axis = line_axis.find(t.shape());
    BlockedLayout l = default_blocked_layout(t.shape(), options.num_warps, options.simd_width, w, {},
                                             axis == line_axis.end() ? -1 : axis->second);
    v->set_type(t.with_encoding(std::make_shared<BlockedEncoding>(l)));
    ++count;
  };
  func.walk([&](ir::Operation* op) {
    for (ir::Value* r : op->results()) retype(r);
    for (size_t i = 0; i < op->num_regions(); ++i)
      for (size_t b = 0; b < op->region(i).num_blocks(); ++b)
        for (ir::Value* a : op->region(i).block(b).arguments()) retype(a);
  });
  return count;
}

}  // namespace tmetal::gpu
