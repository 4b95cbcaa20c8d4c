// Zero-copy or copy decision for wrapped host memory (see buffer_wrapping.h).
#include "runtime/metal/buffer_wrapping.h"

#include "triton_metal/runtime.h"

#include <fmt/core.h>

#include <cstdint>

namespace tmetal::runtime::metal {

WrapDecision decide_wrap(const void* data, std::size_t bytes, std::size_t page_size, std::size_t max_length) {
  if (bytes == 0 || data == nullptr) throw Error("cannot wrap an empty host array in a Metal buffer");
  if (page_size == 0 || (page_size & (page_size - 1)) != 0) throw Error(fmt::format("page size {} is not a power of two", page_size));
  if (bytes > max_length)
    throw Error(fmt::format("a host array of {} bytes is larger than this GPU's largest buffer ({} bytes)", bytes, max_length));
  auto address = reinterpret_cast<std::uintptr_t>(data);
  if (address % page_size == 0) {
    std::size_t rounded = (bytes + page_size - 1) / page_size * page_size;
    if (rounded <= max_length) return {WrapMode::NoCopy, rounded};
  }
  return {WrapMode::Copy, bytes};
}

}  // namespace tmetal::runtime::metal
