// float4 vector add against a float64 reference over many sizes and threadgroup shapes, both dispatch
// styles, plus the launch counters.
#include "emulator_test_support.h"

namespace tmetal::test {
namespace {

struct Params {
  std::uint32_t n;
  float alpha;
};

TEST(VectorAdd, MatchesFloat64ReferenceOverShapes) {
  auto p = pipeline("vector_add.metal", "vector_add");
  for (std::uint32_t n : {1u, 7u, 64u, 1000u, 4099u}) {
    for (std::uint32_t tg : {1u, 32u, 96u, 256u}) {
      auto a = random_floats(n, n * 7 + 1), b = random_floats(n, n * 13 + 2);
      auto ba = upload(a), bb = upload(b), bo = upload(std::vector<float>(n, 0.0f));
      Params prm{n, 0.75f};
      std::uint32_t threads = n / 4 + 1;
      bool by_threads = tg % 64 == 32;
      auto c = by_threads ? config({threads, 1, 1}, {tg, 1, 1}, runtime::Dispatch::Threads)
                          : config({(threads + tg - 1) / tg, 1, 1}, {tg, 1, 1});
      // float4 views need whole float4s: round the buffers up by binding the same allocation.
      c.buffers[0] = runtime::Binding::of(ba);
      c.buffers[1] = runtime::Binding::of(bb);
      c.buffers[2] = runtime::Binding::of(bo);
      c.buffers[3] = runtime::Binding::value(prm);
      auto stats = device().launch(*p, c);
      std::vector<double> want(n);
      for (std::uint32_t i = 0; i < n; ++i) want[i] = double(a[i]) + 0.75 * double(b[i]);
      ASSERT_TRUE(near(download<float>(bo, n), want, 1e-6, 1e-6)) << "n=" << n << " tg=" << tg;
      EXPECT_EQ(stats.device_bytes_written, n * 4ull) << n;
      EXPECT_GE(stats.device_bytes_read, 2 * n * 4ull);
    }
  }
}

}  // namespace
}  // namespace tmetal::test
