// Axis information: what is statically known about the values of an integer or pointer tensor along each
// dimension, following Triton's AxisInfo analysis. It decides how wide the emitted loads and stores can be.
//
// For each dimension d of a tensor:
//   contiguity[d]   values come in runs of this many consecutive integers (step 1 along d), runs aligned to it;
//   divisibility[d] the first value of every run is a multiple of this power of two (for pointers: the byte
//                   address is, so it is the alignment);
//   constancy[d]    values come in runs of this many equal values along d.
// All three are powers of two. Transfer functions below give the facts of an op's result from its operands';
// the analysis pass maps tile-IR ops onto them. Everything here is conservative: 1 means "nothing known".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tmetal::gpu {

struct AxisInfo {
  std::vector<int64_t> contiguity;
  std::vector<int64_t> divisibility;
  std::vector<int64_t> constancy;
  std::optional<int64_t> constant_value;  // set when every element is this known integer
  int64_t scalar_divisibility = 1;         // divisibility of a rank-0 value (a scalar argument, program_id)

  static constexpr int64_t kMaxDivisibility = int64_t{1} << 30;

  int rank() const { return static_cast<int>(contiguity.size()); }
  std::string str() const;
  bool operator==(const AxisInfo&) const = default;

  // Nothing known about a tensor of this shape (or a scalar when shape is empty).
  static AxisInfo unknown(const std::vector<int64_t>& shape);
  // A scalar (or splatted) integer known to be divisible by `divisibility` (e.g. a kernel argument with the
  // divisible-by-16 specialization), all elements equal.
  static AxisInfo uniform(const std::vector<int64_t>& shape, int64_t divisibility);
  static AxisInfo constant(const std::vector<int64_t>& shape, int64_t value);
  // tl.arange(start, end)
  static AxisInfo range(int64_t start, int64_t end);
};

// Largest power of two dividing `value` (kMaxDivisibility for 0).
int64_t highest_power_of_two_divisor(int64_t value);

AxisInfo axis_add(const AxisInfo& lhs, const AxisInfo& rhs);
AxisInfo axis_sub(const AxisInfo& lhs, const AxisInfo& rhs);
AxisInfo axis_mul(const AxisInfo& lhs, const AxisInfo& rhs);
AxisInfo axis_div(const AxisInfo& lhs, const AxisInfo& rhs);  // integer division (either rounding)
AxisInfo axis_rem(const AxisInfo& lhs, const AxisInfo& rhs);
// Pointer + integer offsets in elements of `element_bytes` bytes.
AxisInfo axis_addptr(const AxisInfo& ptr, const AxisInfo& offset, int64_t element_bytes);
// Comparisons (<, <=, >, >=, ==, !=) giving i1 masks: a mask is constant over runs where the contiguous side
// cannot cross the bound, which is what keeps masked vector loads vectorized.
AxisInfo axis_compare(const AxisInfo& lhs, const AxisInfo& rhs);
// Facts true of both (a loop-carried value: its initial value and the value each iteration yields).
AxisInfo axis_join(const AxisInfo& a, const AxisInfo& b);
// Bitwise and/or/xor of masks, select: runs survive where all operands' runs do.
AxisInfo axis_elementwise_join(const std::vector<AxisInfo>& operands);
AxisInfo axis_broadcast(const AxisInfo& operand, const std::vector<int64_t>& from, const std::vector<int64_t>& to);
AxisInfo axis_expand_dims(const AxisInfo& operand, int dim);
AxisInfo axis_splat(const AxisInfo& scalar, const std::vector<int64_t>& shape);

// Widest vector (in elements) a thread may use to access `size_per_thread` consecutive elements along dimension
// `dim` of a pointer tensor with `ptr` facts, masked by `mask` facts (if any), within `max_vector_bytes`.
int64_t vector_width(const AxisInfo& ptr, const AxisInfo* mask, int dim, int64_t size_per_thread,
                     int64_t element_bytes, int64_t max_vector_bytes);

}  // namespace tmetal::gpu
