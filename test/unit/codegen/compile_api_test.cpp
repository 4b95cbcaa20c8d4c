// The public compile()/launch() API: every stage's IR and the metadata are filled, and every user error is a
// clear exception naming the kernel and the source location (never a crash or wrong MSL).
#include "triton_metal/kernel.h"
#include "triton_metal/target.h"

#include <gtest/gtest.h>

namespace tmetal {
namespace {

const char* kSource = R"(import triton
import triton.language as tl


@triton.jit
def scale(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n)
    tl.store(y_ptr + offs, x * 2.0, mask=offs < n)


@triton.jit
def dot_4(a_ptr, c_ptr):
    r = tl.arange(0, 4)
    a = tl.load(a_ptr + r[:, None] * 4 + r[None, :])
    c = tl.dot(a, a)
    tl.store(c_ptr + r[:, None] * 4 + r[None, :], c)


@triton.jit
def big_dot(a_ptr, c_ptr, B: tl.constexpr):
    r = tl.arange(0, B)
    a = tl.load(a_ptr + r[:, None] * B + r[None, :])
    c = tl.dot(a, a)
    tl.store(c_ptr + r[:, None] * B + r[None, :], c)


@triton.jit
def two_bases(a_ptr, b_ptr, c_ptr, flag):
    offs = tl.arange(0, 64)
    p = tl.where(offs < flag, a_ptr + offs, b_ptr + offs)
    tl.store(c_ptr + offs, tl.load(p))
)";

CompiledKernel build(const std::string& kernel, const std::string& sig, const std::string& cx = "", KernelOptions o = {}) {
  Specialization s;
  s.parse_signature(sig);
  if (!cx.empty()) s.parse_constexpr(cx);
  return compile(kSource, "k.py", kernel, s, o);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

TEST(CompileApi, FillsEveryStageAndTheMetadata) {
  KernelOptions o;
  o.target = "m1";
  o.num_warps = 2;
  CompiledKernel k = build("scale", "x_ptr=*fp32:16, y_ptr=*fp16:16, n=i32:16", "BLOCK=256", o);
  EXPECT_EQ(k.name, "scale");
  EXPECT_NE(k.tile_ir_raw.find("tt.func @scale"), std::string::npos);
  EXPECT_NE(k.tile_ir.find("tt.load"), std::string::npos);
  EXPECT_NE(k.gpu_ir.find("#gpu.blocked<spt=[4], lanes=[32], simds=[2], order=[0]>"), std::string::npos);
  EXPECT_NE(k.msl.find("kernel void scale("), std::string::npos);
  EXPECT_EQ(k.threads_per_threadgroup, 64);
  EXPECT_EQ(k.target, target::resolve_target("m1").name());
  ASSERT_EQ(k.params.size(), 3u);
  EXPECT_EQ(k.params[0].role, "input");
  EXPECT_EQ(k.params[1].role, "output");
  EXPECT_EQ(k.params[1].dtype, "f16");
  EXPECT_EQ(k.params[2].role, "scalar");
  EXPECT_NE(k.metadata_json.find("\"specialization\": \"" + k.specialization_key), std::string::npos);
}

TEST(CompileApi, DotThatCannotBeTiledNamesKernelAndLine) {
  std::string e = error_of([] { build("dot_4", "a_ptr=*fp32, c_ptr=*fp32"); });
  EXPECT_NE(e.find("k.py:16:"), std::string::npos) << e;
  EXPECT_NE(e.find("kernel 'dot_4'"), std::string::npos) << e;
  EXPECT_NE(e.find("cannot be tiled by 8x8"), std::string::npos) << e;
  EXPECT_THROW(build("dot_4", "a_ptr=*fp32, c_ptr=*fp32"), CompileFailure);
}

TEST(CompileApi, ThreadgroupMemoryOverflowNamesBytesAndLimit) {
  // The product stays in simdgroup_matrix registers and K is staged in chunks (down to 8): only a 1024-wide
  // tile overflows (A and B chunks of 1024 x 8 x 4 bytes each). 32x32 f32 stages A and B with rows padded by 16
  // bytes (2 x 32 x 36 x 4 bytes).
  std::string e = error_of([] { build("big_dot", "a_ptr=*fp32, c_ptr=*fp32", "B=1024"); });
  EXPECT_NE(e.find("kernel 'big_dot'"), std::string::npos) << e;
  EXPECT_NE(e.find("65536 bytes of threadgroup memory, more than the 32768 bytes"), std::string::npos) << e;
  EXPECT_EQ(build("big_dot", "a_ptr=*fp32, c_ptr=*fp32", "B=32").threadgroup_memory_bytes, 9216);
}

TEST(CompileApi, PointerTensorsOverTwoBuffersAreRefused) {
  std::string e = error_of([] { build("two_bases", "a_ptr=*fp32, b_ptr=*fp32, c_ptr=*fp32, flag=i32"); });
  EXPECT_NE(e.find("kernel 'two_bases'"), std::string::npos) << e;
  EXPECT_NE(e.find("different base pointers"), std::string::npos) << e;
}

TEST(CompileApi, BadOptionsAndTargets) {
  KernelOptions o;
  o.num_warps = 3;
  EXPECT_THROW(build("scale", "x_ptr=*fp32, y_ptr=*fp32, n=i32", "BLOCK=64", o), std::invalid_argument);
  o.num_warps = 64;
  EXPECT_THROW(build("scale", "x_ptr=*fp32, y_ptr=*fp32, n=i32", "BLOCK=64", o), std::invalid_argument);
  o.num_warps = 4;
  o.target = "m99";
  EXPECT_THROW(build("scale", "x_ptr=*fp32, y_ptr=*fp32, n=i32", "BLOCK=64", o), target::UnknownTargetError);
  EXPECT_THROW(build("nope", "x_ptr=*fp32"), CompileFailure);
}

TEST(LaunchApi, WrongArgumentsAreRefused) {
  CompiledKernel k = build("scale", "x_ptr=*fp32, y_ptr=*fp32, n=i32", "BLOCK=64");
  auto dev = runtime::make_device("emulator");
  std::vector<float> x(10), y(10);
  EXPECT_THROW(launch(k, *dev, {1, 1, 1}, {KernelArg::array(x)}), std::invalid_argument);
  EXPECT_THROW(launch(k, *dev, {1, 1, 1}, {KernelArg::array(x), KernelArg::scalar(3), KernelArg::scalar(10)}), std::invalid_argument);
  EXPECT_THROW(launch(k, *dev, {0, 1, 1}, {KernelArg::array(x), KernelArg::array(y), KernelArg::scalar(10)}), std::invalid_argument);
}

}  // namespace
}  // namespace tmetal
