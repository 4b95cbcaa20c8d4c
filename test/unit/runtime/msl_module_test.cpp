// The MSL kernel scanner: kernel signatures (address spaces, bindings, position attributes), template
// instantiations with [[host_name]], function constants, and the synchronization scan.
#include "runtime/msl/module.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tmetal::msl {
namespace {

const char* kSource = R"(#include <metal_stdlib>
using namespace metal;
constant int K [[function_constant(3)]];
constant bool use_k = is_function_constant_defined(K);

kernel void add(const device float* a [[buffer(0)]],
                device float4* out [[ buffer(2) ]],
                constant Params& p [[buffer(1)]],
                threadgroup float* scratch [[threadgroup(0)]],
                uint2 gid [[thread_position_in_grid]],
                ushort lane [[thread_index_in_simdgroup]]) {
    out[gid.x] = a[gid.x];
}

template <typename T, int N>
[[kernel]] void tmpl(device T* x [[buffer(0)]], uint i [[thread_index_in_threadgroup]]) {
    x[i] = simd_sum(x[i]);
}
template [[host_name("tmpl_f")]] [[kernel]] void tmpl<float, 2>(device float*, uint);
template [[host_name("tmpl_h")]] kernel void tmpl<half, 4>(device half*, uint);
)";

TEST(MslModule, KernelSignature) {
  Module m = parse_module(kSource, "m.metal");
  ASSERT_EQ(m.kernels.size(), 2u);
  const KernelDecl& k = m.kernels[0];
  EXPECT_EQ(k.name, "add");
  EXPECT_FALSE(k.is_template);
  ASSERT_EQ(k.params.size(), 6u);
  EXPECT_EQ(k.params[0].name, "a");
  EXPECT_EQ(k.params[0].space, AddressSpace::Device);
  EXPECT_TRUE(k.params[0].is_pointer);
  EXPECT_TRUE(k.params[0].is_const);
  EXPECT_EQ(k.params[0].type_text, "const device float*");
  EXPECT_EQ(k.params[1].index, 2);
  EXPECT_EQ(k.params[2].space, AddressSpace::Constant);
  EXPECT_TRUE(k.params[2].is_reference);
  EXPECT_EQ(k.params[3].role, ParamRole::Threadgroup);
  EXPECT_EQ(k.params[4].role, ParamRole::Position);
  EXPECT_EQ(k.params[4].attribute, "thread_position_in_grid");
  EXPECT_EQ(k.params[4].index, 0);
  EXPECT_EQ(k.params[5].index, *position_attribute_id("thread_index_in_simdgroup"));
}

TEST(MslModule, EntriesFunctionConstantsAndSync) {
  Module m = parse_module(kSource, "m.metal");
  EXPECT_TRUE(m.kernels[1].is_template);
  std::vector<std::string> names;
  for (const auto& e : m.entries) names.push_back(e.name + "=" + e.function);
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("add=add", "tmpl_f=tmpl<float,2>", "tmpl_h=tmpl<half,4>"));
  ASSERT_NE(m.find_entry("tmpl_h"), nullptr);
  EXPECT_EQ(m.find_entry("tmpl_h")->kernel->name, "tmpl");
  ASSERT_EQ(m.function_constants.size(), 1u);
  EXPECT_EQ(m.function_constants[0].name, "K");
  EXPECT_EQ(m.function_constants[0].index, 3);
  EXPECT_TRUE(m.uses_synchronization);
  EXPECT_FALSE(parse_module("kernel void f(device int* a [[buffer(0)]]) { a[0] = 1; }").uses_synchronization);
}

TEST(MslModule, CxxThatMetalLacksIsRejected) {
  for (const char* word : {"double", "new float", "throw 1", "goto end", "thread_local int"}) {
    std::string src = std::string("kernel void f(device float* a [[buffer(0)]]) {\n  ") + word + ";\n}\n";
    try {
      parse_module(src, "x.metal");
      FAIL() << word;
    } catch (const SyntaxError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("x.metal:2:3: error: '"));
      EXPECT_THAT(e.what(), ::testing::HasSubstr("Metal"));
    }
  }
}

TEST(MslModule, ParametersWithoutBindingTakeTheLowestFreeIndices) {
  // Metal assigns indices to buffers without [[buffer(i)]], in order, skipping the explicit ones.
  Module m = parse_module("kernel void f(device int* a [[buffer(0)]],\n              device int* b, constant float& c, device int* d [[buffer(2)]],\n"
                          "              constant int* e, uint i [[thread_position_in_grid]]) {}", "p.metal");
  ASSERT_EQ(m.kernels[0].params.size(), 6u);
  EXPECT_EQ(m.kernels[0].params[1].index, 1);
  EXPECT_EQ(m.kernels[0].params[2].index, 3);
  EXPECT_EQ(m.kernels[0].params[4].index, 4);
  EXPECT_TRUE(m.kernels[0].params[1].implicit_index);
  try {
    parse_module("kernel void f(device int* a [[buffer(0)]],\n              int b) {}", "p.metal");
    FAIL();
  } catch (const SyntaxError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("p.metal:2:15: error: kernel 'f': parameter 'b' has no [[buffer(i)]]"));
  }
  try {
    parse_module("kernel void f(device int a [[buffer(0)]]) {}", "p.metal");
    FAIL();
  } catch (const SyntaxError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("must be a pointer or a reference"));
  }
}

}  // namespace
}  // namespace tmetal::msl
