// The address map of a launch (LaunchConfig::address_map_index): how a kernel turns a host address it read from
// memory (a torch data_ptr(), a NumPy array's address) into a pointer into memory resident for the launch.
// Layout, shared with the emitted MSL (lib/codegen, tm_int_to_ptr): little-endian ulong triples; triple 0 is
// {count, 0, 0}, triple i (1..count) {host_lo, host_hi, device_base} of resident buffer i - 1.
#include "triton_metal/runtime.h"

#include <cstring>

namespace tmetal::runtime {

std::vector<std::uint8_t> address_map_bytes(const std::vector<LaunchConfig::Resident>& resident,
                                            const std::function<std::uint64_t(std::size_t)>& device_base) {
  std::vector<std::uint64_t> words;
  words.reserve(3 * (resident.size() + 1));
  words.insert(words.end(), {static_cast<std::uint64_t>(resident.size()), 0, 0});
  for (std::size_t i = 0; i < resident.size(); ++i) {
    const auto& r = resident[i];
    if (!r.buffer) throw Error("a resident buffer of the launch is null");
    auto lo = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(r.buffer->data()));
    words.insert(words.end(), {lo, lo + r.buffer->size(), device_base(i)});
  }
  std::vector<std::uint8_t> bytes(words.size() * sizeof(std::uint64_t));
  std::memcpy(bytes.data(), words.data(), bytes.size());
  return bytes;
}

}  // namespace tmetal::runtime
