// The string handling of macOS GPU detection (lib/target/detect_macos_parse.cpp), on every platform: what
// IOKit and sysctl report on Apple silicon, under Rosetta and on Intel Macs, mapped to a chip-table row.
#include "target/detect_macos_parse.h"
#include "triton_metal/target_detect.h"

#include <gtest/gtest.h>

#include <string>

namespace tmetal::target {
namespace {

TEST(DetectMacosParse, CleansTrailingNulsAndSpaces) {
  EXPECT_EQ(clean_reported_string(std::string("Apple M3 Max\0", 13)), "Apple M3 Max");
  EXPECT_EQ(clean_reported_string(std::string("Apple M1\0\0garbage", 17)), "Apple M1");
  EXPECT_EQ(clean_reported_string("  Apple M2 Pro \n"), "Apple M2 Pro");
  EXPECT_EQ(clean_reported_string(""), "");
}

TEST(DetectMacosParse, PrefersTheGpuModelAndRefusesRosettaAndIntel) {
  EXPECT_EQ(choose_gpu_name("Apple M3 Max", "Apple M3 Max"), "Apple M3 Max");
  EXPECT_EQ(choose_gpu_name(std::string("Apple M4 Pro\0", 13), "VirtualApple @ 2.50GHz processor"), "Apple M4 Pro");
  EXPECT_EQ(choose_gpu_name("", std::string("Apple M1\0", 9)), "Apple M1");
  EXPECT_EQ(choose_gpu_name("", "VirtualApple @ 2.50GHz processor"), "");
  EXPECT_EQ(choose_gpu_name("AMD Radeon Pro 5500M", "Intel(R) Core(TM) i9-9980HK CPU @ 2.40GHz"), "");
  EXPECT_EQ(choose_gpu_name("Apple Mx", "Apple"), "");
}

TEST(DetectMacosParse, CoreCountsOutsidePlausibleRangeAreUnknown) {
  EXPECT_EQ(sanitize_core_count(40), 40);
  EXPECT_EQ(sanitize_core_count(0), 0);
  EXPECT_EQ(sanitize_core_count(-1), 0);
  EXPECT_EQ(sanitize_core_count(1LL << 40), 0);
}

TEST(DetectMacosParse, ReportedStringsMapToChipTableRows) {
  auto t = match_detected_gpu(choose_gpu_name(std::string("Apple M3 Max\0", 13), ""), sanitize_core_count(30));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->gpu_cores(), 30);
  auto unknown_bin = match_detected_gpu(choose_gpu_name("Apple M1", ""), sanitize_core_count(0));
  ASSERT_TRUE(unknown_bin);
  EXPECT_FALSE(match_detected_gpu(choose_gpu_name("", "VirtualApple @ 2.50GHz processor"), 10));
}

}  // namespace
}  // namespace tmetal::target
