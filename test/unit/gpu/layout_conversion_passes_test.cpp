// Tests of gpu.convert_layout (verifier), the register check, insert-layout-conversions and
// remove-layout-conversions on hand-written GPU IR.
#include "gpu/convert_layout_op.h"
#include "gpu/insert_layout_conversions.h"
#include "gpu/layout_encoding.h"
#include "gpu/register_relayout.h"
#include "gpu/remove_layout_conversions.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

#include <gtest/gtest.h>

#include <regex>
#include <stdexcept>
#include <string>

namespace tmetal::gpu {
namespace {

const char* kRow = "#gpu.blocked<spt=[1,1], lanes=[1,32], simds=[4,1], order=[1,0]>";  // row-major 32x32
const char* kCol = "#gpu.blocked<spt=[1,1], lanes=[32,1], simds=[1,4], order=[0,1]>";  // its transpose
const char* kVec = "#gpu.blocked<spt=[1], lanes=[32], simds=[4], order=[0]>";

std::unique_ptr<ir::Operation> parse(std::string text) {
  register_layout_encodings();
  text = std::regex_replace(text, std::regex("ROW"), kRow);
  text = std::regex_replace(text, std::regex("COL"), kCol);
  text = std::regex_replace(text, std::regex("VEC"), kVec);
  // every op line gets a location
  text = std::regex_replace(text, std::regex("(: [^\\n{]*>)\\n"), "$1 loc(unknown)\n");
  text = std::regex_replace(text, std::regex("(tt\\.return)\\n"), "$1 loc(unknown)\n");
  text = std::regex_replace(text, std::regex("(tt\\.store [^\\n]*)\\n"), "$1 loc(unknown)\n");
  return ir::parse_ir(text);
}

ir::Operation* func_of(ir::Operation& module) {
  ir::Operation* f = nullptr;
  module.walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::Func)) f = op;
  });
  return f;
}

int count_converts(ir::Operation& f) {
  int n = 0;
  f.walk([&](ir::Operation* op) { n += is_convert_layout(*op) ? 1 : 0; });
  return n;
}

TEST(ConvertLayout, RegisteredVerifiedAndRoundTrips) {
  auto m = parse(R"(module {
  tt.func @k(%arg0: !tt.ptr<f32>) {
    %0 = tt.splat %arg0 : tensor<32x32x!tt.ptr<f32>, ROW>
    %1 = gpu.convert_layout %0 : tensor<32x32x!tt.ptr<f32>, COL>
    tt.return
  }
}
)");
  ASSERT_NE(ir::find_op(kConvertLayout), nullptr);
  EXPECT_EQ(count_converts(*m), 1);
  EXPECT_NE(ir::print_op(*m).find("gpu.convert_layout"), std::string::npos);
}

TEST(ConvertLayout, VerifierRejectsAShapeChange) {
  bool rejected = false;
  try {
    auto m = parse(R"(module {
  tt.func @k(%arg0: f32) {
    %0 = tt.splat %arg0 : tensor<32x32xf32, ROW>
    %1 = gpu.convert_layout %0 : tensor<1024xf32, VEC>
    tt.return
  }
}
)");
    rejected = !ir::verify(*m).empty();
  } catch (const std::exception&) {
    rejected = true;
  }
  EXPECT_TRUE(rejected);
}

TEST(RegisterRelayout, TransposeNeedsThreadgroupMemoryUnlessTheLayoutIsTransposed) {
  auto m = parse(R"(module {
  tt.func @k(%arg0: f32) {
    %0 = tt.splat %arg0 : tensor<32x32xf32, ROW>
    %1 = tt.trans %0 {order = array<1, 0>} : tensor<32x32xf32, ROW>
    %2 = tt.trans %0 {order = array<1, 0>} : tensor<32x32xf32, COL>
    tt.return
  }
}
)");
  ir::Operation* f = func_of(*m);
  std::vector<ir::Operation*> trans;
  f->walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::Trans)) trans.push_back(op);
  });
  ASSERT_EQ(trans.size(), 2u);
  EXPECT_FALSE(register_relayout_map(*trans[0], 128, 32).has_value());
  auto map = register_relayout_map(*trans[1], 128, 32);
  ASSERT_TRUE(map.has_value());
  for (size_t k = 0; k < map->size(); ++k) EXPECT_EQ((*map)[k], static_cast<int64_t>(k));
}

TEST(InsertLayoutConversions, TransBecomesLocalPlusConversion) {
  auto m = parse(R"(module {
  tt.func @k(%arg0: f32) {
    %0 = tt.splat %arg0 : tensor<32x32xf32, ROW>
    %1 = tt.trans %0 {order = array<1, 0>} : tensor<32x32xf32, ROW>
    %2 = arith.addf %1, %0 : tensor<32x32xf32, ROW>
    tt.return
  }
}
)");
  ir::Operation* f = func_of(*m);
  EXPECT_EQ(insert_layout_conversions(*f, 4, 32), 1);
  std::string text = ir::print_op(*m);
  EXPECT_NE(text.find(std::string("tt.trans %0 {order = array<1, 0>} : tensor<32x32xf32, ") + kCol), std::string::npos) << text;
  EXPECT_NE(text.find(std::string("gpu.convert_layout %1 : tensor<32x32xf32, ") + kRow), std::string::npos) << text;
  EXPECT_NE(text.find("arith.addf %2, %0"), std::string::npos) << text;
  EXPECT_TRUE(ir::verify(*m).empty());
}

