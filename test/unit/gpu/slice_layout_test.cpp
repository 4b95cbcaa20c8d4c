// A slice layout holds exactly the parent's elements projected off the sliced dimension: for every thread, the
// set of coordinates it owns in the slice equals the projection of what it owns in the parent.
#include "gpu/slice_layout.h"

#include <gtest/gtest.h>

#include <set>

namespace tmetal::gpu {
namespace {

std::set<std::vector<int64_t>> owned_by(const SliceLayout& s, const Shape& shape, int64_t lane, int64_t simd) {
  std::set<std::vector<int64_t>> out;
  for (int64_t r = 0; r < s.registers_per_thread(shape); ++r) out.insert(s.coordinates(shape, lane, simd, r));
  return out;
}

std::set<std::vector<int64_t>> projected(const BlockedLayout& p, const Shape& shape, int dim, int64_t lane,
                                         int64_t simd) {
  std::set<std::vector<int64_t>> out;
  for (int64_t r = 0; r < p.registers_per_thread(shape); ++r) {
    auto c = p.coordinates(shape, lane, simd, r);
    c.erase(c.begin() + dim);
    out.insert(c);
  }
  return out;
}

TEST(SliceLayout, ProjectsParentOwnership) {
  for (Shape parent_shape : {Shape{64, 64}, Shape{16, 128}, Shape{4, 32}, Shape{128, 8}}) {
    BlockedLayout parent = default_blocked_layout(parent_shape, 4, 32, 4);
    for (int dim = 0; dim < 2; ++dim) {
      SliceLayout slice{dim, parent};
      Shape shape = parent_shape;
      shape.erase(shape.begin() + dim);
      for (int64_t simd = 0; simd < 4; ++simd) {
        for (int64_t lane = 0; lane < 32; ++lane) {
          EXPECT_EQ(owned_by(slice, shape, lane, simd), projected(parent, parent_shape, dim, lane, simd))
              << slice.str() << " lane " << lane << " simd " << simd;
        }
      }
    }
  }
}

TEST(SliceLayout, Printing) {
  SliceLayout slice{1, default_blocked_layout({64, 64}, 4, 32, 4)};
  EXPECT_EQ(slice.str(), "#slice<{dim=1, parent=#blocked<{spt=[1,4], lanes=[2,16], simds=[4,1], order=[1,0]}>}>");
  EXPECT_EQ(slice.rank(), 1);
}

}  // namespace
}  // namespace tmetal::gpu
