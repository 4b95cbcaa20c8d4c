// Blocked layout arithmetic: the default choice for a shape, and the coordinate map (thread, register) → element.
#include "gpu/blocked_layout.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <stdexcept>

namespace tmetal::gpu {
namespace {

bool is_power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

int64_t product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (int64_t x : v) p *= x;
  return p;
}

// Index of `linear` along `dim` when `linear` is decomposed in mixed radix `extent`, fastest dimension first
// per `order`.
int64_t mixed_radix_digit(int64_t linear, const std::vector<int64_t>& extent, const std::vector<int>& order, int dim) {
  for (int d : order) {
    if (d == dim) return linear % extent[d];
    linear /= extent[d];
  }
  return 0;
}

// Product of the extents of the dimensions before `dim` in `order`.
int64_t stride_in_order(const std::vector<int64_t>& extent, const std::vector<int>& order, int dim) {
  int64_t stride = 1;
  for (int d : order) {
    if (d == dim) break;
    stride *= extent[d];
  }
  return stride;
}

}  // namespace

int64_t BlockedLayout::lane_stride(int dim) const { return stride_in_order(lanes_per_simd, order, dim); }
int64_t BlockedLayout::simd_stride(int dim) const { return stride_in_order(simds_per_group, order, dim); }

int64_t BlockedLayout::num_simds() const { return product(simds_per_group); }
int64_t BlockedLayout::num_lanes() const { return product(lanes_per_simd); }

Shape BlockedLayout::group_tile() const {
  Shape tile(order.size());
  for (size_t d = 0; d < order.size(); ++d) tile[d] = size_per_thread[d] * lanes_per_simd[d] * simds_per_group[d];
  return tile;
}

int64_t BlockedLayout::registers_per_thread(const Shape& shape) const {
  Shape tile = group_tile();
  int64_t regs = 1;
  for (size_t d = 0; d < shape.size(); ++d) regs *= size_per_thread[d] * std::max<int64_t>(1, shape[d] / tile[d]);
  return regs;
}

int64_t BlockedLayout::thread_base(int dim, int64_t lane, int64_t simd) const {
  int64_t lane_d = mixed_radix_digit(lane, lanes_per_simd, order, dim);
  int64_t simd_d = mixed_radix_digit(simd, simds_per_group, order, dim);
  return (simd_d * lanes_per_simd[dim] + lane_d) * size_per_thread[dim];
}

std::vector<int64_t> BlockedLayout::register_offset(const Shape& shape, int64_t reg) const {
  // Registers enumerate the in-thread block fastest (by order), then the repetitions of the group tile.
  Shape tile = group_tile();
  std::vector<int64_t> reps(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) reps[d] = std::max<int64_t>(1, shape[d] / tile[d]);
  std::vector<int64_t> offset(shape.size());
  int64_t in_thread = reg % product(size_per_thread);
  int64_t rep = reg / product(size_per_thread);
  for (int d : order) {
    int64_t inner = in_thread % size_per_thread[d];
    in_thread /= size_per_thread[d];
    int64_t outer = rep % reps[d];
    rep /= reps[d];
    offset[d] = outer * tile[d] + inner;
  }
  return offset;
}

std::vector<int64_t> BlockedLayout::coordinates(const Shape& shape, int64_t lane, int64_t simd, int64_t reg) const {
  std::vector<int64_t> coords = register_offset(shape, reg);
  for (size_t d = 0; d < shape.size(); ++d) coords[d] += thread_base(static_cast<int>(d), lane, simd) % shape[d];
  return coords;
}

std::string BlockedLayout::str() const {
  return fmt::format("#blocked<{{spt=[{}], lanes=[{}], simds=[{}], order=[{}]}}>", fmt::join(size_per_thread, ","),
                     fmt::join(lanes_per_simd, ","), fmt::join(simds_per_group, ","), fmt::join(order, ","));
}

BlockedLayout default_blocked_layout(const Shape& shape, int64_t num_simds, int64_t simd_width, int64_t vector_elems,
                                     std::vector<int> order, int simds_last_dim) {
  const int rank = static_cast<int>(shape.size());
  if (rank == 0) throw std::invalid_argument("blocked layout of a rank-0 tensor");
  for (int64_t s : shape) {
    if (!is_power_of_two(s)) throw std::invalid_argument(fmt::format("tensor dimension {} is not a power of two", s));
  }
  if (!is_power_of_two(num_simds) || !is_power_of_two(simd_width) || !is_power_of_two(vector_elems)) {
    throw std::invalid_argument("simdgroup count, SIMD width and vector width must be powers of two");
  }
  if (order.empty()) {
    for (int d = rank - 1; d >= 0; --d) order.push_back(d);
  }
  if (static_cast<int>(order.size()) != rank) throw std::invalid_argument("layout order does not match the rank");

  BlockedLayout layout;
  layout.order = order;
  layout.size_per_thread.assign(rank, 1);
  layout.lanes_per_simd.assign(rank, 1);
  layout.simds_per_group.assign(rank, 1);
  layout.size_per_thread[order[0]] = std::min(vector_elems, shape[order[0]]);

  if (simds_last_dim >= rank) throw std::invalid_argument("simds_last_dim out of range");
  int64_t lanes_left = simd_width;
  for (int d : order) {
    int64_t room = shape[d] / layout.size_per_thread[d];  // threads this dimension can use without wrapping
    int64_t lanes = std::min(lanes_left, room);
    layout.lanes_per_simd[d] = lanes;
    lanes_left /= lanes;
  }
  // Simdgroups in the same order, except that `simds_last_dim` (a dimension reduced along) gets only those the
  // other dimensions have no room for: its lines then stay inside one simdgroup.
  std::vector<int> simd_order;
  for (int d : order)
    if (d != simds_last_dim) simd_order.push_back(d);
  if (simds_last_dim >= 0) simd_order.push_back(simds_last_dim);
  int64_t simds_left = num_simds;
  for (int d : simd_order) {
    int64_t room = shape[d] / layout.size_per_thread[d];
    int64_t simds = std::min(simds_left, std::max<int64_t>(1, room / layout.lanes_per_simd[d]));
    layout.simds_per_group[d] = simds;
    simds_left /= simds;
  }
  // Threads the shape has no room for replicate along the slowest dimension.
  layout.lanes_per_simd[order.back()] *= lanes_left;
  layout.simds_per_group[order.back()] *= simds_left;
  return layout;
}

}  // namespace tmetal::gpu
