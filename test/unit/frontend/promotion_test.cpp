// Type promotion tables of the front end against Triton's computation_type_impl / integer_promote_impl.
#include "frontend/semantic.h"

#include <gtest/gtest.h>

using namespace tmetal::frontend;

namespace {
struct Case {
  DT a;
  bool a_scalar;
  DT b;
  bool b_scalar;
  bool div;
  DT want;
};
}  // namespace

TEST(Promotion, IntegerPromotionFollowsCUsualArithmeticConversions) {
  EXPECT_EQ(integer_promote(DT::I8, DT::I32), DT::I32);
  EXPECT_EQ(integer_promote(DT::I64, DT::I32), DT::I64);
  EXPECT_EQ(integer_promote(DT::I8, DT::U8), DT::U8);    // same width: unsigned wins
  EXPECT_EQ(integer_promote(DT::U8, DT::I32), DT::I32);  // wider signed wins
  EXPECT_EQ(integer_promote(DT::I64, DT::U32), DT::I64);
  EXPECT_EQ(integer_promote(DT::U64, DT::I64), DT::U64);
  EXPECT_EQ(integer_promote(DT::I1, DT::I1), DT::I1);
  EXPECT_EQ(integer_promote(DT::I1, DT::I16), DT::I16);
}

TEST(Promotion, ComputationTypeTable) {
  const Case cases[] = {
      // tensor op tensor
      {DT::I32, false, DT::F16, false, false, DT::F16},
      {DT::F16, false, DT::BF16, false, false, DT::F16},
      {DT::BF16, false, DT::I32, false, false, DT::F32},
      {DT::BF16, false, DT::BF16, false, false, DT::BF16},
      {DT::BF16, false, DT::BF16, false, true, DT::F32},
      {DT::F16, false, DT::F16, false, true, DT::F32},
      {DT::F16, false, DT::F32, false, false, DT::F32},
      {DT::I8, false, DT::U8, false, false, DT::U8},
      {DT::I64, false, DT::U32, false, false, DT::I64},
      {DT::I16, false, DT::I16, false, true, DT::I16},
      // tensor op Python scalar: a scalar of lower or equal kind does not promote
      {DT::F16, false, DT::F32, true, false, DT::F16},
      {DT::F16, false, DT::F32, true, true, DT::F32},
      {DT::BF16, false, DT::F32, true, false, DT::BF16},
      {DT::I8, false, DT::I32, true, false, DT::I8},
      {DT::U8, false, DT::I32, true, false, DT::I32},  // int scalar outranks a uint tensor's kind
      {DT::I32, false, DT::F32, true, false, DT::F32},
      {DT::I16, false, DT::I1, true, false, DT::I16},
      {DT::I32, true, DT::I64, false, false, DT::I64},
      {DT::F32, true, DT::BF16, false, true, DT::F32},
  };
  for (const Case& c : cases)
    EXPECT_EQ(computation_type(c.a, c.a_scalar, c.b, c.b_scalar, c.div), c.want)
        << dt_name(c.a) << (c.a_scalar ? "(scalar)" : "") << " op " << dt_name(c.b) << (c.b_scalar ? "(scalar)" : "") << (c.div ? " div" : "");
}

TEST(Promotion, DivisionOfMixedSignednessIsAnError) {
  EXPECT_THROW(computation_type(DT::U32, false, DT::I32, false, true), std::invalid_argument);
  EXPECT_EQ(computation_type(DT::U32, false, DT::I32, false, false), DT::U32);
}

TEST(Promotion, DtypeNamesRoundTrip) {
  for (const char* n : {"int1", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "fp16", "bf16", "fp32"})
    EXPECT_EQ(dt_name(*dt_from_name(n)), n);
  EXPECT_EQ(*dt_from_name("float32"), DT::F32);
  EXPECT_EQ(*dt_from_name("bfloat16"), DT::BF16);
  EXPECT_FALSE(dt_from_name("complex64").has_value());
}
