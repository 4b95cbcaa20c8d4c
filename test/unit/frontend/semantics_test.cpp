// Front-end semantics checked on the IR it produces: integer division and remainder (C truncation on
// tensors as Triton does, Python floor semantics on compile-time constants), unsigned ops, casts,
// broadcasting, helper inlining and constexpr specialization.
#include "triton_metal/compile.h"

#include <gtest/gtest.h>

using namespace tmetal;

namespace {

std::string compile(const std::string& body, const std::string& sig = "x_ptr=*i32, n=i32", const std::string& params = "x_ptr, n",
                    bool passes = true, const std::string& prelude = "") {
  std::string src = "import triton\nimport triton.language as tl\n" + prelude + "\n@triton.jit\ndef k(" + params + "):\n" + body;
  Specialization spec;
  spec.parse_signature(sig);
  CompileOptions options;
  options.run_passes = passes;
  options.locations = false;
  return compile_tile_ir(src, "t.py", "k", spec, options).ir;
}

bool has(const std::string& ir, const std::string& s) { return ir.find(s) != std::string::npos; }

}  // namespace

TEST(Semantics, TensorIntegerDivisionTruncatesLikeC) {
  std::string ir = compile("    tl.store(x_ptr, n // 4)\n    tl.store(x_ptr + 1, n % 4)\n", "x_ptr=*i32, n=i32", "x_ptr, n", false);
  EXPECT_TRUE(has(ir, "arith.divsi")) << ir;
  EXPECT_TRUE(has(ir, "arith.remsi")) << ir;
  // Folded on constants: -7 // 2 == -3 and -7 % 2 == -1 (C), once the value is a tensor.
  std::string folded = compile("    a = tl.full([], -7, tl.int32)\n    tl.store(x_ptr, a // 2)\n    tl.store(x_ptr + 1, a % 2)\n");
  EXPECT_TRUE(has(folded, "{value = -3 : i32}")) << folded;
  EXPECT_TRUE(has(folded, "{value = -1 : i32}")) << folded;
}

TEST(Semantics, ConstexprArithmeticUsesPythonSemantics) {
  std::string ir = compile("    tl.store(x_ptr, -7 // 2)\n    tl.store(x_ptr + 1, -7 % 2)\n    tl.store(x_ptr + 2, 2 ** 10)\n");
  EXPECT_TRUE(has(ir, "{value = -4 : i32}")) << ir;
  EXPECT_TRUE(has(ir, "{value = 1 : i32}")) << ir;
  EXPECT_TRUE(has(ir, "{value = 1024 : i32}")) << ir;
}

TEST(Semantics, UnsignedOperandsSelectUnsignedOps) {
  std::string ir = compile("    u = n.to(tl.uint32)\n    tl.store(x_ptr, (u // (u + 3)).to(tl.int32))\n    tl.store(x_ptr, (u >> 1).to(tl.int32))\n    tl.store(x_ptr, (u < 5).to(tl.int32))\n", "x_ptr=*i32, n=i32", "x_ptr, n", false);
  EXPECT_TRUE(has(ir, "arith.divui")) << ir;
  EXPECT_TRUE(has(ir, "arith.shrui")) << ir;
  EXPECT_TRUE(has(ir, "predicate = \"ult\"")) << ir;
  EXPECT_TRUE(has(ir, "arith.extui")) << ir;  // i1 -> i32 zero-extends
  // As in Triton, an int literal outranks a uint tensor's kind, so `u // 3` mixes signedness: an error.
  EXPECT_THROW(compile("    u = n.to(tl.uint32)\n    tl.store(x_ptr, (u // 3).to(tl.int32))\n"), CompileFailure);
}

TEST(Semantics, TrueDivisionOfIntsIsFloat) {
  std::string ir = compile("    tl.store(x_ptr, (n / 2).to(tl.int32))\n", "x_ptr=*i32, n=i32", "x_ptr, n", false);
  EXPECT_TRUE(has(ir, "arith.sitofp")) << ir;
  EXPECT_TRUE(has(ir, "arith.divf")) << ir;
}

TEST(Semantics, Fp16TimesPythonFloatStaysFp16) {
  std::string ir = compile("    x = tl.load(x_ptr + tl.arange(0, 16))\n    tl.store(x_ptr + tl.arange(0, 16), x * 0.5)\n", "x_ptr=*fp16, n=i32", "x_ptr, n", false);
  EXPECT_TRUE(has(ir, "arith.mulf %") && has(ir, ": tensor<16xf16>")) << ir;
  EXPECT_FALSE(has(ir, "arith.extf")) << ir;
}

