// Tile IR verifier: each kind of malformed IR is rejected with a located, specific message.
#include "ir/parser.h"
#include "ir/verifier.h"

#include <gtest/gtest.h>

using namespace tmetal::ir;

namespace {

std::string errors_of(const std::string& body, const std::string& args = "") {
  auto m = parse_ir("module {\n  tt.func @f(" + args + ") {\n" + body + "    tt.return loc(unknown)\n  } loc(unknown)\n}\n", "v.tir");
  std::string out;
  for (auto& e : verify(*m)) out += e.str() + "\n";
  return out;
}

}  // namespace

TEST(Verifier, AcceptsWellFormedIr) {
  EXPECT_EQ(errors_of("    %0 = arith.addf %arg0, %arg0 : f32 loc(\"a.py\":1:1)\n", "%arg0: f32"), "");
}

TEST(Verifier, RejectsOperandTypeMismatch) {
  EXPECT_NE(errors_of("    %0 = arith.addf %arg0, %arg1 : f32 loc(\"a.py\":3:5)\n", "%arg0: f32, %arg1: f16").find("a.py:3:5: error: 'arith.addf' operand type f16 differs"), std::string::npos);
}

TEST(Verifier, RejectsIntOpOnFloats) {
  EXPECT_NE(errors_of("    %0 = arith.addi %arg0, %arg0 : f32 loc(unknown)\n", "%arg0: f32").find("expects integer operands"), std::string::npos);
}

TEST(Verifier, RejectsNonPowerOfTwoShapes) {
  EXPECT_NE(errors_of("    %0 = tt.make_range {end = 12 : i32, start = 0 : i32} : tensor<12xi32> loc(unknown)\n").find("not a power of two"), std::string::npos);
}

TEST(Verifier, RejectsUseBeforeDefinitionAcrossRegions) {
  // A value defined inside the then-region is used after the if: it does not dominate that use.
  std::string body =
      "    %0 = arith.constant {value = true} : i1 loc(unknown)\n";
  auto m = parse_ir(
      "module {\n  tt.func @f(%arg0: i1, %arg1: f32) {\n"
      "    scf.if %arg0 {\n    ^bb0:\n      %0 = math.exp %arg1 : f32 loc(unknown)\n      scf.yield loc(unknown)\n    } {\n    ^bb0:\n      scf.yield loc(unknown)\n    } loc(unknown)\n"
      "    %1 = math.exp %0 : f32 loc(\"d.py\":9:2)\n    tt.return loc(unknown)\n  } loc(unknown)\n}\n");
  auto errors = verify(*m);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].str(), "d.py:9:2: error: 'math.exp' operand 0 does not dominate this use");
  (void)body;
}

TEST(Verifier, RejectsMissingOrWrongTerminator) {
  auto m = parse_ir(
      "module {\n  tt.func @f(%arg0: i32) {\n"
      "    %0 = scf.for %arg0, %arg0, %arg0, %arg0 : i32 {\n    ^bb0(%1: i32, %2: f32):\n      scf.yield %1 loc(unknown)\n    } loc(unknown)\n"
      "    tt.return loc(unknown)\n  } loc(unknown)\n}\n");
  std::string all = VerificationFailed(verify(*m)).what();
  EXPECT_NE(all.find("carried value 0 changes type"), std::string::npos) << all;
}

TEST(Verifier, RejectsBadBroadcastAndDot) {
  EXPECT_NE(errors_of("    %0 = tt.broadcast %arg0 : tensor<4x8xf32> loc(unknown)\n", "%arg0: tensor<2x8xf32>").find("cannot broadcast"), std::string::npos);
  EXPECT_NE(errors_of("    %0 = tt.dot %arg0, %arg0, %arg1 : tensor<16x16xf32> loc(unknown)\n", "%arg0: tensor<16x32xf16>, %arg1: tensor<16x16xf32>").find("inner dimensions differ"), std::string::npos);
}

TEST(Verifier, RejectsLoadOfWrongType) {
  EXPECT_NE(errors_of("    %0 = tt.load %arg0 : f16 loc(unknown)\n", "%arg0: !tt.ptr<f32>").find("does not match the pointee"), std::string::npos);
}
