// Host-side conversions between float and the bits of Metal's 16-bit floats, `half` (IEEE binary16) and
// `bfloat` (the top half of a binary32), both rounded to nearest even (a bfloat NaN stays a quiet NaN).
// Independent of the emulator's own half/bfloat (metal_rt), so tests can check it: the emulate command fills
// and prints 16-bit buffers with these, and the end-to-end tests build their references with them.
#pragma once

#include <cstdint>
#include <cstring>

namespace tmetal::runtime {

inline std::uint16_t to_f16(float f) {
  _Float16 h = static_cast<_Float16>(f);
  std::uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}

inline float from_f16(std::uint16_t b) {
  _Float16 h;
  std::memcpy(&h, &b, 2);
  return static_cast<float>(h);
}

inline std::uint16_t to_bf16(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<std::uint16_t>(u >> 16);
}

inline float from_bf16(std::uint16_t b) {
  std::uint32_t u = std::uint32_t{b} << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

}  // namespace tmetal::runtime
