// The CUDA proxy's MSL -> CUDA translation, checked by compiling its output with NVRTC for sm_90: every
// kernel of the emulator's e2e suite (test/e2e/emulator/kernels), every entry point, plus the rewrite rules
// and the diagnostics (user line numbers, unknown entries, bad threadgroup indices, the no-GPU message).
#include "runtime/cuda/nvrtc_compiler.h"
#include "runtime/cuda/translate.h"
#include "runtime/emulator/compiler.h"
#include "runtime/msl/module.h"
#include "triton_metal/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tmetal::test {
namespace {

using ::testing::HasSubstr;
namespace rc = runtime::cuda;

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Translates and compiles one file; returns the translation.
rc::Translation compile_file(const std::string& name, const std::map<std::string, std::string>& fcs = {},
                             const std::string& dir = TM_KERNEL_DIR) {
  std::string src = read(std::filesystem::path(dir) / name);
  // Sources with macros go through the host preprocessor first, as the device does.
  if (runtime::emulator::needs_preprocessing(src, name)) src = runtime::emulator::preprocess(src, name);
  auto module = msl::parse_module(src, name);
  auto tr = rc::translate(module, fcs);
  EXPECT_EQ(tr.entries.size(), module.entries.size());
  auto bin = rc::compile_cuda(tr.cuda, name, "sm_90");
  EXPECT_GT(bin.binary.size(), 100u);
  return tr;
}

TEST(CudaTranslate, EveryEmulatorKernelCompilesForSm90) {
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(TM_KERNEL_DIR)) {
    if (e.path().extension() != ".metal") continue;
    ++files;
    std::string name = e.path().filename().string();
    std::map<std::string, std::string> fcs;
    if (name == "scaled_activation.metal") fcs = {{"0", "1.5"}, {"1", "2LL"}, {"2", "0.25"}};
    SCOPED_TRACE(name);
    try {
      compile_file(name, fcs);
    } catch (const std::exception& ex) {
      ADD_FAILURE() << ex.what();
    }
  }
  EXPECT_GE(files, 10);
}

// Loops with literal bounds and at most 64 iterations are fully unrolled (fragment arrays stay in registers);
// others are left to NVRTC.
TEST(CudaTranslate, SmallConstantLoopsAreUnrolled) {
  const std::string src = R"(#include <metal_stdlib>
using namespace metal;
kernel void k(device float* o [[buffer(0)]], constant int& n [[buffer(1)]], uint i [[thread_position_in_grid]]) {
    float a[16];
    for (int f = 0; f < 16; ++f) a[f] = float(f) * o[i];
    for (uint f = 0u; f <= 7u; f++) a[f] += 1.0f;
    for (int k = 0; k < 32; k += 8) a[k / 8] *= 2.0f;
    float s = 0.0f;
    for (int f = 0; f < n; ++f) s += o[f];
    for (int f = 0; f < 100; ++f) s += o[f];
    for (int f = 0; f < 16; f += 0) s += 1.0f;
    o[i] = s + a[3];
}
)";
  auto tr = rc::translate(msl::parse_module(src, "loops.metal"), {});
  size_t n = 0;
  for (size_t p = 0; (p = tr.cuda.find("_Pragma(\"unroll\") for", p)) != std::string::npos; ++p) ++n;
  EXPECT_EQ(n, 3u) << tr.cuda;
  EXPECT_NO_THROW(rc::compile_cuda(tr.cuda, "loops.metal", "sm_90"));
}

// The ceiling probes of bench/probes (register-blocked GEMM, flash attention, the operand-path kernel).
TEST(CudaTranslate, BenchProbesCompileForSm90) {
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(TM_PROBE_DIR)) {
    if (e.path().extension() != ".metal") continue;
    ++files;
    SCOPED_TRACE(e.path().filename().string());
    try {
      auto tr = compile_file(e.path().filename().string(), {}, TM_PROBE_DIR);
      EXPECT_GE(tr.entries.size(), 2u);
    } catch (const std::exception& ex) {
      ADD_FAILURE() << ex.what();
    }
  }
  EXPECT_GE(files, 3);
}

