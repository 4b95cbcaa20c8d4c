// Transfer functions of the axis-information lattice (see axis_info.h).
#include "gpu/axis_info.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace tmetal::gpu {
namespace {

int64_t cap(int64_t v) { return std::min(v, AxisInfo::kMaxDivisibility); }

AxisInfo same_rank(const AxisInfo& like) {
  AxisInfo out;
  out.contiguity.assign(like.rank(), 1);
  out.divisibility.assign(like.rank(), 1);
  out.constancy.assign(like.rank(), 1);
  return out;
}

void check_ranks(const AxisInfo& a, const AxisInfo& b) {
  if (a.rank() != b.rank()) throw std::invalid_argument("axis info of operands with different ranks");
}

bool is_known(const AxisInfo& info, int64_t value) { return info.constant_value && *info.constant_value == value; }

// Divisibility of the values of `x` along `d` at every position that is a multiple of `run` (a power of two):
// those are run starts of x when `run` is a multiple of x's contiguity, otherwise start + k*run inside a run.
int64_t divisibility_at(const AxisInfo& x, int d, int64_t run) {
  return run % x.contiguity[d] == 0 ? x.divisibility[d] : std::gcd(x.divisibility[d], run);
}

}  // namespace

int64_t highest_power_of_two_divisor(int64_t value) {
  if (value == 0) return AxisInfo::kMaxDivisibility;
  return cap(value & -value);
}

AxisInfo AxisInfo::unknown(const std::vector<int64_t>& shape) {
  AxisInfo info;
  info.contiguity.assign(shape.size(), 1);
  info.divisibility.assign(shape.size(), 1);
  info.constancy.assign(shape.size(), 1);
  return info;
}

AxisInfo AxisInfo::uniform(const std::vector<int64_t>& shape, int64_t divisibility) {
  AxisInfo info = unknown(shape);
  info.scalar_divisibility = cap(divisibility);
  info.divisibility.assign(shape.size(), cap(divisibility));
  info.constancy = shape;
  return info;
}

AxisInfo AxisInfo::constant(const std::vector<int64_t>& shape, int64_t value) {
  AxisInfo info = uniform(shape, highest_power_of_two_divisor(value));
  info.constant_value = value;
  return info;
}

AxisInfo AxisInfo::range(int64_t start, int64_t end) {
  AxisInfo info;
  info.contiguity = {end - start};
  info.divisibility = {highest_power_of_two_divisor(start)};
  info.constancy = {1};
  return info;
}

std::string AxisInfo::str() const {
  std::string s = fmt::format("contiguity=[{}] divisibility=[{}] constancy=[{}]", fmt::join(contiguity, ","),
                              fmt::join(divisibility, ","), fmt::join(constancy, ","));
  if (constant_value) s += fmt::format(" constant={}", *constant_value);
  return s;
}

AxisInfo axis_add(const AxisInfo& lhs, const AxisInfo& rhs) {
  check_ranks(lhs, rhs);
  AxisInfo out = same_rank(lhs);
  for (int d = 0; d < lhs.rank(); ++d) {
    // A contiguous run plus a value constant over the run stays contiguous.
    out.contiguity[d] = std::max(std::gcd(lhs.contiguity[d], rhs.constancy[d]),
                                 std::gcd(lhs.constancy[d], rhs.contiguity[d]));
    out.divisibility[d] = std::gcd(divisibility_at(lhs, d, out.contiguity[d]), divisibility_at(rhs, d, out.contiguity[d]));
    out.constancy[d] = std::gcd(lhs.constancy[d], rhs.constancy[d]);
  }
  if (lhs.constant_value && rhs.constant_value) out.constant_value = *lhs.constant_value + *rhs.constant_value;
  return out;
}

AxisInfo axis_sub(const AxisInfo& lhs, const AxisInfo& rhs) {
  check_ranks(lhs, rhs);
  AxisInfo out = same_rank(lhs);
  for (int d = 0; d < lhs.rank(); ++d) {
    out.contiguity[d] = std::gcd(lhs.contiguity[d], rhs.constancy[d]);
    out.divisibility[d] = std::gcd(divisibility_at(lhs, d, out.contiguity[d]), divisibility_at(rhs, d, out.contiguity[d]));
    out.constancy[d] = std::gcd(lhs.constancy[d], rhs.constancy[d]);
  }
  if (lhs.constant_value && rhs.constant_value) out.constant_value = *lhs.constant_value - *rhs.constant_value;
  return out;
}

