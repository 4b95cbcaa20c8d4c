// The register check of layout-changing ops (see register_relayout.h).
#include "gpu/register_relayout.h"

#include "gpu/blocked_layout.h"
#include "gpu/convert_layout_op.h"
#include "gpu/layout_encoding.h"

namespace tmetal::gpu {

std::vector<int64_t> relayout_source_coords(const ir::Operation& op, const std::vector<int64_t>& c) {
  if (is_convert_layout(op)) return c;
  const auto& src = op.operand(0)->type().shape();
  const auto& dst = op.result()->type().shape();
  std::vector<int64_t> s;
  switch (op.code()) {
    case ir::OpCode::Broadcast:
      for (size_t d = 0; d < src.size(); ++d) s.push_back(src[d] == 1 ? 0 : c[d]);
      return s;
    case ir::OpCode::ExpandDims: {
      int64_t axis = op.int_attr("axis");
      for (size_t d = 0; d < dst.size(); ++d)
        if (static_cast<int64_t>(d) != axis) s.push_back(c[d]);
      return s;
    }
    case ir::OpCode::Trans: {
      auto order = op.array_attr("order");
      s.assign(src.size(), 0);
      for (size_t i = 0; i < order.size(); ++i) s[order[i]] = c[i];
      return s;
    }
    default: {  // reshape: same row-major linear index
      int64_t lin = 0;
      for (size_t d = 0; d < dst.size(); ++d) lin = lin * dst[d] + c[d];
      s.assign(src.size(), 0);
      for (int d = static_cast<int>(src.size()) - 1; d >= 0; --d) {
        s[d] = lin % src[d];
        lin /= src[d];
      }
      return s;
    }
  }
}

namespace {
int64_t linear_index(const std::vector<int64_t>& shape, const std::vector<int64_t>& c) {
  int64_t lin = 0;
  for (size_t d = 0; d < shape.size(); ++d) lin = lin * shape[d] + c[d];
  return lin;
}
}  // namespace

std::optional<std::vector<int64_t>> register_relayout_map(const ir::Operation& op, int64_t num_threads, int64_t simd_width) {
  const ir::Value* src = op.operand(0);
  const ir::Value* r = op.result();
  const BlockedLayout* slp = blocked_layout_of(src->type());
  const BlockedLayout* rlp = blocked_layout_of(r->type());
  if (!slp || !rlp) return std::nullopt;
  const BlockedLayout& sl = *slp;
  const BlockedLayout& rl = *rlp;
  const auto& sshape = src->type().shape();
  const auto& rshape = r->type().shape();
  int64_t rr = rl.registers_per_thread(rshape), sr = sl.registers_per_thread(sshape);
  // Register offsets do not depend on the thread: computed once; a flat table maps source elements to registers.
  auto offsets = [](const BlockedLayout& l, const std::vector<int64_t>& shape, int64_t n) {
    std::vector<std::vector<int64_t>> out;
    for (int64_t k = 0; k < n; ++k) out.push_back(l.register_offset(shape, k));
    return out;
  };
  auto soff = offsets(sl, sshape, sr), roff = offsets(rl, rshape, rr);
  std::vector<int64_t> map(rr, -1), have(src->type().num_elements(), -1), slin(sr);
  std::vector<int64_t> c(rshape.size()), scoord(sshape.size());
  for (int64_t t = 0; t < num_threads; ++t) {
    int64_t lane = t % simd_width, simd = t / simd_width;
    for (int64_t k = 0; k < sr; ++k) {
      for (size_t d = 0; d < sshape.size(); ++d) {
        scoord[d] = sl.thread_base(static_cast<int>(d), lane, simd) % sshape[d] + soff[k][d];
        if (scoord[d] >= sshape[d]) return std::nullopt;  // a layout that does not fit the shape: no proof
      }
      slin[k] = linear_index(sshape, scoord);
      if (have[slin[k]] < 0) have[slin[k]] = k;
    }
    for (int64_t k = 0; k < rr; ++k) {
      for (size_t d = 0; d < rshape.size(); ++d) {
        c[d] = rl.thread_base(static_cast<int>(d), lane, simd) % rshape[d] + roff[k][d];
        if (c[d] >= rshape[d]) return std::nullopt;
      }
      int64_t want = have[linear_index(sshape, relayout_source_coords(op, c))];
      if (want < 0 || (map[k] >= 0 && map[k] != want)) return std::nullopt;
      map[k] = want;
    }
    for (int64_t k = 0; k < sr; ++k) have[slin[k]] = -1;
  }
  return map;
}

}  // namespace tmetal::gpu
