// Typed host arrays and the f16/bf16 conversions (round to nearest even).
#include "interpreter/host_array.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>

namespace tmetal::interp {

int dtype_bytes(const std::string& t) {
  if (t == "f32" || t == "i32") return 4;
  if (t == "f16" || t == "bf16" || t == "i16") return 2;
  if (t == "i8" || t == "i1") return 1;
  if (t == "i64") return 8;
  throw std::invalid_argument(fmt::format("unsupported element type '{}'", t));
}

bool dtype_is_float(const std::string& t) { return t == "f32" || t == "f16" || t == "bf16"; }

uint16_t float_to_half_bits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u) return static_cast<uint16_t>(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0));
  if (absx >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to infinity
  if (absx < 0x38800000u) {  // subnormal half (or zero)
    float a;
    std::memcpy(&a, &absx, 4);
    float scaled = a * 16777216.0f;  // 2^24: units of the smallest subnormal
    auto m = static_cast<uint32_t>(std::nearbyint(scaled));
    return static_cast<uint16_t>(sign | m);
  }
  uint32_t exp = ((absx >> 23) - 127 + 15) << 10;
  uint32_t mant = absx & 0x7fffffu;
  uint32_t h = exp | (mant >> 13);
  uint32_t rest = mant & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1))) ++h;
  return static_cast<uint16_t>(sign | h);
}

float half_bits_to_float(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16;
  int exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ffu;
  float f;
  if (exp == 0) {
    f = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -f : f;
  }
  uint32_t x = exp == 31 ? (sign | 0x7f800000u | (mant << 13)) : (sign | (static_cast<uint32_t>(exp - 15 + 127) << 23) | (mant << 13));
  std::memcpy(&f, &x, 4);
  return f;
}

uint16_t float_to_bf16_bits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7f800000u) == 0x7f800000u) return static_cast<uint16_t>(x >> 16 | ((x & 0xffff) ? 0x40 : 0));
  x += 0x7fffu + ((x >> 16) & 1u);
  return static_cast<uint16_t>(x >> 16);
}

float bf16_bits_to_float(uint16_t b) {
  uint32_t x = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

double round_to_dtype(double v, const std::string& t) {
  if (t == "f32") return static_cast<float>(v);
  if (t == "f16") return half_bits_to_float(float_to_half_bits(static_cast<float>(v)));
  if (t == "bf16") return bf16_bits_to_float(float_to_bf16_bits(static_cast<float>(v)));
  if (t == "i1") return v != 0 ? 1 : 0;
  if (std::isnan(v) || std::isinf(v)) return 0;
  auto i = static_cast<int64_t>(v);
  if (t == "i8") return static_cast<int8_t>(i);
  if (t == "i16") return static_cast<int16_t>(i);
  if (t == "i32") return static_cast<int32_t>(i);
  return static_cast<double>(i);
}

HostArray::HostArray(std::string dtype, std::size_t count) : dtype_(std::move(dtype)), count_(count) {
  data_.assign(count * dtype_bytes(dtype_), 0);
}

double HostArray::get(std::size_t i) const {
  const unsigned char* p = data_.data() + i * dtype_bytes(dtype_);
  if (dtype_ == "f32") { float f; std::memcpy(&f, p, 4); return f; }
  if (dtype_ == "f16") { uint16_t h; std::memcpy(&h, p, 2); return half_bits_to_float(h); }
  if (dtype_ == "bf16") { uint16_t h; std::memcpy(&h, p, 2); return bf16_bits_to_float(h); }
  if (dtype_ == "i32") { int32_t x; std::memcpy(&x, p, 4); return x; }
  if (dtype_ == "i64") { int64_t x; std::memcpy(&x, p, 8); return static_cast<double>(x); }
  if (dtype_ == "i16") { int16_t x; std::memcpy(&x, p, 2); return x; }
  if (dtype_ == "i8") { return static_cast<int8_t>(*p); }
  return *p ? 1 : 0;
}

void HostArray::set(std::size_t i, double v) {
  unsigned char* p = data_.data() + i * dtype_bytes(dtype_);
  double r = round_to_dtype(v, dtype_);
  if (dtype_ == "f32") { float f = static_cast<float>(r); std::memcpy(p, &f, 4); }
  else if (dtype_ == "f16") { uint16_t h = float_to_half_bits(static_cast<float>(r)); std::memcpy(p, &h, 2); }
  else if (dtype_ == "bf16") { uint16_t h = float_to_bf16_bits(static_cast<float>(r)); std::memcpy(p, &h, 2); }
  else if (dtype_ == "i32") { auto x = static_cast<int32_t>(r); std::memcpy(p, &x, 4); }
  else if (dtype_ == "i64") { auto x = static_cast<int64_t>(r); std::memcpy(p, &x, 8); }
  else if (dtype_ == "i16") { auto x = static_cast<int16_t>(r); std::memcpy(p, &x, 2); }
  else if (dtype_ == "i8") { auto x = static_cast<int8_t>(r); std::memcpy(p, &x, 1); }
  else *p = r != 0;
}

void HostArray::fill_random(uint64_t seed, double lo, double hi) {
  std::mt19937_64 rng(seed);
  if (dtype_is_float(dtype_)) {
    std::uniform_real_distribution<double> d(lo, hi);
    for (std::size_t i = 0; i < count_; ++i) set(i, d(rng));
  } else {
    std::uniform_int_distribution<int64_t> d(static_cast<int64_t>(lo), static_cast<int64_t>(hi));
    for (std::size_t i = 0; i < count_; ++i) set(i, static_cast<double>(d(rng)));
  }
}

}  // namespace tmetal::interp
