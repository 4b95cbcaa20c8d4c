// Faults and hangs in kernel code end the launch with a LaunchError, never the process: integer division or
// remainder by zero (with kernel, line and thread), the most negative integer divided by -1, a launch past its
// time limit, and interrupt_launches() (what SIGINT calls).
#include "emulator_test_support.h"

#include <chrono>
#include <climits>
#include <thread>

namespace tmetal::test {
namespace {

using ::testing::HasSubstr;

std::string error_of(const runtime::Pipeline& p, const runtime::LaunchConfig& c) {
  try {
    device().launch(p, c);
  } catch (const runtime::LaunchError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Faults, IntegerDivisionByZeroNamesKernelLineAndThread) {
  auto p = pipeline("faults.metal", "int_divide");
  std::vector<int> a(64), b(64, 3);
  for (int i = 0; i < 64; ++i) a[i] = 7 * i - 100;
  b[37] = 0;
  auto c = config({2, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(a));
  c.buffers[1] = runtime::Binding::of(upload(b));
  c.buffers[2] = runtime::Binding::of(upload(std::vector<int>(64, 0)));
  c.buffers[3] = runtime::Binding::of(upload(std::vector<int>(64, 0)));
  std::string e = error_of(*p, c);
  EXPECT_THAT(e, HasSubstr("kernel 'int_divide': integer division or remainder by zero at faults.metal:11"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_grid (37,0,0)"));
  // The remainder alone.
  auto p2 = pipeline("faults.metal", "int_divide");
  b[37] = 3;
  c.buffers[1] = runtime::Binding::of(upload(b));
  auto q = upload(std::vector<int>(64, 0)), r = upload(std::vector<int>(64, 0));
  c.buffers[2] = runtime::Binding::of(q);
  c.buffers[3] = runtime::Binding::of(r);
  ASSERT_NO_THROW(device().launch(*p2, c));  // and the device still works, with C's truncating division
  auto gq = download<int>(q, 64), gr = download<int>(r, 64);
  for (int i = 0; i < 64; ++i) {
    EXPECT_EQ(gq[i], a[i] / 3);
    EXPECT_EQ(gr[i], a[i] % 3);
  }
}

TEST(Faults, DivisionByZeroInFibers) {
  auto p = pipeline("faults.metal", "int_divide_fibers");
  std::vector<std::uint32_t> a(64, 1000), b(64, 7);
  b[50] = 0;
  auto c = config({1, 1, 1}, {64, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(a));
  c.buffers[1] = runtime::Binding::of(upload(b));
  c.buffers[2] = runtime::Binding::of(upload(std::vector<std::uint32_t>(64, 0)));
  std::string e = error_of(*p, c);
  EXPECT_THAT(e, HasSubstr("integer division or remainder by zero at faults.metal:23"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (50,0,0)"));
}

TEST(Faults, MostNegativeDividedByMinusOneIsALaunchError) {
  auto p = pipeline("faults.metal", "int_divide");
  std::vector<int> a(32, 5), b(32, 2);
  a[9] = INT_MIN;
  b[9] = -1;
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(a));
  c.buffers[1] = runtime::Binding::of(upload(b));
  c.buffers[2] = runtime::Binding::of(upload(std::vector<int>(32, 0)));
  c.buffers[3] = runtime::Binding::of(upload(std::vector<int>(32, 0)));
  std::string e = error_of(*p, c);
  EXPECT_THAT(e, HasSubstr("kernel 'int_divide': integer division overflow"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_grid (9,0,0)"));
}

runtime::LaunchConfig spin_config(std::uint32_t groups, std::uint32_t threads) {
  auto c = config({groups, 1, 1}, {threads, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(std::vector<int>(1, 0)));
  c.buffers[1] = runtime::Binding::of(upload(std::vector<int>(groups * threads, 0)));
  return c;
}

TEST(Faults, HangingKernelsStopAtTheTimeLimit) {
  for (const char* entry : {"spin", "spin_barrier"}) {
    auto p = pipeline("faults.metal", entry);
    auto c = spin_config(4, 64);
    c.timeout_seconds = 0.2;
    auto start = std::chrono::steady_clock::now();
    std::string e = error_of(*p, c);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_THAT(e, HasSubstr(std::string("kernel '") + entry + "': the launch ran past its time limit of 0.2 s and was stopped"));
    EXPECT_LT(s, 5.0) << entry;
    EXPECT_GE(s, 0.2) << entry;
  }
  // The device keeps working after abandoning kernel code.
  auto p = pipeline("faults.metal", "int_divide");
  std::vector<int> a(32, 9), b(32, 2);
  auto q = upload(std::vector<int>(32, 0));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(a));
  c.buffers[1] = runtime::Binding::of(upload(b));
  c.buffers[2] = runtime::Binding::of(q);
  c.buffers[3] = runtime::Binding::of(upload(std::vector<int>(32, 0)));
  ASSERT_NO_THROW(device().launch(*p, c));
  EXPECT_EQ(download<int>(q, 32), std::vector<int>(32, 4));
}

TEST(Faults, TimeLimitFromTheEnvironment) {
  auto p = pipeline("faults.metal", "spin");
  setenv("TRITON_METAL_LAUNCH_TIMEOUT", "0.1", 1);
  std::string e = error_of(*p, spin_config(1, 8));
  unsetenv("TRITON_METAL_LAUNCH_TIMEOUT");
  EXPECT_THAT(e, HasSubstr("time limit of 0.1 s"));
}

TEST(Faults, InterruptStopsALaunch) {
  for (const char* entry : {"spin", "spin_barrier"}) {
    auto p = pipeline("faults.metal", entry);
    std::thread interrupter([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      runtime::interrupt_launches();
    });
    bool interrupted = false;
    try {
      device().launch(*p, spin_config(3, 64));
    } catch (const runtime::LaunchInterrupted& e) {
      interrupted = true;
      EXPECT_THAT(e.what(), HasSubstr(std::string("kernel '") + entry + "': the launch was interrupted"));
    }
    interrupter.join();
    EXPECT_TRUE(interrupted) << entry;
  }
}

}  // namespace
}  // namespace tmetal::test
