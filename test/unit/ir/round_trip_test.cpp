// Tile IR: building ops with the Builder, printing, and print → parse → print identity.
#include "ir/builder.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

#include <gtest/gtest.h>

using namespace tmetal::ir;

namespace {

const char* kLoopKernel = R"(module {
  tt.func @k(%arg0: !tt.ptr<f32>, %arg1: i32) {tt.divisibility = array<16, 1>} {
    %0 = tt.get_program_id {axis = 0 : i32} : i32 loc("k.py":3:10)
    %1 = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32> loc("k.py":4:10)
    %2 = tt.splat %0 : tensor<128xi32> loc("k.py":5:4)
    %3 = arith.addi %2, %1 : tensor<128xi32> loc("k.py":5:4)
    %4 = tt.splat %arg0 : tensor<128x!tt.ptr<f32>> loc("k.py":6:4)
    %5 = tt.addptr %4, %3 : tensor<128x!tt.ptr<f32>> loc("k.py":6:4)
    %6 = tt.splat %arg1 : tensor<128xi32> loc("k.py":7:4)
    %7 = arith.cmpi %3, %6 {predicate = "slt"} : tensor<128xi1> loc("k.py":7:4)
    %8 = arith.constant {value = 0.0 : f32} : tensor<128xf32> loc("k.py":8:4)
    %9 = tt.load %5, %7, %8 {cache = ".ca"} : tensor<128xf32> loc("k.py":8:4)
    %10 = arith.constant {value = 0 : i32} : i32 loc(unknown)
    %11 = arith.constant {value = 4 : i32} : i32 loc(unknown)
    %12 = arith.constant {value = 1 : i32} : i32 loc(unknown)
    %13:2 = scf.for %10, %11, %12, %9, %10 : tensor<128xf32>, i32 {
    ^bb0(%14: i32, %15: tensor<128xf32>, %16: i32):
      %17 = math.exp %15 : tensor<128xf32> loc("k.py":10:8)
      %18 = arith.addi %16, %14 : i32 loc("k.py":11:8)
      scf.yield %17, %18 loc("k.py":9:4)
    } loc("k.py":9:4)
    %19 = "tt.reduce" : f32 loc(unknown)
    tt.return loc("k.py":12:4)
  } loc("k.py":2:0)
}
)";

std::string without_line(std::string text, const std::string& needle) {
  auto at = text.find(needle);
  auto start = text.rfind('\n', at) + 1;
  auto end = text.find('\n', at) + 1;
  return text.erase(start, end - start);
}

}  // namespace

TEST(IrRoundTrip, ParsePrintIsIdentical) {
  std::string text = without_line(kLoopKernel, "\"tt.reduce\"");
  auto module = parse_ir(text, "test.tir");
  EXPECT_TRUE(verify(*module).empty()) << VerificationFailed(verify(*module)).what();
  std::string printed = print_op(*module);
  EXPECT_EQ(printed, text);
  EXPECT_EQ(print_op(*parse_ir(printed)), printed);
}

TEST(IrRoundTrip, BuilderOutputRoundTrips) {
  auto module = Operation::create(op_info(OpCode::Module), Location::unknown(), {}, {}, {}, 1);
  Block* top = module->region(0).add_block();
  Builder b(top);
  auto file = std::make_shared<const std::string>("b.py");
  b.set_loc(Location::at(file, 1, 0));
  Operation* func = b.create(OpCode::Func, {}, {}, {{"sym_name", "f"}}, 1);
  Value* x = func->body().add_argument(Type::f32());
  Builder in(&func->body());
  in.set_loc(Location::at(file, 2, 4));
  Value* c = in.constant_float(0.5, Type::f32());
  Value* y = in.value(OpCode::MulF, {x, c}, Type::f32());
  Operation* cond = in.create(OpCode::If, {in.value(OpCode::CmpF, {y, c}, Type::i1(), {{"predicate", "olt"}})}, {Type::f32()}, {}, 2);
  Builder then_b(&cond->body(0));
  then_b.create(OpCode::Yield, {y}, {});
  Builder else_b(&cond->body(1));
  else_b.create(OpCode::Yield, {c}, {});
  in.create(OpCode::Return, {cond->result()}, {});
  ASSERT_TRUE(verify(*module).empty()) << VerificationFailed(verify(*module)).what();
  std::string printed = print_op(*module);
  EXPECT_NE(printed.find("scf.if"), std::string::npos);
  EXPECT_NE(printed.find("{value = 0.5 : f32}"), std::string::npos);
  EXPECT_EQ(print_op(*parse_ir(printed)), printed);
}

TEST(IrRoundTrip, TypesParseAndPrint) {
  for (const char* t : {"i1", "bf16", "!tt.ptr<f16>", "tensor<16x32xf32>", "tensor<64x!tt.ptr<i8>>", "!tt.ptr<tensor<32x32xf16>>"})
    EXPECT_EQ(parse_type(t).str(), t);
  EXPECT_EQ(parse_type("tensor<4xf32>"), Type::tensor({4}, Type::f32()));
  EXPECT_NE(parse_type("tensor<4xf32>"), Type::tensor({4}, Type::scalar(ScalarKind::F16)));
  EXPECT_THROW(parse_type("f64"), IrParseError);
  EXPECT_THROW(parse_type("tensor<4x>"), IrParseError);
}

TEST(IrRoundTrip, FloatAttributesKeepTheirBits) {
  for (double v : {0.1, -3.0, 1e-30, 3.4028234663852886e38}) {
    std::string text = Attribute::real(v).str();
    std::string ir = "module {\n  tt.func @f() {\n    %0 = arith.constant {value = " + text + "} : f32 loc(unknown)\n    tt.return loc(unknown)\n  } loc(unknown)\n}\n";
    auto m = parse_ir(ir);
    double back = 0;
    ASSERT_TRUE(constant_float_value(m->body().front()->body().front()->result(), back));
    EXPECT_EQ(back, v);
  }
}

TEST(IrRoundTrip, ParseErrorsNameTheLine) {
  try {
    parse_ir("module {\n  tt.func @f() {\n    %0 = arith.bogus : f32 loc(unknown)\n  } loc(unknown)\n}\n", "x.tir");
    FAIL() << "expected a parse error";
  } catch (const IrParseError& e) {
    EXPECT_STREQ(e.what(), "x.tir:3:10: error: unknown op 'arith.bogus'");
  }
  EXPECT_THROW(parse_ir("module {\n  tt.func @f() {\n    %0 = arith.addf %9, %9 : f32 loc(unknown)\n  } loc(unknown)\n}\n"), IrParseError);
}