// Every SIMD-group / quad-group function, the atomics, simdgroup_matrix operations, vector and math
// functions (kernels/coverage.metal) translate and compile.
TEST(CudaTranslate, StdlibCoverageKernelCompiles) {
  auto module = msl::parse_module(read(std::filesystem::path(TM_CUDA_TEST_KERNEL_DIR) / "coverage.metal"), "coverage.metal");
  auto tr = rc::translate(module, {});
  try {
    auto bin = rc::compile_cuda(tr.cuda, "coverage.metal", "sm_90");
    EXPECT_GT(bin.binary.size(), 1000u);
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
}

TEST(CudaTranslate, EntryGlueDescribesArguments) {
  auto tr = compile_file("reduce.metal");
  const auto& g = tr.entries.at("reduce_sum");
  ASSERT_EQ(g.args.size(), 3u);
  EXPECT_EQ(g.args[0].kind, rc::EntryArg::BufferPointer);
  EXPECT_EQ(g.args[2].kind, rc::EntryArg::BufferValue);  // constant uint& n
  EXPECT_EQ(g.args[2].index, 2);
  EXPECT_EQ(g.threadgroup_indices, std::vector<int>{0});
  EXPECT_THAT(tr.cuda, HasSubstr("extern __shared__"));
}

TEST(CudaTranslate, MacroGeneratedEntryPointsArePreprocessed) {
  auto tr = compile_file("macro_instantiation.metal");
  EXPECT_TRUE(tr.entries.count("cast_scale_f32_f16"));
  EXPECT_TRUE(tr.entries.count("cast_scale_f16_f32"));
  EXPECT_TRUE(tr.entries.count("block_fill"));
}

TEST(CudaTranslate, TemplatesUnderHostNamesAndUndefinedFunctionConstants) {
  auto tr = compile_file("simdgroup_gemm.metal");
  EXPECT_EQ(tr.entries.size(), 3u);
  EXPECT_THAT(tr.cuda, HasSubstr("gemm<::metal::bfloat>"));
  // bias_value left undefined: has_bias is false and the kernel still compiles.
  auto tr2 = compile_file("scaled_activation.metal", {{"0", "2.0"}, {"activation", "1LL"}});
  EXPECT_THAT(tr2.cuda, HasSubstr("bias_value__tm_defined = false"));
}

TEST(CudaTranslate, RewriteRules) {
  const std::string src = R"(#include <metal_stdlib>
using namespace metal;
constant float table[2] = {1.0f, 2.0f};
kernel void k(device float4* o [[buffer(0)]], constant float& s [[buffer(1)]],
              threadgroup float* t [[threadgroup(0)]], uint i [[thread_position_in_grid]]) {
    threadgroup float tile[32];
    float4 v = o[i];
    v.xy = v.yx * s + table[i % 2];
    tile[i % 32] = max(v.x, 1.0f) + float(half(2.0h) * 1.5h);
    threadgroup_barrier(mem_flags::mem_threadgroup);
    t[i % 32] = tile[(i + 1) % 32];
    o[i] = v + fast::exp(simd_sum(v.z));
}
)";
  auto module = msl::parse_module(src, "rules.metal");
  auto tr = rc::translate(module, {});
  EXPECT_THAT(tr.cuda, HasSubstr("__shared__ float tile[32]"));
  EXPECT_THAT(tr.cuda, HasSubstr("__constant__ const float table[2]"));
  EXPECT_THAT(tr.cuda, HasSubstr("v.template sw<0, 1>() = v.template sw<1, 0>()"));
  EXPECT_THAT(tr.cuda, HasSubstr("::metal::max(v.x, 1.0f) + float(::metal::half(::metal::half(2.0f)) * ::metal::half(1.5f))"));
  EXPECT_THAT(tr.cuda, HasSubstr("::metal::fast::exp"));
  EXPECT_THAT(tr.cuda, HasSubstr("const float& s"));
  EXPECT_NO_THROW(rc::compile_cuda(tr.cuda, "rules.metal", "sm_90"));
}

TEST(CudaTranslate, ErrorsPointAtTheUsersMslLine) {
  const std::string src = "#include <metal_stdlib>\nusing namespace metal;\n\nkernel void k(device float* o [[buffer(0)]],\n"
                          "              uint i [[thread_position_in_grid]]) {\n    o[i] = undefined_name;\n}\n";
  auto tr = rc::translate(msl::parse_module(src, "bad.metal"), {});
  try {
    rc::compile_cuda(tr.cuda, "bad.metal", "sm_90");
    FAIL() << "expected a compile error";
  } catch (const runtime::CompileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad.metal:6: error"));
    EXPECT_THAT(e.what(), HasSubstr("undefined_name"));
  }
}

TEST(CudaTranslate, ErrorsInPreprocessedSourcesPointAtTheUsersMslLine) {
  const std::string src = "#include <metal_stdlib>\nusing namespace metal;\n#define SCALE 2.0f\n\nkernel void k(device float* o [[buffer(0)]],\n"
                          "              uint i [[thread_position_in_grid]]) {\n    o[i] = SCALE * undefined_name;\n}\n";
  ASSERT_TRUE(runtime::emulator::needs_preprocessing(src, "pp.metal"));
  auto tr = rc::translate(msl::parse_module(runtime::emulator::preprocess(src, "pp.metal"), "pp.metal"), {});
  try {
    rc::compile_cuda(tr.cuda, "pp.metal", "sm_90");
    FAIL() << "expected a compile error";
  } catch (const runtime::CompileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("pp.metal:7: error"));
  }
}

TEST(CudaTranslate, ThreadgroupIndexBeyondTheProxysBindingsIsRefused) {
  const std::string src = "kernel void k(threadgroup float* t [[threadgroup(20)]], uint i [[thread_position_in_grid]]) { t[i] = 0; }\n";
  EXPECT_THROW(rc::translate(msl::parse_module(src, "tg.metal"), {}), msl::SyntaxError);
}

TEST(CudaTranslate, CompiledModulesAreCached) {
  auto tr = rc::translate(msl::parse_module(read(std::filesystem::path(TM_KERNEL_DIR) / "vector_add.metal"), "vector_add.metal"), {});
  rc::compile_cuda(tr.cuda, "vector_add.metal", "sm_90");
  auto again = rc::compile_cuda(tr.cuda, "vector_add.metal", "sm_90");
  EXPECT_TRUE(again.from_cache);
  EXPECT_EQ(again.seconds, 0.0);
}

TEST(CudaDevice, MakeDeviceWorksOrExplainsWhatIsMissing) {
  try {
    auto d = runtime::make_device("cuda");
    EXPECT_EQ(d->name(), "cuda");
  } catch (const runtime::Error& e) {
    EXPECT_THAT(e.what(), ::testing::AnyOf(HasSubstr("NVIDIA driver"), HasSubstr("NVIDIA GPU")));
  }
}

}  // namespace
}  // namespace tmetal::test
