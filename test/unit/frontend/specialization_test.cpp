// Specialization: parsing of Triton-style signatures and constexpr values, and the canonical cache key.
#include "triton_metal/compile.h"

#include <gtest/gtest.h>

using namespace tmetal;

TEST(Specialization, ParsesSignatureWithDivisibility) {
  Specialization s;
  s.parse_signature("x_ptr=*fp32:16, y_ptr=*bf16, n = i32:16, m=u32, flag=i1");
  ASSERT_EQ(s.args.size(), 5u);
  EXPECT_EQ(s.args["x_ptr"].type, "*fp32");
  EXPECT_EQ(s.args["x_ptr"].divisibility, 16);
  EXPECT_EQ(s.args["y_ptr"].divisibility, 1);
  EXPECT_EQ(s.args["n"].type, "i32");
  EXPECT_EQ(s.args["n"].divisibility, 16);
  EXPECT_EQ(s.args["m"].type, "u32");
}

TEST(Specialization, ParsesConstexprValues) {
  Specialization s;
  s.parse_constexpr("BLOCK=1024, SCALE=0.5");
  s.parse_constexpr("CAUSAL=True");
  s.parse_constexpr("DTYPE=tl.float16,ACT=relu");
  EXPECT_EQ(std::get<int64_t>(s.constexprs["BLOCK"]), 1024);
  EXPECT_EQ(std::get<double>(s.constexprs["SCALE"]), 0.5);
  EXPECT_EQ(std::get<bool>(s.constexprs["CAUSAL"]), true);
  EXPECT_EQ(std::get<std::string>(s.constexprs["DTYPE"]), "tl.float16");
  EXPECT_EQ(s.key(), "ACT=relu;BLOCK=1024;CAUSAL=True;DTYPE=tl.float16;SCALE=0.5;");
}

TEST(Specialization, RejectsBadEntries) {
  Specialization s;
  EXPECT_THROW(s.parse_signature("x_ptr=*fp64"), std::invalid_argument);
  EXPECT_THROW(s.parse_signature("1x=i32"), std::invalid_argument);
  EXPECT_THROW(s.parse_signature("x=i32:8"), std::invalid_argument);
  EXPECT_THROW(s.parse_signature("x=i32, x=i64"), std::invalid_argument);
  EXPECT_THROW(s.parse_constexpr("BLOCK"), std::invalid_argument);
  EXPECT_THROW(s.parse_constexpr("BLOCK="), std::invalid_argument);
  Specialization twice;
  EXPECT_THROW(twice.parse_constexpr("B=1, B=2"), std::invalid_argument);  // a constexpr given twice
  Specialization again;
  again.parse_constexpr("B=1");
  EXPECT_THROW(again.parse_constexpr("B=1"), std::invalid_argument);  // also across --constexpr flags
}

TEST(Specialization, DuplicateParameterNamesAreRefused) {
  Specialization spec;
  spec.args["x"] = ArgSpec{"*fp32", 1};
  try {
    compile_tile_ir("import triton\n@triton.jit\ndef k(x, x):\n    pass\n", "d.py", "k", spec);
    FAIL() << "duplicate parameters accepted";
  } catch (const CompileFailure& e) {
    EXPECT_NE(std::string(e.what()).find("d.py:3:10: error: duplicate argument 'x'"), std::string::npos) << e.what();
  }
}
