// Tile IR extension points: a later stage registers its own op kind and layout encoding without editing
// lib/ir, and both print, parse and compare like built-in ones.
#include "ir/builder.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

#include <gtest/gtest.h>

using namespace tmetal::ir;

namespace {

class TestBlocked : public Encoding {
 public:
  explicit TestBlocked(int per_thread) : per_thread_(per_thread) {}
  std::string name() const override { return "test.blocked"; }
  std::string body() const override { return "per_thread = " + std::to_string(per_thread_); }
  bool equals(const Encoding& o) const override { return per_thread_ == static_cast<const TestBlocked&>(o).per_thread_; }

 private:
  int per_thread_;
};

void register_test_dialect() {
  static bool done = [] {
    register_encoding_parser("test.blocked", [](std::string_view body) -> EncodingPtr {
      auto eq = body.find('=');
      if (eq == std::string_view::npos) throw std::runtime_error("expected per_thread = N");
      return std::make_shared<TestBlocked>(std::stoi(std::string(body.substr(eq + 1))));
    });
    register_op("test.convert_layout", trait::P, [](const Operation& op) -> std::string {
      if (op.num_operands() != 1 || op.num_results() != 1) return "expects one operand and one result";
      return op.operand(0)->type().shape() == op.result()->type().shape() ? "" : "changes the shape";
    });
    return true;
  }();
  (void)done;
}

}  // namespace

TEST(IrExtension, CustomOpAndEncodingRoundTrip) {
  register_test_dialect();
  std::string text =
      "module {\n  tt.func @f(%arg0: tensor<64xf32>) {\n"
      "    %0 = test.convert_layout %arg0 : tensor<64xf32, #test.blocked<per_thread = 4>> loc(unknown)\n"
      "    tt.return loc(unknown)\n  } loc(unknown)\n}\n";
  auto m = parse_ir(text);
  EXPECT_EQ(print_op(*m), text);
  EXPECT_TRUE(verify(*m).empty());
  Operation* conv = m->body().front()->body().front();
  EXPECT_EQ(conv->code(), OpCode::Custom);
  EXPECT_EQ(conv->name(), "test.convert_layout");
  Type t = conv->result()->type();
  EXPECT_EQ(t, Type::tensor({64}, Type::f32(), std::make_shared<TestBlocked>(4)));
  EXPECT_NE(t, Type::tensor({64}, Type::f32(), std::make_shared<TestBlocked>(2)));
  EXPECT_NE(t, Type::tensor({64}, Type::f32()));
}

TEST(IrExtension, CustomVerifierRuns) {
  register_test_dialect();
  auto m = parse_ir(
      "module {\n  tt.func @f(%arg0: tensor<64xf32>) {\n"
      "    %0 = test.convert_layout %arg0 : tensor<32xf32> loc(unknown)\n    tt.return loc(unknown)\n  } loc(unknown)\n}\n");
  auto errors = verify(*m);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("changes the shape"), std::string::npos);
}

TEST(IrExtension, UnknownEncodingIsAParseError) {
  EXPECT_THROW(parse_type("tensor<4xf32, #nope.layout<x>>"), IrParseError);
}

TEST(IrExtension, WalkVisitsNestedOpsAndCloneIsDeep) {
  auto m = parse_ir(
      "module {\n  tt.func @f(%arg0: i1, %arg1: f32) {\n"
      "    %0 = scf.if %arg0 : f32 {\n    ^bb0:\n      %1 = math.exp %arg1 : f32 loc(unknown)\n      scf.yield %1 loc(unknown)\n    } {\n    ^bb0:\n      scf.yield %arg1 loc(unknown)\n    } loc(unknown)\n"
      "    tt.return loc(unknown)\n  } loc(unknown)\n}\n");
  int count = 0;
  m->walk([&](Operation*) { ++count; });
  EXPECT_EQ(count, 7);  // module, func, if, exp, 2 yields, return
  ValueMap map;
  auto copy = m->clone(map);
  EXPECT_EQ(print_op(*copy), print_op(*m));
}