TEST(InsertLayoutConversions, AtomicsOnContiguousAddressesTakeALaneContiguousLayout) {
  // V4 (4 elements per thread, the loads' vector width) on both atomics; VEC is its one-element-per-thread form.
  const std::string v4 = "#gpu.blocked<spt=[4], lanes=[32], simds=[4], order=[0]>";
  std::string ir = R"(module {
  tt.func @k(%arg0: !tt.ptr<f32>, %arg1: !tt.ptr<i32>) {
    %0 = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32, V4>
    %1 = tt.splat %arg0 : tensor<512x!tt.ptr<f32>, V4>
    %2 = tt.addptr %1, %0 : tensor<512x!tt.ptr<f32>, V4>
    %3 = tt.load %2 : tensor<512xf32, V4>
    %4 = tt.atomic_rmw %2, %3 {kind = "fadd", scope = "gpu", sem = "acq_rel"} : tensor<512xf32, V4>
    %5 = arith.addf %4, %3 : tensor<512xf32, V4>
    tt.store %2, %5
    %6 = tt.splat %arg1 : tensor<512x!tt.ptr<i32>, V4>
    %7 = tt.addptr %6, %0 : tensor<512x!tt.ptr<i32>, V4>
    %8 = tt.load %7 : tensor<512xi32, V4>
    %9 = tt.addptr %6, %8 : tensor<512x!tt.ptr<i32>, V4>
    %10 = tt.atomic_rmw %9, %8 {kind = "add", scope = "gpu", sem = "acq_rel"} : tensor<512xi32, V4>
    tt.return
  }
}
)";
  auto m = parse(std::regex_replace(ir, std::regex("V4"), v4));
  ir::Operation* f = func_of(*m);
  // The contiguous atomic: its pointers and values converted, its used result converted back (3); the gathered
  // one (addresses from loaded values) keeps its layout.
  EXPECT_EQ(insert_layout_conversions(*f, 4, 32), 3);
  std::string text = ir::print_op(*m);
  EXPECT_NE(text.find(std::string("gpu.convert_layout %2 : tensor<512x!tt.ptr<f32>, ") + kVec), std::string::npos) << text;
  EXPECT_NE(text.find(std::string("gpu.convert_layout %3 : tensor<512xf32, ") + kVec), std::string::npos) << text;
  EXPECT_NE(text.find(std::string("{kind = \"fadd\", scope = \"gpu\", sem = \"acq_rel\"} : tensor<512xf32, ") + kVec), std::string::npos) << text;
  EXPECT_NE(text.find(std::string("%7 = gpu.convert_layout %6 : tensor<512xf32, ") + v4), std::string::npos) << text;
  EXPECT_NE(text.find("arith.addf %7, %3"), std::string::npos) << text;
  EXPECT_NE(text.find(std::string("{kind = \"add\", scope = \"gpu\", sem = \"acq_rel\"} : tensor<512xi32, ") + v4), std::string::npos) << text;
  EXPECT_TRUE(ir::verify(*m).empty());
}

TEST(RemoveLayoutConversions, SameLayoutChainsAndRematerialisation) {
  auto m = parse(R"(module {
  tt.func @k(%arg0: f32, %arg1: !tt.ptr<f32>) {
    %0 = tt.splat %arg1 : tensor<32x32x!tt.ptr<f32>, ROW>
    %1 = tt.load %0 : tensor<32x32xf32, ROW>
    %2 = gpu.convert_layout %1 : tensor<32x32xf32, ROW>
    %3 = gpu.convert_layout %2 : tensor<32x32xf32, COL>
    %4 = gpu.convert_layout %3 : tensor<32x32xf32, ROW>
    %5 = tt.splat %arg0 : tensor<32x32xf32, COL>
    %6 = gpu.convert_layout %5 : tensor<32x32xf32, ROW>
    %7 = arith.addf %4, %6 : tensor<32x32xf32, ROW>
    tt.store %0, %7
    tt.return
  }
}
)");
  ir::Operation* f = func_of(*m);
  EXPECT_EQ(remove_layout_conversions(*f), 4);
  EXPECT_EQ(count_converts(*f), 0);
  std::string text = ir::print_op(*m);
  EXPECT_NE(text.find(std::string("tt.splat %arg0 : tensor<32x32xf32, ") + kRow), std::string::npos) << text;
}

TEST(RemoveLayoutConversions, MovesBeforeElementwiseOnlyWhenItDoesNotAddConversions) {
  auto m = parse(R"(module {
  tt.func @k(%arg0: f32, %arg1: !tt.ptr<f32>) {
    %0 = tt.splat %arg1 : tensor<32x32x!tt.ptr<f32>, ROW>
    %1 = tt.load %0 : tensor<32x32xf32, ROW>
    %2 = gpu.convert_layout %1 : tensor<32x32xf32, COL>
    %3 = tt.splat %arg0 : tensor<32x32xf32, COL>
    %4 = arith.mulf %2, %3 : tensor<32x32xf32, COL>
    %5 = gpu.convert_layout %4 : tensor<32x32xf32, ROW>
    %6 = tt.splat %arg1 : tensor<32x32x!tt.ptr<f32>, COL>
    %7 = tt.load %6 : tensor<32x32xf32, COL>
    %8 = arith.addf %7, %3 : tensor<32x32xf32, COL>
    %9 = gpu.convert_layout %8 : tensor<32x32xf32, ROW>
    %10 = arith.addf %5, %9 : tensor<32x32xf32, ROW>
    tt.store %0, %10
    tt.return
  }
}
)");
  ir::Operation* f = func_of(*m);
  // %5 of mulf(convert, splat) disappears with %2; %9 of addf(load in COL, ...) must stay.
  EXPECT_EQ(remove_layout_conversions(*f), 2);
  EXPECT_EQ(count_converts(*f), 1);
  EXPECT_TRUE(ir::verify(*m).empty());
}

}  // namespace
}  // namespace tmetal::gpu
