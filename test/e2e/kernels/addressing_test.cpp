// Pointer tensors are 32-bit element offsets from their kernel argument (codegen/pointer_roles.cpp): exact for
// every in-bounds access of a buffer of fewer than 2^32 elements, even when the kernel's own pointer arithmetic
// goes 2^40 elements away and back (it wraps consistently); launches refuse bigger arrays with a clear error.
#include "kernel_test_support.h"


namespace tmetal::test {
namespace {

CompiledKernel compile_addressing(const std::string& kernel, const std::string& sig, const std::string& cx) {
  return compile_file(TM_ADDRESSING_FILE, kernel, sig, cx, "m3");
}

TEST(Addressing, OffsetsThatWrapComeBackExact) {
  auto k = compile_addressing("far_and_back", "x_ptr=*fp32:16, y_ptr=*fp32:16, n=i32, big=i64", "BLOCK=256");
  EXPECT_NE(k.msl.find("uint "), std::string::npos);
  const int n = 700;
  interp::HostArray x("f32", n), y("f32", n);
  x.fill_random(601, -3, 3);
  y.fill_random(602);
  launch(k, emulator(), {3, 1, 1}, {arg(x), arg(y), KernelArg::scalar(n), KernelArg::scalar(std::int64_t{1} << 40)});
  std::vector<double> want(n);
  for (int i = 0; i < n; ++i) want[i] = 2 * x.get(i);
  EXPECT_TRUE(matches(y, want, 0));
}

TEST(Addressing, LaunchRefusesArraysPastThe32BitOffsetRange) {
  auto k = compile_example("vector_add", "add_kernel", "x_ptr=*fp32:16, y_ptr=*fp32:16, out_ptr=*fp32:16, n_elements=i32", "BLOCK_SIZE=256", "m3");
  ASSERT_EQ(k.params[0].max_elements, std::int64_t{1} << 32);
  std::vector<float> small(16, 1.0f);
  // The size check comes before anything is bound: the array is never touched.
  KernelArg huge = KernelArg::array(small.data(), (std::size_t{1} << 32) * 4);
  try {
    launch(k, emulator(), {1, 1, 1}, {huge, KernelArg::array(small), KernelArg::array(small), KernelArg::scalar(16)});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("array 'x_ptr' has 4294967296 elements; the kernel addresses it with 32-bit element offsets"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tmetal::test
