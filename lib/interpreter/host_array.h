// A typed host array (the bytes a kernel's pointer argument points at) with element access as double:
// the values `run`, the interpreter and the e2e tests fill, pass to launch() and compare. f16 and bf16
// conversions round to nearest even, as Metal's do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tmetal::interp {

// Bytes per element of a tile-IR dtype name (f32 f16 bf16 i1 i8 i16 i32 i64); throws std::invalid_argument.
int dtype_bytes(const std::string& dtype);
bool dtype_is_float(const std::string& dtype);

uint16_t float_to_half_bits(float f);
float half_bits_to_float(uint16_t h);
uint16_t float_to_bf16_bits(float f);
float bf16_bits_to_float(uint16_t b);
// `v` rounded to what a `dtype` element can hold (float types round; integer types wrap like C casts).
double round_to_dtype(double v, const std::string& dtype);

class HostArray {
 public:
  HostArray() = default;
  HostArray(std::string dtype, std::size_t count);
  const std::string& dtype() const { return dtype_; }
  std::size_t size() const { return count_; }
  std::size_t bytes() const { return data_.size(); }
  void* data() { return data_.data(); }
  const void* data() const { return data_.data(); }
  double get(std::size_t i) const;
  void set(std::size_t i, double v);  // rounds to the dtype
  // Fills with deterministic pseudo-random values: floats uniform in [lo, hi), integers in [lo, hi].
  void fill_random(uint64_t seed, double lo = -1.0, double hi = 1.0);

 private:
  std::string dtype_;
  std::size_t count_ = 0;
  std::vector<unsigned char> data_;
};

}  // namespace tmetal::interp
