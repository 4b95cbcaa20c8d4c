// DType helpers: sizes, names and parsing.
#include "triton_metal/dtype.h"

#include <gtest/gtest.h>

namespace tmetal {
namespace {

TEST(DType, SizesAndKinds) {
  EXPECT_EQ(dtype_size(DType::i1), 1);
  EXPECT_EQ(dtype_size(DType::i8), 1);
  EXPECT_EQ(dtype_size(DType::i16), 2);
  EXPECT_EQ(dtype_size(DType::f16), 2);
  EXPECT_EQ(dtype_size(DType::bf16), 2);
  EXPECT_EQ(dtype_size(DType::i32), 4);
  EXPECT_EQ(dtype_size(DType::f32), 4);
  EXPECT_EQ(dtype_size(DType::i64), 8);
  EXPECT_TRUE(dtype_is_float(DType::bf16));
  EXPECT_TRUE(dtype_is_int(DType::i1));
  EXPECT_FALSE(dtype_is_int(DType::f32));
}

TEST(DType, NamesRoundTrip) {
  for (DType t : kAllDTypes) EXPECT_EQ(parse_dtype(dtype_name(t)), t);
  EXPECT_EQ(dtype_name(DType::bf16), "bf16");
  EXPECT_FALSE(parse_dtype("f64").has_value());
  EXPECT_FALSE(parse_dtype("F32").has_value());
  EXPECT_FALSE(parse_dtype("").has_value());
}

}  // namespace
}  // namespace tmetal
