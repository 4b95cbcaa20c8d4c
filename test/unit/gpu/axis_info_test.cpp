// Axis information: the facts derived for the index arithmetic of typical Triton kernels, checked against the
// actual values they describe (brute force over the tensor), and the vector widths they allow.
#include "gpu/axis_info.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>

namespace tmetal::gpu {
namespace {

// Checks that `info` truly describes `values` (1-D): runs of contiguity, divisibility of run starts, constancy.
void expect_sound(const AxisInfo& info, const std::vector<int64_t>& values) {
  const int64_t n = static_cast<int64_t>(values.size());
  for (int64_t start = 0; start < n; start += info.contiguity[0]) {
    EXPECT_EQ(values[start] % info.divisibility[0], 0) << info.str() << " at " << start;
    for (int64_t i = 1; i < info.contiguity[0] && start + i < n; ++i) {
      EXPECT_EQ(values[start + i], values[start] + i) << info.str();
    }
  }
  for (int64_t start = 0; start < n; start += info.constancy[0]) {
    for (int64_t i = 1; i < info.constancy[0] && start + i < n; ++i) EXPECT_EQ(values[start + i], values[start]);
  }
}

std::vector<int64_t> arange(int64_t n) {
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

std::vector<int64_t> apply(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                           const std::function<int64_t(int64_t, int64_t)>& f) {
  std::vector<int64_t> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = f(a[i], b[i]);
  return out;
}

TEST(AxisInfo, VectorAddOffsetsAreContiguousAndAligned) {
  const int64_t block = 1024;
  AxisInfo pid = AxisInfo::uniform({}, 1);
  AxisInfo pid_times_block = axis_mul(axis_splat(pid, {block}), AxisInfo::constant({block}, block));
  AxisInfo offs = axis_add(pid_times_block, AxisInfo::range(0, block));
  EXPECT_EQ(offs.contiguity[0], block);
  EXPECT_EQ(offs.divisibility[0], block);
  for (int64_t p : {0, 3, 17}) {
    std::vector<int64_t> values = apply(std::vector<int64_t>(block, p * block), arange(block), std::plus<>());
    expect_sound(offs, values);
  }

  AxisInfo ptr = axis_addptr(axis_splat(AxisInfo::uniform({}, 16), {block}), offs, 4);
  AxisInfo n16 = axis_splat(AxisInfo::uniform({}, 16), {block});
  AxisInfo mask = axis_compare(offs, n16);
  EXPECT_EQ(mask.constancy[0], 16);
  EXPECT_EQ(vector_width(ptr, &mask, 0, 4, 4, 16), 4);
  EXPECT_EQ(vector_width(ptr, &mask, 0, 8, 2, 16), 8);  // half8 is 16 bytes

  // Without the divisible-by-16 specialization of n, the mask can change at any element: no vectors.
  AxisInfo mask_any = axis_compare(offs, axis_splat(AxisInfo::uniform({}, 1), {block}));
  EXPECT_EQ(mask_any.constancy[0], 1);
  EXPECT_EQ(vector_width(ptr, &mask_any, 0, 4, 4, 16), 1);
  // A pointer only 4-byte aligned cannot carry float4 accesses.
  AxisInfo ptr4 = axis_addptr(axis_splat(AxisInfo::uniform({}, 4), {block}), offs, 4);
  EXPECT_EQ(vector_width(ptr4, nullptr, 0, 4, 4, 16), 1);
}

TEST(AxisInfo, RemainderAndQuotientByPowersOfTwo) {
  AxisInfo r = AxisInfo::range(0, 256);
  AxisInfo c = AxisInfo::constant({256}, 16);
  AxisInfo rem = axis_rem(r, c);
  AxisInfo quo = axis_div(r, c);
  EXPECT_EQ(rem.contiguity[0], 16);
  EXPECT_EQ(quo.constancy[0], 16);
  expect_sound(rem, apply(arange(256), std::vector<int64_t>(256, 16), std::modulus<>()));
  expect_sound(quo, apply(arange(256), std::vector<int64_t>(256, 16), std::divides<>()));
}

// x % N with N a runtime value known to be a multiple of 16 (a splat of an i32:16 argument): runs of 16
// aligned values stay contiguous (Triton's rule), checked against every N = 16 * j on an offset range.
TEST(AxisInfo, RemainderBySplatOfAMultipleOf16) {
  AxisInfo r = axis_add(AxisInfo::constant({64}, 128), AxisInfo::range(0, 64));
  AxisInfo n = axis_splat(AxisInfo::uniform({}, 16), {64});
  AxisInfo rem = axis_rem(r, n);
  EXPECT_EQ(rem.contiguity[0], 16);
  for (int64_t j = 1; j <= 20; ++j) {
    std::vector<int64_t> x(64);
    for (int64_t i = 0; i < 64; ++i) x[i] = 128 + i;
    expect_sound(rem, apply(x, std::vector<int64_t>(64, 16 * j), std::modulus<>()));
  }
  // A modulus of unknown divisibility keeps nothing.
  EXPECT_EQ(axis_rem(r, axis_splat(AxisInfo::uniform({}, 1), {64})).contiguity[0], 1);
}

// A loop-carried pointer offset: the join keeps what both the initial value and the yielded one satisfy.
TEST(AxisInfo, JoinOfLoopCarriedValues) {
  AxisInfo init = axis_add(AxisInfo::constant({64}, 64), AxisInfo::range(0, 64));   // 64 + i
  AxisInfo next = axis_add(init, AxisInfo::constant({64}, 32));                      // 96 + i
  AxisInfo j = axis_join(init, next);
  EXPECT_EQ(j.contiguity[0], 64);
  EXPECT_EQ(j.divisibility[0], 32);
  AxisInfo k = axis_join(init, AxisInfo::unknown({64}));
  EXPECT_EQ(k.contiguity[0], 1);
  EXPECT_EQ(k.divisibility[0], 1);
}

TEST(AxisInfo, RandomSoundnessOfAddAndMul) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 100; ++trial) {
    int64_t k = int64_t{1} << (rng() % 6);
    int64_t base = static_cast<int64_t>(rng() % 64) * k;
    AxisInfo lhs = axis_add(AxisInfo::constant({64}, base), AxisInfo::range(0, 64));
    AxisInfo scaled = axis_mul(lhs, AxisInfo::constant({64}, k));
    std::vector<int64_t> values = apply(arange(64), std::vector<int64_t>(64, base), std::plus<>());
    expect_sound(lhs, values);
    expect_sound(scaled, apply(values, std::vector<int64_t>(64, k), std::multiplies<>()));
  }
}

TEST(AxisInfo, BroadcastAndExpandDims) {
  AxisInfo row = axis_expand_dims(AxisInfo::range(0, 64), 0);  // [1, 64]
  AxisInfo tile = axis_broadcast(row, {1, 64}, {32, 64});
  EXPECT_EQ(tile.constancy[0], 32);
  EXPECT_EQ(tile.contiguity[1], 64);
  EXPECT_EQ(tile.contiguity[0], 1);
}

}  // namespace
}  // namespace tmetal::gpu