AxisInfo axis_mul(const AxisInfo& lhs, const AxisInfo& rhs) {
  check_ranks(lhs, rhs);
  AxisInfo out = same_rank(lhs);
  for (int d = 0; d < lhs.rank(); ++d) {
    if (is_known(rhs, 1)) {
      out.contiguity[d] = lhs.contiguity[d];
      out.divisibility[d] = lhs.divisibility[d];
    } else if (is_known(lhs, 1)) {
      out.contiguity[d] = rhs.contiguity[d];
      out.divisibility[d] = rhs.divisibility[d];
    } else {
      // The product has runs of one element: every element's divisibility multiplies.
      out.divisibility[d] = cap(divisibility_at(lhs, d, 1) * divisibility_at(rhs, d, 1));
    }
    out.constancy[d] = std::gcd(lhs.constancy[d], rhs.constancy[d]);
  }
  if (lhs.constant_value && rhs.constant_value) out.constant_value = *lhs.constant_value * *rhs.constant_value;
  return out;
}

AxisInfo axis_div(const AxisInfo& lhs, const AxisInfo& rhs) {
  check_ranks(lhs, rhs);
  AxisInfo out = same_rank(lhs);
  for (int d = 0; d < lhs.rank(); ++d) {
    out.constancy[d] = std::gcd(lhs.constancy[d], rhs.constancy[d]);
    if (rhs.constant_value && *rhs.constant_value > 0) {
      const int64_t c = *rhs.constant_value;
      if (is_known(rhs, 1)) {
        out.contiguity[d] = lhs.contiguity[d];
        out.divisibility[d] = lhs.divisibility[d];
      } else if ((c & (c - 1)) == 0) {
        // A contiguous run aligned to a multiple of c maps c consecutive values onto one quotient.
        out.constancy[d] = std::max(out.constancy[d], std::gcd(std::gcd(lhs.contiguity[d], lhs.divisibility[d]), c));
        // Consecutive quotients differ by one when x runs across several blocks of c.
        out.divisibility[d] = lhs.contiguity[d] > c ? 1 : std::max<int64_t>(1, lhs.divisibility[d] / c);
      }
    }
  }
  if (lhs.constant_value && rhs.constant_value && *rhs.constant_value != 0) {
    out.constant_value = *lhs.constant_value / *rhs.constant_value;
  }
  return out;
}

AxisInfo axis_rem(const AxisInfo& lhs, const AxisInfo& rhs) {
  check_ranks(lhs, rhs);
  AxisInfo out = same_rank(lhs);
  for (int d = 0; d < lhs.rank(); ++d) {
    out.constancy[d] = std::gcd(lhs.constancy[d], rhs.constancy[d]);
    if (rhs.constant_value && *rhs.constant_value > 0) {
      const int64_t c = *rhs.constant_value;
      // Runs of x stay contiguous inside each block of c when both are aligned to the block.
      out.contiguity[d] = std::gcd(lhs.contiguity[d], highest_power_of_two_divisor(c));
      out.divisibility[d] = std::gcd(divisibility_at(lhs, d, out.contiguity[d]), highest_power_of_two_divisor(c));
    } else if (rhs.constancy[d] > 1 && rhs.divisibility[d] > 1) {
      // A modulus unknown but a multiple of g over blocks of g (tutorial 03's `(pid * BN + arange(BN)) % N`
      // with N:16): aligned blocks of g never straddle a multiple of it, so runs stay contiguous within them.
      const int64_t g = std::gcd(std::gcd(lhs.contiguity[d], rhs.divisibility[d]), rhs.constancy[d]);
      out.contiguity[d] = std::gcd(g, divisibility_at(lhs, d, g));
      out.divisibility[d] = std::gcd(divisibility_at(lhs, d, out.contiguity[d]), rhs.divisibility[d]);
    }
  }
  if (lhs.constant_value && rhs.constant_value && *rhs.constant_value != 0) {
    out.constant_value = *lhs.constant_value % *rhs.constant_value;
  }
  return out;
}

AxisInfo axis_addptr(const AxisInfo& ptr, const AxisInfo& offset, int64_t element_bytes) {
  check_ranks(ptr, offset);
  AxisInfo out = same_rank(ptr);
  for (int d = 0; d < ptr.rank(); ++d) {
    out.contiguity[d] = std::max(std::gcd(ptr.constancy[d], offset.contiguity[d]),
                                 std::gcd(ptr.contiguity[d], offset.constancy[d]));
    out.divisibility[d] = std::gcd(divisibility_at(ptr, d, out.contiguity[d]),
                                   cap(divisibility_at(offset, d, out.contiguity[d]) * element_bytes));
    out.constancy[d] = std::gcd(ptr.constancy[d], offset.constancy[d]);
  }
  return out;
}

