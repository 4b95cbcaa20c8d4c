// make_device("metal"): on Apple platforms the real Metal device; elsewhere a clear error that names the
// devices this build has.
#include "triton_metal/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tmetal::runtime {
namespace {

#if !defined(__APPLE__)
TEST(MakeDevice, MetalOffMacosNamesTheAvailableDevices) {
  try {
    make_device("metal");
    FAIL() << "a metal device on a non-Apple platform";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("the metal device runs on macOS only"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("this build has: emulator"));
  }
}
#else
TEST(MakeDevice, MetalOnMacosIsTheMetalDevice) {
  auto d = make_device("metal");
  EXPECT_EQ(d->name(), "metal");
}
#endif

TEST(MakeDevice, UnknownNamesListTheAvailableDevices) {
  try {
    make_device("tpu");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("unknown device 'tpu' (available: emulator"));
  }
}

}  // namespace
}  // namespace tmetal::runtime
