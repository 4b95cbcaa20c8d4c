// Tests of the #gpu.blocked encoding (print/parse), axis analysis over tile IR, and the assign-layouts pass.
#include "gpu/assign_layouts.h"
#include "gpu/axis_analysis.h"
#include "gpu/layout_encoding.h"
#include "ir/parser.h"
#include "ir/printer.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace tmetal::gpu {
namespace {

// Appends `loc(unknown)` to every op of hand-written IR (the parser requires a location per op).
inline std::string with_locs(const std::string& text) {
  std::stringstream in(text);
  std::string out, line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string t = lines[i];
    std::string s = t.substr(t.find_first_not_of(' ') == std::string::npos ? 0 : t.find_first_not_of(' '));
    bool last = i + 1 == lines.size() || (i + 2 == lines.size() && lines[i + 1].empty());
    if (!s.empty() && s.rfind("module", 0) != 0 && s.back() != '{' && s.rfind("^bb", 0) != 0 && !(last && s == "}")) t += " loc(unknown)";
    out += t + "\n";
  }
  return out;
}


const char* kVectorAdd = R"(module {
  tt.func @add(%arg0: !tt.ptr<f32>, %arg1: !tt.ptr<f32>, %arg2: i32) {tt.divisibility = array<16, 16, 16>} {
    %0 = tt.get_program_id {axis = 0 : i32} : i32
    %1 = arith.constant {value = 256 : i32} : i32
    %2 = arith.muli %0, %1 : i32
    %3 = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
    %4 = tt.splat %2 : tensor<256xi32>
    %5 = arith.addi %4, %3 : tensor<256xi32>
    %6 = tt.splat %arg2 : tensor<256xi32>
    %7 = arith.cmpi %5, %6 {predicate = "slt"} : tensor<256xi1>
    %8 = tt.splat %arg0 : tensor<256x!tt.ptr<f32>>
    %9 = tt.addptr %8, %5 : tensor<256x!tt.ptr<f32>>
    %10 = tt.load %9, %7 : tensor<256xf32>
    %11 = tt.splat %arg1 : tensor<256x!tt.ptr<f32>>
    %12 = tt.addptr %11, %5 : tensor<256x!tt.ptr<f32>>
    tt.store %12, %10, %7
    tt.return
  }
}
)";

ir::Operation* func_of(ir::Operation& module) {
  ir::Operation* f = nullptr;
  module.walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::Func)) f = op;
  });
  return f;
}

TEST(LayoutEncoding, PrintsAndParsesBack) {
  register_layout_encodings();
  BlockedLayout l = default_blocked_layout({64, 32}, 4, 32, 4);
  ir::Type t = ir::Type::tensor({64, 32}, ir::Type::f32(), std::make_shared<BlockedEncoding>(l));
  EXPECT_EQ(t.str(), "tensor<64x32xf32, #gpu.blocked<spt=[1,4], lanes=[4,8], simds=[4,1], order=[1,0]>>");
  ir::Type back = ir::parse_type(t.str());
  EXPECT_EQ(back, t);
  ASSERT_NE(blocked_layout_of(back), nullptr);
  EXPECT_EQ(*blocked_layout_of(back), l);
}

TEST(LayoutEncoding, BadBodyIsAnError) {
  register_layout_encodings();
  EXPECT_THROW(ir::parse_type("tensor<4xf32, #gpu.blocked<spt=[1], lanes=[32]>>"), std::exception);
  EXPECT_THROW(ir::parse_type("tensor<4xf32, #gpu.blocked<spt=[1,1], lanes=[32], simds=[1], order=[0]>>"), std::exception);
}

TEST(AxisAnalysis, VectorAddPointersAreContiguousAndAligned) {
  auto m = ir::parse_ir(with_locs(kVectorAdd));
  ir::Operation* f = func_of(*m);
  AxisAnalysis axes(*f);
  const ir::Operation* load = nullptr;
  f->walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::Load)) load = op;
  });
  AxisInfo offs = axes.get(load->operand(0)->defining_op()->operand(1));
  EXPECT_EQ(offs.contiguity[0], 256);
  EXPECT_EQ(offs.divisibility[0], 256);  // pid * 256 + arange
  AxisInfo ptr = axes.get(load->operand(0));
  EXPECT_EQ(ptr.contiguity[0], 256);
  EXPECT_GE(ptr.divisibility[0], 16);  // 16-byte aligned base
  AxisInfo mask = axes.get(load->operand(1));
  EXPECT_EQ(mask.constancy[0], 16);  // n divisible by 16
}

TEST(AssignLayouts, EveryTensorGetsTheShapeLayoutWithVectorWidth) {
  register_layout_encodings();
  auto m = ir::parse_ir(with_locs(kVectorAdd));
  ir::Operation* f = func_of(*m);
  LoweringOptions o;
  o.num_warps = 2;
  EXPECT_EQ(assign_layouts(*f, o), 10);
  f->walk([&](ir::Operation* op) {
    for (ir::Value* r : op->results()) {
      if (!r->type().is_tensor()) continue;
      const BlockedLayout* l = blocked_layout_of(r->type());
      ASSERT_NE(l, nullptr) << op->name();
      EXPECT_EQ(l->size_per_thread[0], 4) << op->name();
      EXPECT_EQ(l->simds_per_group[0], 2);
    }
  });
  // Printed GPU IR parses back to the same text.
  std::string text = ir::print_op(*m);
  EXPECT_EQ(ir::print_op(*ir::parse_ir(text)), text);
  AxisAnalysis axes(*f);
  f->walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::Load) || op->is(ir::OpCode::Store)) {
      EXPECT_EQ(access_vector_width(axes, *op, o), 4);
    }
  });
}

TEST(AssignLayouts, UnknownBoundKeepsScalarAccesses) {
  std::string text = kVectorAdd;
  text.replace(text.find("array<16, 16, 16>"), 17, "array<16, 16, 1>");
  auto m = ir::parse_ir(with_locs(text));
  ir::Operation* f = func_of(*m);
  assign_layouts(*f, {});
  f->walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::Load)) {
      EXPECT_EQ(blocked_layout_of(op->result()->type())->size_per_thread[0], 1);
    }
  });
}

TEST(AssignLayouts, RejectsBadWarpCounts) {
  auto m = ir::parse_ir(with_locs(kVectorAdd));
  LoweringOptions o;
  o.num_warps = 3;
  EXPECT_THROW(assign_layouts(*func_of(*m), o), std::invalid_argument);
}

}  // namespace
}  // namespace tmetal::gpu
