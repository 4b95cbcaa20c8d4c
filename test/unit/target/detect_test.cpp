// The pure mapping from what macOS reports (chip name, GPU core count) to a chip-table row.
#include "triton_metal/target_detect.h"

#include <gtest/gtest.h>

namespace tmetal::target {
namespace {

std::string matched(std::string_view name, int cores) {
  auto t = match_detected_gpu(name, cores);
  return t ? t->name() : std::string("<none>");
}

TEST(Detect, ExactBins) {
  EXPECT_EQ(matched("Apple M3 Max", 40), "apple-m3-max-40c");
  EXPECT_EQ(matched("Apple M3 Max", 30), "apple-m3-max-30c");
  EXPECT_EQ(matched("Apple M1", 7), "apple-m1-7c");
  EXPECT_EQ(matched("Apple M1", 8), "apple-m1-8c");
  EXPECT_EQ(matched("Apple M2 Pro", 19), "apple-m2-pro-19c");
  EXPECT_EQ(matched("Apple M2 Ultra", 60), "apple-m2-ultra-60c");
  EXPECT_EQ(matched("Apple M4 Pro", 16), "apple-m4-pro-16c");
  EXPECT_EQ(matched("Apple M5", 10), "apple-m5-10c");
}

TEST(Detect, UnknownCountPicksTheLargestBin) {
  EXPECT_EQ(matched("Apple M3 Max", 0), "apple-m3-max-40c");
  EXPECT_EQ(matched("Apple M3", -1), "apple-m3-10c");
}

TEST(Detect, UnlistedBinPicksTheNearest) {
  EXPECT_EQ(matched("Apple M3 Max", 36), "apple-m3-max-40c");
  EXPECT_EQ(matched("Apple M5", 8), "apple-m5-10c");
  EXPECT_EQ(matched("Apple M1 Pro", 15), "apple-m1-pro-14c");  // tie goes to the first (smaller) bin
}

TEST(Detect, NonAppleSiliconIsNotMatched) {
  EXPECT_EQ(matched("Intel(R) Core(TM) i9-9980HK CPU @ 2.40GHz", 0), "<none>");
  EXPECT_EQ(matched("AMD Radeon Pro 5500M", 24), "<none>");
  EXPECT_EQ(matched("Apple M6 Max", 40), "<none>");
  EXPECT_EQ(matched("Apple A17 Pro", 6), "<none>");
  EXPECT_EQ(matched("", 10), "<none>");
}

#if !defined(__APPLE__)
TEST(Detect, NoHostDetectionOffApplePlatforms) { EXPECT_FALSE(detect_host_target().has_value()); }
#endif

}  // namespace
}  // namespace tmetal::target
