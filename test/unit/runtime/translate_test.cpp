// The emulator's MSL -> C++ translation: each rewrite, #line bookkeeping, and the entry glue.
#include "runtime/emulator/translate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tmetal::runtime::emulator {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string cpp(const std::string& src, const std::map<std::string, std::string>& fcs = {}) {
  return translate(msl::parse_module(src, "t.metal"), fcs).cpp;
}

TEST(Translate, AddressSpacesBecomeCheckedPointersAndReferences) {
  std::string out = cpp(
      "kernel void k(const device float* a [[buffer(0)]], device float4* b [[buffer(1)]],\n"
      "              constant P& p [[buffer(2)]], constant float* c [[buffer(3)]], uint i [[thread_position_in_grid]]) {\n"
      "  thread float& r = b[i].x; threadgroup float* t = nullptr; device atomic_uint& q = *(device atomic_uint*)a;\n}\n");
  EXPECT_THAT(out, HasSubstr("::metal_rt::ptr<const float> a ,"));
  EXPECT_THAT(out, HasSubstr("::metal_rt::ptr<float4> b ,"));
  EXPECT_THAT(out, HasSubstr("const P & p ,"));
  EXPECT_THAT(out, HasSubstr("::metal_rt::ptr<const float> c ,"));
  EXPECT_THAT(out, HasSubstr("float & r = b[i].x;"));
  EXPECT_THAT(out, HasSubstr("::metal_rt::ptr<float> t = nullptr;"));
  EXPECT_THAT(out, HasSubstr("atomic_uint & q = *::metal_rt::reinterpret_ptr_cast<::metal_rt::ptr<atomic_uint>>(a);"));
  EXPECT_THAT(out, Not(HasSubstr("[[")));
  EXPECT_THAT(out, Not(HasSubstr("kernel void")));
}

TEST(Translate, ThreadgroupArraysProgramConstantsAndFunctionConstants) {
  std::string out = cpp(
      "constant float scale [[function_constant(0)]];\nconstant int n [[function_constant(1)]];\n"
      "constant bool has_n = is_function_constant_defined(n);\nconstant constexpr uint T = 16;\n"
      "kernel void k(device float* o [[buffer(0)]]) {\n  threadgroup float tile[T][T + 1], total;\n  o[0] = tile[0][0] * scale;\n}\n",
      {{"0", "2.5"}});
  EXPECT_THAT(out, HasSubstr("static constexpr float scale = float(2.5); static constexpr bool scale__tm_defined = true;"));
  EXPECT_THAT(out, HasSubstr("static constexpr int n = int(); static constexpr bool n__tm_defined = false;"));
  EXPECT_THAT(out, HasSubstr("static const bool has_n = (n__tm_defined);"));
  EXPECT_THAT(out, HasSubstr("static constexpr uint T = 16;"));
  EXPECT_THAT(out, HasSubstr("static thread_local ::metal_rt::tg_array<float, (T), (T + 1)> tile__tm_storage; "
                             "auto& tile = ::metal_rt::tg_register(tile__tm_storage, \"tile\");"));
  EXPECT_THAT(out, HasSubstr("static thread_local float total__tm_storage;"));
}

TEST(Translate, SwizzlesHalfLiteralsAndCasts) {
  std::string out = cpp(
      "struct S { float2 xy; float r; };\n"
      "kernel void k(device float4* o [[buffer(0)]], device S* s [[buffer(1)]]) {\n"
      "  float4 v = o[0]; v.zw = v.yx * 2.0h; o[0].x = v.r + s[0].xy.x + v.rgb.b;\n"
      "  device float* f = reinterpret_cast<device float*>(o);\n}\n");
  EXPECT_THAT(out, HasSubstr("v.template sw<2, 3>() = v.template sw<1, 0>() * ::metal_rt::half_lit(2.0);"));
  EXPECT_THAT(out, HasSubstr("s[0].xy.x"));  // a struct field named like a swizzle stays a field
  EXPECT_THAT(out, HasSubstr("v.template sw<0, 1, 2>().b"));
  EXPECT_THAT(out, HasSubstr("::metal_rt::reinterpret_ptr_cast<::metal_rt::ptr<float>>(o)"));
}

TEST(Translate, LineDirectivesKeepUserLines) {
  std::string out = cpp("kernel void k(device float* o [[buffer(0)]]) {\n\n\n  threadgroup float a[4];\n  o[0] = a[0];\n}\n");
  EXPECT_THAT(out, HasSubstr("#line 1 \"t.metal\"\n"));
  // Line 4 carries the expanded declaration; line 5 must still be line 5.
  auto pos = out.find("o[0] = a[0];");
  ASSERT_NE(pos, std::string::npos);
  int line = 0;
  auto start = out.find("#line 1 \"t.metal\"\n") + 18;
  for (auto i = start; i < pos; ++i) line += out[i] == '\n';
  EXPECT_EQ(line + 1, 5);
}

TEST(Translate, EntryGlueForKernelsAndInstantiations) {
  auto tr = translate(msl::parse_module(
                          "template <typename T> kernel void f(device T* x [[buffer(1)]], uint i [[thread_index_in_simdgroup]]) {}\n"
                          "template [[host_name(\"f_i\")]] kernel void f<int>(device int*, uint);\n"
                          "kernel void g(threadgroup float* s [[threadgroup(2)]]) {}\n",
                          "t.metal"),
                      {});
  EXPECT_EQ(tr.symbols.size(), 2u);
  EXPECT_THAT(tr.cpp, HasSubstr("::metal_rt::invoke(&f<int>, c, ::metal_rt::Arg{0, 1, \"x\"}, ::metal_rt::Arg{2, 6, \"i\"})"));
  EXPECT_THAT(tr.cpp, HasSubstr("::metal_rt::invoke(&g, c, ::metal_rt::Arg{1, 2, \"s\"})"));
  EXPECT_THAT(tr.cpp, Not(HasSubstr("host_name")));
}

}  // namespace
}  // namespace tmetal::runtime::emulator
