// Exact launch counters (LaunchStats) on kernels whose traffic is counted by hand: device and threadgroup
// bytes read and written, barriers, simdgroup multiply-accumulates.
#include "emulator_test_support.h"

namespace tmetal::test {
namespace {

TEST(Counters, ThreadgroupBytesAndBarriersAreExact) {
  auto p = pipeline("counters.metal", "tg_traffic");
  const std::uint32_t groups = 3, n = 64;
  auto in = random_floats(groups * n, 31, 0.5f, 1.5f);
  auto out = upload(std::vector<float>(groups * n, 0.0f));
  auto c = config({groups, 1, 1}, {n, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(in));
  c.buffers[1] = runtime::Binding::of(out);
  c.threadgroup_memory[0] = n * sizeof(float);
  c.threadgroup_counters = true;
  auto s = device().launch(*p, c);
  const std::uint64_t threads = groups * n;
  EXPECT_EQ(s.device_bytes_read, threads * 8);
  EXPECT_EQ(s.device_bytes_written, threads * 4);
  EXPECT_EQ(s.threadgroup_bytes_written, threads * 8);
  EXPECT_EQ(s.threadgroup_bytes_read, threads * 8);
  EXPECT_EQ(s.barriers, std::uint64_t{groups} * 2);
  EXPECT_EQ(s.simdgroup_multiply_accumulates, 0u);
  auto got = download<float>(out, threads);
  std::vector<double> want(threads);
  for (std::uint32_t g = 0; g < groups; ++g)
    for (std::uint32_t t = 0; t < n; ++t) want[g * n + t] = double(in[g * n + n - 1 - t]) + 2.0 * double(in[g * n + (t + 1) % n]);
  EXPECT_TRUE(near(got, want, 1e-6, 1e-6));
}

TEST(Counters, ThreadgroupBytesAreNotCountedUnlessAsked) {
  auto p = pipeline("counters.metal", "tg_traffic");
  auto c = config({1, 1, 1}, {64, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(random_floats(64, 33)));
  c.buffers[1] = runtime::Binding::of(upload(std::vector<float>(64, 0.0f)));
  c.threadgroup_memory[0] = 64 * sizeof(float);
  std::string saved = std::getenv("TRITON_METAL_THREADGROUP_COUNTERS") ? std::getenv("TRITON_METAL_THREADGROUP_COUNTERS") : "";
  unsetenv("TRITON_METAL_THREADGROUP_COUNTERS");
  auto s = device().launch(*p, c);
  EXPECT_EQ(s.threadgroup_bytes_read + s.threadgroup_bytes_written, 0u);
  EXPECT_EQ(s.device_bytes_written, 64u * 4);
  EXPECT_EQ(s.barriers, 2u);
  setenv("TRITON_METAL_THREADGROUP_COUNTERS", "1", 1);
  c.buffers[0] = runtime::Binding::of(upload(random_floats(64, 34)));
  s = device().launch(*p, c);
  EXPECT_EQ(s.threadgroup_bytes_read, 64u * 8);
  if (saved.empty()) unsetenv("TRITON_METAL_THREADGROUP_COUNTERS");
  else setenv("TRITON_METAL_THREADGROUP_COUNTERS", saved.c_str(), 1);
}

TEST(Counters, SimdgroupProductsAndTileTrafficAreExact) {
  auto p = pipeline("counters.metal", "mma_traffic");
  const std::uint32_t groups = 2, simds = 2, steps = 5;
  auto a = random_floats(simds * 64, 41), b = random_floats(simds * 64, 42);
  auto out = upload(std::vector<float>(simds * 64, 0.0f));
  auto count = upload(std::vector<std::uint32_t>(1, 0));
  auto c = config({groups, 1, 1}, {32 * simds, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(a));
  c.buffers[1] = runtime::Binding::of(upload(b));
  c.buffers[2] = runtime::Binding::of(out);
  c.buffers[3] = runtime::Binding::of(count);
  c.buffers[4] = runtime::Binding::value(steps);
  c.threadgroup_counters = true;
  auto s = device().launch(*p, c);
  const std::uint64_t sgs = groups * simds, threads = sgs * 32;
  EXPECT_EQ(s.simdgroup_multiply_accumulates, sgs * steps);
  EXPECT_EQ(s.device_bytes_read, sgs * 2 * 256);  // the tiles
  EXPECT_EQ(s.constant_bytes_read, threads * 4);  // `constant uint& steps` per thread
  EXPECT_EQ(s.device_bytes_written, sgs * 256 + groups * 4);
  // Threadgroup: the atomic store by thread 0 and one atomic add per thread (writes), the tile store (written)
  // and load (read), the final atomic load by thread 0 (an atomic: written).
  EXPECT_EQ(s.threadgroup_bytes_written, groups * 4 + threads * 4 + sgs * 256 + groups * 4);
  EXPECT_EQ(s.threadgroup_bytes_read, sgs * 256);
  EXPECT_EQ(s.barriers, std::uint64_t{groups} * 2);
  EXPECT_EQ(download<std::uint32_t>(count, 1)[0], 32 * simds);
  std::vector<double> want(simds * 64, 0.0);
  for (std::uint32_t g = 0; g < simds; ++g)
    for (int i = 0; i < 8; ++i)
      for (int j = 0; j < 8; ++j) {
        double dot = 0;
        for (int k = 0; k < 8; ++k) dot += double(a[g * 64 + i * 8 + k]) * b[g * 64 + k * 8 + j];
        want[g * 64 + i * 8 + j] = steps * dot;
      }
  EXPECT_TRUE(near(download<float>(out, want.size()), want, 1e-5, 1e-5));
}

}  // namespace
}  // namespace tmetal::test
