// 16-byte global accesses of 1- and 2-byte elements (codegen/emit_memory.cpp: a uint4 / uint2 taken apart and
// put together per 32-bit word with as_type) on the emulator: examples/vector_add.py in f16, bf16 and i8 with
// the size specialized as divisible by 16 (so masked vectors stay whole) but ragged against the block, vs a
// float64 (for i8: exact int) reference; the emitted MSL is checked to use the wide access.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

struct WideCase {
  std::string dtype;  // f16, bf16, i8
  int block;          // elements per program (128 threads)
  std::string access;  // the load the MSL must contain
};

void PrintTo(const WideCase& c, std::ostream* os) { *os << c.dtype << "_block" << c.block; }

class WideVectors : public ::testing::TestWithParam<std::tuple<std::string, WideCase>> {};

TEST_P(WideVectors, VectorAddMatchesReference) {
  auto [target, c] = GetParam();
  std::string t = c.dtype == "f16" ? "fp16" : c.dtype == "bf16" ? "bf16" : "i8";
  auto k = compile_example("vector_add", "add_kernel",
                           fmt::format("x_ptr=*{0}:16, y_ptr=*{0}:16, out_ptr=*{0}:16, n_elements=i32:16", t),
                           fmt::format("BLOCK_SIZE={}", c.block), target);
  EXPECT_NE(k.msl.find(c.access), std::string::npos) << "expected in the MSL: " << c.access;
  for (int n : {c.block * 2 + 16 * 7, 48}) {  // multiples of 16, not of the block: the last vectors masked off
    // One element past n is allocated and must stay as it was (the masked part of the last vector).
    interp::HostArray x(c.dtype, n + 16), y(c.dtype, n + 16), out(c.dtype, n + 16);
    bool ints = c.dtype == "i8";
    x.fill_random(11 + n, ints ? -60 : -4, ints ? 60 : 4);
    y.fill_random(12 + n, ints ? -60 : -4, ints ? 60 : 4);
    out.fill_random(13 + n, ints ? -100 : -1, ints ? 100 : 1);
    interp::HostArray out0 = out;
    launch(k, emulator(), {static_cast<uint32_t>((n + c.block - 1) / c.block), 1, 1}, {arg(x), arg(y), arg(out), KernelArg::scalar(n)});
    std::vector<double> want(n + 16);
    for (int i = 0; i < n + 16; ++i) want[i] = i < n ? x.get(i) + y.get(i) : out0.get(i);
    EXPECT_TRUE(matches(out, want, ints ? 0.0 : tolerance(c.dtype, 4))) << target << " " << c.dtype << " n=" << n;
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, WideVectors,
                         ::testing::Combine(::testing::Values("m1", "m4-max"),
                                            ::testing::Values(WideCase{"f16", 1024, "uint4 tm_v = *reinterpret_cast<const device uint4*>((x_ptr"},
                                                              WideCase{"bf16", 1024, "uint4 tm_v = *reinterpret_cast<const device uint4*>((x_ptr"},
                                                              WideCase{"bf16", 512, "uint2 tm_v = *reinterpret_cast<const device uint2*>((x_ptr"},
                                                              WideCase{"i8", 2048, "uint4 tm_v = *reinterpret_cast<const device uint4*>((x_ptr"},
                                                              WideCase{"i8", 1024, "uint2 tm_v = *reinterpret_cast<const device uint2*>((x_ptr"})));

}  // namespace
}  // namespace tmetal::test
