// Two's-complement helpers shared by the folding passes: wrapping to a bit width and reading a value as
// signed or unsigned (the IR's integers are signless; ops say how to read them).
#pragma once

#include <cstdint>

namespace tmetal::transforms {

inline uint64_t width_mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }
inline uint64_t as_unsigned(int64_t v, int bits) { return static_cast<uint64_t>(v) & width_mask(bits); }
// Wraps to `bits` and sign-extends (i1 is kept as 0 or 1).
inline int64_t wrap_signed(int64_t v, int bits) {
  if (bits == 1) return v & 1;
  if (bits >= 64) return v;
  uint64_t u = as_unsigned(v, bits);
  uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((u ^ sign) - sign);
}
inline int64_t as_signed(int64_t v, int bits) { return bits == 1 ? -(v & 1) : wrap_signed(v, bits); }

}  // namespace tmetal::transforms
