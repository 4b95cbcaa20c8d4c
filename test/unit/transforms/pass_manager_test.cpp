// Pass manager: dumps after the requested passes, and --verify-each names a pass that breaks the IR.
#include "ir/parser.h"
#include "transforms/pass_manager.h"

#include <gtest/gtest.h>

using namespace tmetal;

namespace {

const char* kIr =
    "module {\n  tt.func @k(%arg0: i32, %arg1: !tt.ptr<i32>) {\n    %0 = arith.constant {value = 0 : i32} : i32\n"
    "    %1 = arith.addi %arg0, %0 : i32\n    tt.store %arg1, %1\n    tt.return\n  }\n}\n";

// A deliberately wrong pass: changes a result type without fixing its users.
class BreakTypes : public transforms::Pass {
 public:
  std::string name() const override { return "break-types"; }
  void run(ir::Operation& module) override {
    module.walk([](ir::Operation* op) {
      if (op->is(ir::OpCode::AddI)) op->result()->set_type(ir::Type::f32());
    });
  }
};

}  // namespace

TEST(PassManager, DumpsAfterSelectedPasses) {
  std::vector<std::string> dumps;
  transforms::PassManagerOptions o;
  o.print_after = {"canonicalize"};
  o.dump = [&](const std::string& s) { dumps.push_back(s); };
  transforms::PassManager pm(o);
  pm.add_pipeline(transforms::default_pipeline());
  auto m = ir::parse_ir(kIr);
  pm.run(*m);
  ASSERT_EQ(dumps.size(), 1u);
  EXPECT_EQ(dumps[0].rfind("// -----// IR Dump After canonicalize //----- //\n", 0), 0u);
  EXPECT_EQ(dumps[0].find("arith.addi"), std::string::npos);  // x + 0 folded away
}

TEST(PassManager, PrintAfterAllDumpsEveryPass) {
  int count = 0;
  transforms::PassManagerOptions o;
  o.print_after_all = true;
  o.dump = [&](const std::string&) { ++count; };
  transforms::PassManager pm(o);
  pm.add_pipeline(transforms::default_pipeline());
  auto m = ir::parse_ir(kIr);
  pm.run(*m);
  EXPECT_EQ(count, static_cast<int>(transforms::default_pipeline().size()));
}

TEST(PassManager, VerifyEachNamesTheBrokenPass) {
  transforms::PassManagerOptions o;
  o.verify_each = true;
  transforms::PassManager pm(o);
  pm.add(std::make_unique<BreakTypes>());
  auto m = ir::parse_ir(kIr);
  try {
    pm.run(*m);
    FAIL() << "expected a verification failure";
  } catch (const transforms::PassVerificationError& e) {
    EXPECT_NE(std::string(e.what()).find("IR is invalid after pass 'break-types'"), std::string::npos) << e.what();
  }
}

TEST(PassManager, UnknownPassNameIsRejected) {
  transforms::PassManager pm;
  EXPECT_THROW(pm.add_pipeline({"cse", "no-such-pass"}), std::invalid_argument);
}
