// Memory reached by address (LaunchConfig::resident, address_map_index): a pointer made from an integer finds
// the resident buffer it points into and is bounds-checked against it; an address in no buffer is reported at
// the first access; the address map the device binds maps each resident buffer's host range to itself.
#include "emulator_test_support.h"

namespace tmetal::test {
namespace {

using ::testing::HasSubstr;

const char* kFollow = R"(#include <metal_stdlib>
using namespace metal;
kernel void follow(device const long* table [[buffer(0)]], device float* out [[buffer(1)]],
                   constant int& n [[buffer(2)]], const device ulong* map [[buffer(3)]],
                   uint gid [[thread_position_in_grid]]) {
  ulong a = ulong(table[0]);
  device float* p = (device float*)(a);            // an address, as the program stored it
  for (ulong i = 1; i <= map[0]; ++i)               // translated through the map (identity on the emulator)
    if (a >= map[3 * i] && a < map[3 * i + 1]) p = (device float*)(map[3 * i + 2] + (a - map[3 * i]));
  out[gid] = p[gid + uint(n)];
}
)";

std::shared_ptr<runtime::Pipeline> follow() {
  runtime::CompileOptions o;
  o.file_name = "follow.metal";
  static auto p = device().compile(kFollow, "follow", o);
  return p;
}

struct Launch {
  std::vector<float> data = random_floats(64, 7);
  std::vector<std::int64_t> table{static_cast<std::int64_t>(reinterpret_cast<std::uintptr_t>(data.data()))};
  std::shared_ptr<runtime::Buffer> out = device().allocate(32 * 4);
  runtime::LaunchConfig cfg = config({1, 1, 1}, {32, 1, 1});
  explicit Launch(int n, bool resident = true) {
    cfg.buffers[0] = runtime::Binding::of(device().wrap(table.data(), 8));
    cfg.buffers[1] = runtime::Binding::of(out);
    cfg.buffers[2] = runtime::Binding::value(std::int32_t{n});
    if (resident) cfg.resident.push_back({device().wrap(data.data(), data.size() * 4), "tensor storage"});
    cfg.address_map_index = 3;
  }
};

TEST(ResidentMemory, PointersFromIntegersReadResidentMemory) {
  Launch l(32);
  device().launch(*follow(), l.cfg);
  auto out = l.out->as<float>();
  for (int i = 0; i < 32; ++i) ASSERT_EQ(out[i], l.data[32 + i]) << i;
}

TEST(ResidentMemory, AnAccessPastTheResidentBufferNamesItAndTheElement) {
  Launch l(33);  // thread 31 reads element 64 of 64
  std::string e;
  try {
    device().launch(*follow(), l.cfg);
  } catch (const runtime::LaunchError& x) {
    e = x.what();
  }
  EXPECT_THAT(e, HasSubstr("out-of-bounds access to tensor storage (reached by address) at element 64"));
  EXPECT_THAT(e, HasSubstr("it has 256 bytes"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_grid (31,0,0)"));
}

TEST(ResidentMemory, AnAddressOfNoBufferIsReportedNeverFollowed) {
  Launch l(0, /*resident=*/false);  // the host memory exists, but it is not resident for the launch
  std::string e;
  try {
    device().launch(*follow(), l.cfg);
  } catch (const runtime::LaunchError& x) {
    e = x.what();
  }
  EXPECT_THAT(e, HasSubstr("access through a pointer that points into no buffer or threadgroup memory"));
  EXPECT_THAT(e, HasSubstr("a pointer made from an integer must point into an array bound to the launch or reachable by address"));
}

TEST(ResidentMemory, AddressMapBytesListTheResidentRanges) {
  std::vector<float> a(4), b(10);
  std::vector<runtime::LaunchConfig::Resident> r = {{device().wrap(a.data(), 16), "a"}, {device().wrap(b.data(), 40), "b"}};
  std::vector<std::uint8_t> bytes = runtime::address_map_bytes(r, [](std::size_t i) { return 1000 + i; });
  ASSERT_EQ(bytes.size(), 9 * 8u);
  std::uint64_t w[9];
  std::memcpy(w, bytes.data(), sizeof w);
  EXPECT_EQ(w[0], 2u);
  EXPECT_EQ(w[3], reinterpret_cast<std::uintptr_t>(a.data()));
  EXPECT_EQ(w[4], w[3] + 16);
  EXPECT_EQ(w[5], 1000u);
  EXPECT_EQ(w[6], reinterpret_cast<std::uintptr_t>(b.data()));
  EXPECT_EQ(w[7], w[6] + 40);
  EXPECT_EQ(w[8], 1001u);
}

}  // namespace
}  // namespace tmetal::test
