// The race detector (LaunchConfig::racecheck): planted races are found with both accesses named; the same
// kernels with the right barrier pass and compute the right values; atomics are not races.
#include "emulator_test_support.h"

namespace tmetal::test {
namespace {

using ::testing::HasSubstr;

std::string race_error(const runtime::Pipeline& p, runtime::LaunchConfig c) {
  c.racecheck = true;
  try {
    device().launch(p, c);
  } catch (const runtime::LaunchError& e) {
    return e.what();
  }
  return "no error";
}

runtime::LaunchConfig neighbour_config(std::uint32_t n, std::uint32_t sync, const std::vector<float>& in,
                                       std::shared_ptr<runtime::Buffer> out) {
  auto c = config({1, 1, 1}, {n, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(in));
  c.buffers[1] = runtime::Binding::of(std::move(out));
  c.buffers[2] = runtime::Binding::value(sync);
  c.threadgroup_memory[0] = n * sizeof(float);
  return c;
}

TEST(Racecheck, PlantedThreadgroupRaceNamesBothAccesses) {
  auto p = pipeline("races.metal", "neighbour");
  auto in = random_floats(64, 3, 1.0f, 2.0f);
  std::string e = race_error(*p, neighbour_config(64, 0, in, upload(std::vector<float>(64, 0.0f))));
  EXPECT_THAT(e, HasSubstr("kernel 'neighbour': data race on threadgroup buffer 'slots' [[threadgroup(0)]] (byte offset 4 of 256)"));
  // Thread 0 read slot 1 before thread 1 wrote it.
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (0,0,0) reads it at races.metal:18"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (1,0,0) writes it at races.metal:14"));
  EXPECT_THAT(e, HasSubstr("in threadgroup (0,0,0)"));
}

TEST(Racecheck, BarrierSeparatedAccessesPassAndAreRight) {
  auto p = pipeline("races.metal", "neighbour");
  auto in = random_floats(64, 4, 1.0f, 2.0f);
  for (std::uint32_t sync : {1u, 2u}) {
    auto out = upload(std::vector<float>(64, 0.0f));
    auto c = neighbour_config(64, sync, in, out);
    c.racecheck = true;
    EXPECT_NO_THROW(device().launch(*p, c)) << "sync " << sync;
    auto got = download<float>(out, 64);
    for (std::uint32_t t = 0; t < 64; ++t) EXPECT_EQ(got[t], in[(t / 32) * 32 + (t + 1) % 32]) << t;
  }
}

TEST(Racecheck, DeviceMemoryWrittenByTwoThreadsIsARace) {
  auto p = pipeline("races.metal", "same_output");
  auto c = config({1, 1, 1}, {8, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(std::vector<float>(1, 0.0f)));
  std::string e = race_error(*p, c);
  EXPECT_THAT(e, HasSubstr("data race on device buffer 'out' [[buffer(0)]] (byte offset 0 of 4)"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (0,0,0) writes it at races.metal:23"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (1,0,0) writes it at races.metal:23"));
}

TEST(Racecheck, AtomicsAreNotRaces) {
  auto p = pipeline("races.metal", "histogram");
  std::vector<std::uint32_t> in(128);
  std::mt19937 g(9);
  for (auto& x : in) x = g() % 1000;
  auto out = upload(std::vector<std::uint32_t>(4, 0));
  auto c = config({1, 1, 1}, {128, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(in));
  c.buffers[1] = runtime::Binding::of(out);
  c.racecheck = true;
  ASSERT_NO_THROW(device().launch(*p, c));
  std::vector<std::uint32_t> want(4, 0);
  for (auto x : in) ++want[x % 4];
  EXPECT_EQ(download<std::uint32_t>(out, 4), want);
}

TEST(Racecheck, ThreadgroupArrayRaceAcrossSimdgroups) {
  auto p = pipeline("races.metal", "broadcast");
  auto in = random_floats(1, 6, 1.0f, 2.0f);
  auto make = [&](std::uint32_t sync, std::shared_ptr<runtime::Buffer> out) {
    auto c = config({1, 1, 1}, {64, 1, 1});
    c.buffers[0] = runtime::Binding::of(upload(in));
    c.buffers[1] = runtime::Binding::of(std::move(out));
    c.buffers[2] = runtime::Binding::value(sync);
    return c;
  };
  std::string e = race_error(*p, make(0, upload(std::vector<float>(64, 0.0f))));
  EXPECT_THAT(e, HasSubstr("data race on threadgroup array 'value' (byte offset 0 of 4)"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (0,0,0) writes it"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (1,0,0) reads it"));
  // A simdgroup_barrier orders thread 0's write for its own simdgroup only.
  e = race_error(*p, make(2, upload(std::vector<float>(64, 0.0f))));
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (32,0,0) reads it"));
  auto out = upload(std::vector<float>(64, 0.0f));
  auto c = make(1, out);
  c.racecheck = true;
  ASSERT_NO_THROW(device().launch(*p, c));
  for (float v : download<float>(out, 64)) EXPECT_EQ(v, in[0] * 3.0f);
}

TEST(Racecheck, OffByDefaultOnWithTheEnvironmentVariable) {
  auto p = pipeline("races.metal", "neighbour");
  auto in = random_floats(64, 7, 1.0f, 2.0f);
  auto c = neighbour_config(64, 0, in, upload(std::vector<float>(64, 0.0f)));
  std::string saved = std::getenv("TRITON_METAL_RACECHECK") ? std::getenv("TRITON_METAL_RACECHECK") : "";
  unsetenv("TRITON_METAL_RACECHECK");
  EXPECT_NO_THROW(device().launch(*p, c));
  setenv("TRITON_METAL_RACECHECK", "1", 1);
  EXPECT_THROW(device().launch(*p, c), runtime::LaunchError);
  if (saved.empty()) unsetenv("TRITON_METAL_RACECHECK");
  else setenv("TRITON_METAL_RACECHECK", saved.c_str(), 1);
}

}  // namespace
}  // namespace tmetal::test
