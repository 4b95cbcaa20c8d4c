// How the Metal device turns caller-owned memory (a NumPy array, a host vector) into an MTLBuffer: memory that
// starts on a page boundary is wrapped in place (newBufferWithBytesNoCopy needs a page-aligned pointer and a
// length that covers whole pages: the length is rounded up to the page, which is mapped because the array's
// last byte lies in it); anything else is copied into a shared buffer before each launch and copied back after
// it for parameters the kernel may write, so writes always land in the caller's memory.
#pragma once

#include <cstddef>
#include <string>

namespace tmetal::runtime::metal {

enum class WrapMode { NoCopy, Copy };

struct WrapDecision {
  WrapMode mode = WrapMode::Copy;
  std::size_t length = 0;  // bytes of the MTLBuffer to create
};

// Throws Error for zero bytes, a zero or non-power-of-two page size, or a length over `max_length`.
WrapDecision decide_wrap(const void* data, std::size_t bytes, std::size_t page_size, std::size_t max_length);

}  // namespace tmetal::runtime::metal
