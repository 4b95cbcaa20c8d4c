// The `#gpu.blocked<...>` tensor-type encoding: a BlockedLayout attached to a tile-IR tensor type, so that
// GPU IR prints and parses back (register_layout_encodings() installs the parser in lib/ir's hook).
//
//   tensor<64x64xf32, #gpu.blocked<spt=[1,4], lanes=[4,8], simds=[4,1], order=[1,0]>>
//
// and the `#gpu.simdgroup_matrix<simds=[M,N]>` encoding of tl.dot results and accumulators held in
// `simdgroup_matrix<T, 8, 8>` fragments (gpu/simdgroup_matrix_layout.h): a thread holds one fragment per
// 8x8 block its simdgroup owns, so such a tensor is a register array of fragments, not of elements.
//
//   tensor<64x64xf32, #gpu.simdgroup_matrix<simds=[2,2]>>
#pragma once

#include "gpu/blocked_layout.h"
#include "gpu/simdgroup_matrix_layout.h"
#include "ir/type.h"

#include <memory>
#include <string_view>

namespace tmetal::gpu {

class BlockedEncoding : public ir::Encoding {
 public:
  explicit BlockedEncoding(BlockedLayout layout) : layout_(std::move(layout)) {}
  std::string name() const override { return "gpu.blocked"; }
  std::string body() const override;
  bool equals(const ir::Encoding& other) const override;
  const BlockedLayout& layout() const { return layout_; }

 private:
  BlockedLayout layout_;
};

class SimdgroupMatrixEncoding : public ir::Encoding {
 public:
  explicit SimdgroupMatrixEncoding(SimdgroupMatrixLayout layout) : layout_(layout) {}
  std::string name() const override { return "gpu.simdgroup_matrix"; }
  std::string body() const override;
  bool equals(const ir::Encoding& other) const override;
  const SimdgroupMatrixLayout& layout() const { return layout_; }

 private:
  SimdgroupMatrixLayout layout_;
};

// `#gpu.simdgroup_matrix_slice<dim=1, simds=[4,1]>`: a simdgroup-matrix layout with one dimension reduced
// away (rank 1) or kept with extent 1 (rank 2), see SimdgroupMatrixSliceLayout.
class SimdgroupMatrixSliceEncoding : public ir::Encoding {
 public:
  explicit SimdgroupMatrixSliceEncoding(SimdgroupMatrixSliceLayout layout) : layout_(layout) {}
  std::string name() const override { return "gpu.simdgroup_matrix_slice"; }
  std::string body() const override;
  bool equals(const ir::Encoding& other) const override;
  const SimdgroupMatrixSliceLayout& layout() const { return layout_; }

 private:
  SimdgroupMatrixSliceLayout layout_;
};

// Parses `spt=[1,4], lanes=[4,8], simds=[4,1], order=[1,0]`; throws std::runtime_error naming the problem.
BlockedLayout parse_blocked_body(std::string_view body);

// Installs the parser of `#gpu.blocked` (idempotent; call before parsing GPU IR).
void register_layout_encodings();

// The blocked layout of a tensor type, or null when it has none.
const BlockedLayout* blocked_layout_of(const ir::Type& type);
// The simdgroup-matrix layout of a tensor type, or null when it has none.
const SimdgroupMatrixLayout* simdgroup_matrix_layout_of(const ir::Type& type);
// The simdgroup-matrix slice layout of a tensor type, or null when it has none.
const SimdgroupMatrixSliceLayout* simdgroup_matrix_slice_layout_of(const ir::Type& type);
// Whether the tensor type is in the simdgroup-matrix layout or one of its slices (the fragment family).
bool fragment_family(const ir::Type& type);

}  // namespace tmetal::gpu
