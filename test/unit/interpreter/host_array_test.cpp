// Typed host arrays: f16 / bf16 round to nearest even, integer wrap, random fill ranges.
#include "interpreter/host_array.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tmetal::interp {
namespace {

TEST(HostArray, HalfRoundsToNearestEven) {
  EXPECT_EQ(float_to_half_bits(1.0f), 0x3c00);
  EXPECT_EQ(half_bits_to_float(0x3c01), 1.0f + 1.0f / 1024);
  EXPECT_EQ(round_to_dtype(1.0 + 1.0 / 2048, "f16"), 1.0);                 // tie -> even
  EXPECT_EQ(round_to_dtype(1.0 + 3.0 / 2048, "f16"), 1.0 + 2.0 / 1024);    // tie -> even (up)
  EXPECT_EQ(round_to_dtype(65520.0, "f16"), INFINITY);
  EXPECT_EQ(round_to_dtype(std::ldexp(1.0, -24), "f16"), std::ldexp(1.0, -24));  // smallest subnormal
}

TEST(HostArray, Bf16RoundsToNearestEven) {
  EXPECT_EQ(round_to_dtype(1.0 + 1.0 / 256, "bf16"), 1.0);
  EXPECT_EQ(round_to_dtype(1.0 + 3.0 / 256, "bf16"), 1.0 + 2.0 / 128);
  EXPECT_EQ(bf16_bits_to_float(float_to_bf16_bits(-2.5f)), -2.5f);
}

TEST(HostArray, IntegersWrapAndFillStaysInRange) {
  EXPECT_EQ(round_to_dtype(2147483648.0, "i32"), -2147483648.0);
  EXPECT_EQ(round_to_dtype(300, "i8"), 44);
  HostArray a("i32", 1000);
  a.fill_random(7, -3, 5);
  bool neg = false;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_GE(a.get(i), -3);
    EXPECT_LE(a.get(i), 5);
    neg = neg || a.get(i) < 0;
  }
  EXPECT_TRUE(neg);
  HostArray f("f16", 100);
  f.fill_random(8);
  EXPECT_EQ(f.bytes(), 200u);
  for (size_t i = 0; i < f.size(); ++i) EXPECT_EQ(f.get(i), round_to_dtype(f.get(i), "f16"));
}

TEST(HostArray, UnknownDtypeIsAnError) { EXPECT_THROW(HostArray("f64", 3), std::invalid_argument); }

}  // namespace
}  // namespace tmetal::interp
