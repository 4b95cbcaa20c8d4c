// Target name resolution (aliases, case, separators, bins), the unknown-target error text, and the
// default target (TRITON_METAL_TARGET, else apple-m3 off macOS).
#include "triton_metal/target.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace tmetal::target {
namespace {

TEST(Resolve, ManySpellingsOfOneChip) {
  for (const char* spelling :
       {"m3-max-40c", "apple-m3-max-40c", "M3 Max", "m3-max", "M3_Max", "m3 max", "APPLE M3 MAX", "Apple M3 Max",
        "m3max", "m3-max-40", "M3 Max 40-core", "m3_max_40c", "apple_m3_max_40core", "m3-max-40-core-gpu",
        "  m3--max  "}) {
    EXPECT_EQ(resolve_target(spelling).name(), "apple-m3-max-40c") << spelling;
  }
}

TEST(Resolve, BaseChipAndBins) {
  EXPECT_EQ(resolve_target("m3").name(), "apple-m3-10c");
  EXPECT_EQ(resolve_target("apple-m3").name(), "apple-m3-10c");
  EXPECT_EQ(resolve_target("M3").name(), "apple-m3-10c");
  EXPECT_EQ(resolve_target("m3-base").name(), "apple-m3-10c");
  EXPECT_EQ(resolve_target("m3-8c").name(), "apple-m3-8c");
  EXPECT_EQ(resolve_target("m1").name(), "apple-m1-8c");
  EXPECT_EQ(resolve_target("m1-7c").name(), "apple-m1-7c");
  EXPECT_EQ(resolve_target("m3-max-30c").name(), "apple-m3-max-30c");
  EXPECT_EQ(resolve_target("M4 Pro").name(), "apple-m4-pro-20c");
  EXPECT_EQ(resolve_target("m4-pro-16c").name(), "apple-m4-pro-16c");
  EXPECT_EQ(resolve_target("m2 ultra").name(), "apple-m2-ultra-76c");
  EXPECT_EQ(resolve_target("M5").name(), "apple-m5-10c");
  EXPECT_EQ(resolve_target("m5-max").name(), "apple-m5-max-40c");
}

TEST(Resolve, EveryCanonicalNameResolvesToItself) {
  for (const auto& name : target_names()) EXPECT_EQ(resolve_target(name).name(), name);
}

TEST(Resolve, UnknownNamesListTheValidOnes) {
  for (const char* bad : {"x", "", "m6", "m3-mega", "m4-ultra", "m3-max-36c", "m3-max-40c-extra", "nvidia-h100",
                          "m3;max", "m3-max-0c", "m3-max-9999c"}) {
    try {
      resolve_target(bad);
      ADD_FAILURE() << "no error for '" << bad << "'";
    } catch (const UnknownTargetError& e) {
      const std::string msg = e.what();
      EXPECT_EQ(e.name(), bad);
      EXPECT_EQ(msg.rfind(std::string("unknown target '") + bad + "'; valid targets: ", 0), 0u) << msg;
      for (const auto& name : target_names()) EXPECT_NE(msg.find(name), std::string::npos) << name;
    }
  }
}

class DefaultTarget : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* v = std::getenv("TRITON_METAL_TARGET")) saved_ = v;
  }
  void TearDown() override {
    if (saved_) setenv("TRITON_METAL_TARGET", saved_->c_str(), 1);
    else unsetenv("TRITON_METAL_TARGET");
  }
  std::optional<std::string> saved_;
};

TEST_F(DefaultTarget, EnvironmentVariableWins) {
  setenv("TRITON_METAL_TARGET", "M2 Pro", 1);
  EXPECT_EQ(default_target().name(), "apple-m2-pro-19c");
}

TEST_F(DefaultTarget, InvalidEnvironmentValueNamesTheVariable) {
  setenv("TRITON_METAL_TARGET", "m9", 1);
  try {
    default_target();
    ADD_FAILURE() << "no error";
  } catch (const UnknownTargetError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown target 'm9' (from TRITON_METAL_TARGET); valid targets: apple-m1-7c"),
              std::string::npos)
        << e.what();
  }
}

#if !defined(__APPLE__)
TEST_F(DefaultTarget, OffMacOsIsAppleM3) {
  unsetenv("TRITON_METAL_TARGET");
  EXPECT_EQ(default_target().name(), "apple-m3-10c");
  setenv("TRITON_METAL_TARGET", "", 1);  // empty counts as unset
  EXPECT_EQ(default_target().name(), "apple-m3-10c");
}
#endif

}  // namespace
}  // namespace tmetal::target