AxisInfo axis_compare(const AxisInfo& lhs, const AxisInfo& rhs) {
  check_ranks(lhs, rhs);
  AxisInfo out = same_rank(lhs);
  for (int d = 0; d < lhs.rank(); ++d) {
    int64_t constancy = std::gcd(lhs.constancy[d], rhs.constancy[d]);
    // x (contiguous runs starting at multiples of their length) against a bound constant over the run and
    // divisible by the run's length: the run lies entirely on one side of the bound.
    if (rhs.constancy[d] >= lhs.contiguity[d]) {
      constancy = std::max(constancy, std::gcd(std::gcd(lhs.contiguity[d], lhs.divisibility[d]), rhs.divisibility[d]));
    }
    if (lhs.constancy[d] >= rhs.contiguity[d]) {
      constancy = std::max(constancy, std::gcd(std::gcd(rhs.contiguity[d], rhs.divisibility[d]), lhs.divisibility[d]));
    }
    out.constancy[d] = constancy;
  }
  return out;
}

AxisInfo axis_join(const AxisInfo& a, const AxisInfo& b) {
  if (a.rank() != b.rank()) return AxisInfo::unknown(std::vector<int64_t>(static_cast<size_t>(a.rank()), 1));
  AxisInfo out = same_rank(a);
  for (int d = 0; d < a.rank(); ++d) {
    out.contiguity[d] = std::gcd(a.contiguity[d], b.contiguity[d]);
    out.divisibility[d] = std::gcd(divisibility_at(a, d, out.contiguity[d]), divisibility_at(b, d, out.contiguity[d]));
    out.constancy[d] = std::gcd(a.constancy[d], b.constancy[d]);
  }
  out.scalar_divisibility = std::gcd(a.scalar_divisibility, b.scalar_divisibility);
  if (a.constant_value && b.constant_value && *a.constant_value == *b.constant_value) out.constant_value = a.constant_value;
  return out;
}

AxisInfo axis_elementwise_join(const std::vector<AxisInfo>& operands) {
  if (operands.empty()) throw std::invalid_argument("axis info join of no operands");
  AxisInfo out = same_rank(operands.front());
  out.constancy = operands.front().constancy;
  for (const AxisInfo& op : operands) {
    check_ranks(op, out);
    for (int d = 0; d < out.rank(); ++d) out.constancy[d] = std::gcd(out.constancy[d], op.constancy[d]);
  }
  return out;
}

AxisInfo axis_broadcast(const AxisInfo& operand, const std::vector<int64_t>& from, const std::vector<int64_t>& to) {
  AxisInfo out = operand;
  for (size_t d = 0; d < to.size(); ++d) {
    if (from[d] == 1 && to[d] != 1) {
      out.contiguity[d] = 1;
      out.constancy[d] = to[d];
    }
  }
  return out;
}

AxisInfo axis_expand_dims(const AxisInfo& operand, int dim) {
  AxisInfo out = operand;
  int64_t div = operand.rank() ? *std::min_element(operand.divisibility.begin(), operand.divisibility.end())
                               : AxisInfo::kMaxDivisibility;
  out.contiguity.insert(out.contiguity.begin() + dim, 1);
  out.divisibility.insert(out.divisibility.begin() + dim, div);
  out.constancy.insert(out.constancy.begin() + dim, 1);
  return out;
}

AxisInfo axis_splat(const AxisInfo& scalar, const std::vector<int64_t>& shape) {
  int64_t div = scalar.divisibility.empty() ? scalar.scalar_divisibility : scalar.divisibility.front();
  if (scalar.constant_value) return AxisInfo::constant(shape, *scalar.constant_value);
  return AxisInfo::uniform(shape, div);
}

int64_t vector_width(const AxisInfo& ptr, const AxisInfo* mask, int dim, int64_t size_per_thread,
                     int64_t element_bytes, int64_t max_vector_bytes) {
  int64_t width = std::min(size_per_thread, ptr.contiguity[dim]);
  width = std::min(width, std::max<int64_t>(1, max_vector_bytes / element_bytes));
  // The vector's address must be aligned to its size.
  while (width > 1 && ptr.divisibility[dim] % (width * element_bytes) != 0) width /= 2;
  if (mask != nullptr) {
    while (width > 1 && mask->constancy[dim] % width != 0) width /= 2;
  }
  return std::max<int64_t>(1, width);
}

}  // namespace tmetal::gpu
