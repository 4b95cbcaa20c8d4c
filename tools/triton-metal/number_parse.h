// The one strict number parser of every `triton-metal` subcommand (--grid, --threadgroup, --size, --buffer
// values and fills, --constant, element counts). A number is the whole string (no "4x", no "5abc", no
// "1.5" where an integer is wanted) and must fit the type it goes into: an i32 parameter takes
// [-2^31, 2^31-1], a grid dimension [1, 2^31-1], an f32 value a finite float32 unless written as
// nan/inf. Every failure is a UsageError (exit 2) naming the flag and the text.
#pragma once

#include "command_registry.h"

#include <CLI/CLI.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <string>

namespace tmetal::cli {

// Decimal (or 0x hexadecimal) integer in [min, max]; `what` names the flag, e.g. "--size n".
int64_t parse_integer(const std::string& text, int64_t min, int64_t max, const std::string& what);
uint64_t parse_unsigned(const std::string& text, uint64_t max, const std::string& what);

// A real number (decimal or exponent form; "nan", "inf", "-inf" only when allow_nonfinite).
double parse_real(const std::string& text, bool allow_nonfinite, const std::string& what);

// Bit width and signedness of integer dtype names (i1 i8 i16 i32 i64 u8 u16 u32 u64, bool); nullopt
// for float types.
struct IntRange {
  int64_t min;
  uint64_t max;
};
std::optional<IntRange> integer_range(const std::string& dtype);

// A value for an element or scalar of `dtype`: integers range-checked against the dtype, floats
// checked to be finite in the dtype's range (f32, f16, bf16) unless written nan/inf.
struct TypedValue {
  bool is_float = false;
  int64_t i = 0;   // integer types (u64 values above 2^63 are stored as their two's-complement bits)
  double f = 0;    // float types, and the integer as a double
};
TypedValue parse_value_of_type(const std::string& text, const std::string& dtype, const std::string& what);

// Metal's grid limits: each dimension of a grid of threadgroups is at most 2^31-1 (Triton's program id
// is a 32-bit int), and threadgroups x threads per dimension must stay within 2^32-1 threads.
inline constexpr uint64_t kMaxGridDimension = (uint64_t{1} << 31) - 1;
inline constexpr uint64_t kMaxThreadsPerDimension = (uint64_t{1} << 32) - 1;

// X[,Y[,Z]] of positive integers, each at most `max` (missing dimensions are 1).
std::array<uint32_t, 3> parse_dims(const std::string& text, uint64_t max, const std::string& what);

// A CLI11 option whose value goes through the strict parser above, range-checked to [min, max] (CLI11's own
// conversion accepts "-1" for an unsigned option and wraps it).
template <typename T>
CLI::Option* add_number_option(CLI::App& app, const std::string& flags, T& out, T min, T max, const std::string& description) {
  std::string name = flags.substr(0, flags.find(','));
  return app.add_option_function<std::string>(
      flags,
      [&out, name, min, max](const std::string& text) {
        if constexpr (std::is_unsigned_v<T>) {
          uint64_t v = parse_unsigned(text, max, name);
          if (v < min) throw UsageError(name + ": '" + text + "' is below " + std::to_string(min));
          out = static_cast<T>(v);
        } else {
          out = static_cast<T>(parse_integer(text, min, max, name));
        }
      },
      description);
}

}  // namespace tmetal::cli
