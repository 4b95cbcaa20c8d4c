// examples/vector_add.py on the emulator: f32/f16/bf16, ragged sizes, several targets, vs a float64 sum.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

class VectorAdd : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(VectorAdd, MatchesFloat64Reference) {
  auto [target, dtype] = GetParam();
  std::string p = "*" + std::string(dtype == "f32" ? "fp32" : dtype == "f16" ? "fp16" : "bf16") + ":16";
  auto k = compile_example("vector_add", "add_kernel",
                           fmt::format("x_ptr={0}, y_ptr={0}, out_ptr={0}, n_elements=i32", p), "BLOCK_SIZE=256", target);
  for (int n : {1000, 77}) {  // not multiples of the block
    interp::HostArray x(dtype, n), y(dtype, n), out(dtype, n);
    x.fill_random(1 + n, -4, 4);
    y.fill_random(2 + n, -4, 4);
    out.fill_random(3);
    launch(k, emulator(), {static_cast<uint32_t>((n + 255) / 256), 1, 1}, {arg(x), arg(y), arg(out), KernelArg::scalar(n)});
    std::vector<double> want(n);
    for (int i = 0; i < n; ++i) want[i] = x.get(i) + y.get(i);
    EXPECT_TRUE(matches(out, want, tolerance(dtype, 4))) << target << " " << dtype << " n=" << n;
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, VectorAdd,
                         ::testing::Combine(::testing::Values("m1", "m3", "m4-max"), ::testing::Values("f32", "f16", "bf16")));

}  // namespace
}  // namespace tmetal::test
