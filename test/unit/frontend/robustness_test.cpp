// Nothing a user writes may crash the compiler: hostile inputs give a CompileFailure (a diagnostic),
// never another exception, a crash or a hang.
#include "triton_metal/compile.h"

#include <gtest/gtest.h>

using namespace tmetal;

namespace {

void expect_diagnostic(const std::string& src) {
  Specialization spec;
  spec.args["x"] = ArgSpec{"*fp32", 1};
  try {
    compile_tile_ir(src, "r.py", "k", spec);
  } catch (const CompileFailure& e) {
    EXPECT_NE(std::string(e.what()).find("error:"), std::string::npos) << e.what();
    return;
  } catch (const std::exception& e) {
    FAIL() << "unexpected exception type for input:\n" << src << "\n" << e.what();
  }
}

const char* kHead = "import triton\nimport triton.language as tl\n@triton.jit\ndef k(x):\n";

}  // namespace

TEST(Robustness, MalformedSourceGivesDiagnostics) {
  expect_diagnostic("");
  expect_diagnostic(std::string("\x00\xff\xfe garbage", 12));
  expect_diagnostic("def k(:\n");
  expect_diagnostic("@triton.jit\ndef k(x):\n  'unterminated\n");
  expect_diagnostic(std::string(kHead) + "    a = 1\n  b = 2\n");
  expect_diagnostic(std::string(kHead) + "    x = " + std::string(5000, '(') + "1" + std::string(5000, ')') + "\n");
  expect_diagnostic(std::string(kHead) + "    x = " + std::string(5000, '-') + "1\n");
  expect_diagnostic(std::string(kHead) + "    x = 99999999999999999999999\n");
  expect_diagnostic(std::string(kHead) + "    y = 1 << 70\n");
  expect_diagnostic(std::string(kHead) + "    y = 1 // 0\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.arange(0, 1 << 40)\n");
  expect_diagnostic(std::string(kHead) + "    for i in tl.static_range(10000000):\n        pass\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.zeros((1 << 30, 1 << 30), dtype=tl.float32)\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.load(x)[0]\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.reshape(tl.arange(0, 16), (3, 5))\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.trans(tl.arange(0, 16), (1, 0))\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.sum(tl.arange(0, 16), axis=3)\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.expand_dims(tl.arange(0, 16), 5)\n");
  expect_diagnostic(std::string(kHead) + "    tl.store(x, tl.zeros((4, 4), dtype=tl.float32), mask=tl.arange(0, 8) < 3)\n");
  expect_diagnostic(std::string(kHead) + "    a, b = 1\n");
  expect_diagnostic(std::string(kHead) + "    x.y = 1\n");
  expect_diagnostic(std::string(kHead) + "    y = k(x)\n");
  expect_diagnostic(std::string(kHead) + "    while tl.arange(0, 4) < 2:\n        pass\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.program_id(3)\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.cast(x, tl.float64)\n");
  expect_diagnostic(std::string(kHead) + "    y = x[None]\n    y = y.T.T.T\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.dot(tl.zeros((16,), dtype=tl.float16), tl.zeros((16,), dtype=tl.float16))\n");
  expect_diagnostic(std::string(kHead) + "    if x:\n        y = 1\n    else:\n        y = 1.0\n    tl.store(x, y)\n");
  expect_diagnostic(std::string(kHead) + "    import os\n");
  expect_diagnostic(std::string(kHead) + "    def inner():\n        pass\n");
  expect_diagnostic(std::string(kHead) + "    return 1\n");
  expect_diagnostic(std::string(kHead) + "    y = {1: 2}\n");
  expect_diagnostic(std::string(kHead) + "    y = *x\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.make_block_ptr(x, (4,), (1,), (0,), (6,), (0,))\n");
  expect_diagnostic(std::string(kHead) + "    tl.atomic_and(x, 1.0)\n");
  // Found by fuzz_frontend: a non-finite float constant was converted to an integer (UB) even when the
  // constant's type is a float; now only int targets convert, and non-finite values are an error there.
  expect_diagnostic(std::string(kHead) + "    y = tl.full([4], float('inf'), tl.int32)\n");
  expect_diagnostic(std::string(kHead) + "    y = tl.full([4], 1e30, tl.int64)\n");
  expect_diagnostic(std::string(kHead) + "    for i in tl.static_range(4000):\n        for j in tl.static_range(4000):\n            y = i + j\n");
}

TEST(Robustness, NonFiniteFloatConstantsCompile) {
  Specialization spec;
  spec.args["x"] = ArgSpec{"*fp32", 1};
  EXPECT_NO_THROW(compile_tile_ir(std::string(kHead) + "    tl.store(x + tl.arange(0, 4), tl.full([4], -float('inf'), tl.float32))\n", "f.py", "k", spec));
}

TEST(Robustness, UnknownKernelAndBadSpecialization) {
  Specialization spec;
  EXPECT_THROW(compile_tile_ir("import triton\n", "e.py", "k", spec), CompileFailure);
  EXPECT_THROW(spec.parse_signature("x=*fp128"), std::invalid_argument);
  EXPECT_THROW(spec.parse_signature("x"), std::invalid_argument);
  EXPECT_THROW(spec.parse_signature("x=fp32:16"), std::invalid_argument);
  EXPECT_THROW(spec.parse_constexpr("B=1=2=x y"), std::invalid_argument);
}