TEST(Semantics, BroadcastingWithNoneIndexing) {
  std::string ir = compile("    r = tl.arange(0, 16)\n    c = tl.arange(0, 32)\n    tl.store(x_ptr + r[:, None] * 32 + c[None, :], 1)\n", "x_ptr=*i32, n=i32", "x_ptr, n", false);
  EXPECT_TRUE(has(ir, "tt.expand_dims %0 {axis = 1 : i32} : tensor<16x1xi32>")) << ir;
  EXPECT_TRUE(has(ir, "tt.broadcast") && has(ir, "tensor<16x32x!tt.ptr<i32>>")) << ir;
}

TEST(Semantics, HelperCallsAreInlinedAndSpecializedPerConstexpr) {
  std::string prelude = "@triton.jit\ndef times(v, F: tl.constexpr):\n    return v * F\n";
  std::string raw = compile("    tl.store(x_ptr, times(n, 2) + times(n, 3) + times(n, 2))\n", "x_ptr=*i32, n=i32", "x_ptr, n", false, prelude);
  EXPECT_TRUE(has(raw, "tt.call %arg1 {callee = \"times_0\"}")) << raw;
  EXPECT_TRUE(has(raw, "tt.call %arg1 {callee = \"times_1\"}")) << raw;
  EXPECT_FALSE(has(raw, "times_2")) << raw;
  std::string opt = compile("    tl.store(x_ptr, times(n, 2) + times(n, 3) + times(n, 2))\n", "x_ptr=*i32, n=i32", "x_ptr, n", true, prelude);
  EXPECT_FALSE(has(opt, "tt.call")) << opt;
  EXPECT_FALSE(has(opt, "@times")) << opt;
}

TEST(Semantics, ConstexprIfAndStaticRangeAreResolvedAtCompileTime) {
  std::string ir = compile("    acc = 0\n    for i in tl.static_range(3):\n        if i == 1:\n            acc += n\n        else:\n            acc += 2 * n\n    tl.store(x_ptr, acc)\n",
                           "x_ptr=*i32, n=i32", "x_ptr, n", false);
  EXPECT_FALSE(has(ir, "scf.")) << ir;
}

TEST(Semantics, RuntimeLoopCarriesValuesAndEarlyReturnBecomesIf) {
  std::string ir = compile("    if n < 0:\n        return\n    acc = 0\n    for i in range(n):\n        acc += i\n    tl.store(x_ptr, acc)\n", "x_ptr=*i32, n=i32", "x_ptr, n", false);
  EXPECT_TRUE(has(ir, "scf.if")) << ir;
  EXPECT_TRUE(has(ir, "scf.for %")) << ir;
  EXPECT_TRUE(has(ir, "scf.yield")) << ir;
}

TEST(Semantics, DivisibilityHintsAreRecorded) {
  std::string ir = compile("    tl.store(x_ptr, n)\n", "x_ptr=*i32:16, n=i32:16");
  EXPECT_TRUE(has(ir, "tt.divisibility = array<16, 16>")) << ir;
  std::string hinted = compile("    o = tl.multiple_of(tl.arange(0, 16) * 4, 16)\n    tl.store(x_ptr + o, n)\n", "x_ptr=*i32, n=i32", "x_ptr, n", false);
  EXPECT_TRUE(has(hinted, "tt.divisibility = array<16>")) << hinted;
}

TEST(Semantics, ImportSpellingsAreEquivalent) {
  for (const char* imports : {"import triton\nimport triton.language as tl\n", "import triton_metal as triton\nimport triton_metal.language as tl\n",
                              "import triton\nfrom triton import language as tl\n"}) {
    std::string src = std::string(imports) + "BLOCK = tl.constexpr(32)\n@triton.jit\ndef k(x_ptr):\n    tl.store(x_ptr + tl.arange(0, BLOCK), 1.0)\n";
    Specialization spec;
    spec.parse_signature("x_ptr=*fp32");
    EXPECT_NO_THROW(compile_tile_ir(src, "i.py", "k", spec)) << imports;
  }
  std::string src = "from triton import jit\nimport triton.language as tl\n@jit\ndef k(x_ptr):\n    tl.store(x_ptr, 1.0)\n";
  Specialization spec;
  spec.parse_signature("x_ptr=*fp32");
  EXPECT_NO_THROW(compile_tile_ir(src, "j.py", "k", spec));
}

TEST(Semantics, IfConditionIsEvaluatedOnceAndUnchangedValuesFlowThrough) {
  std::string ir = compile("    y = tl.load(x_ptr)\n    if tl.atomic_add(x_ptr, 1) > 3:\n        y = y * 2\n        w = 5\n    tl.store(x_ptr, y)\n", "x_ptr=*i32, n=i32", "x_ptr, n", false);
  size_t first = ir.find("tt.atomic_rmw");
  ASSERT_NE(first, std::string::npos) << ir;
  EXPECT_EQ(ir.find("tt.atomic_rmw", first + 1), std::string::npos) << ir;  // the condition's side effect happens once
  EXPECT_TRUE(has(ir, "= scf.if %")) << ir;
  EXPECT_TRUE(has(ir, "scf.yield %0")) << ir;  // else branch yields the unchanged value
}
