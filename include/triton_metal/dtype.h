// Scalar element types shared by every layer (tile IR, GPU lowering, cost model): the types Triton kernels
// use that Metal can hold. f64 is deliberately absent: Apple GPUs have no double precision.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tmetal {

enum class DType : std::uint8_t { i1, i8, i16, i32, i64, f16, bf16, f32 };

inline constexpr DType kAllDTypes[] = {DType::i1,  DType::i8,   DType::i16, DType::i32,
                                       DType::i64, DType::f16, DType::bf16, DType::f32};

// Storage size in bytes (i1 is stored as one byte, as MSL `bool`).
constexpr int dtype_size(DType t) {
  switch (t) {
    case DType::i1:
    case DType::i8: return 1;
    case DType::i16:
    case DType::f16:
    case DType::bf16: return 2;
    case DType::i32:
    case DType::f32: return 4;
    case DType::i64: return 8;
  }
  return 0;
}

constexpr bool dtype_is_float(DType t) { return t == DType::f16 || t == DType::bf16 || t == DType::f32; }
constexpr bool dtype_is_int(DType t) { return !dtype_is_float(t); }

// The spelling used in tile IR and on the command line: "i32", "bf16", ...
constexpr std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::i1: return "i1";
    case DType::i8: return "i8";
    case DType::i16: return "i16";
    case DType::i32: return "i32";
    case DType::i64: return "i64";
    case DType::f16: return "f16";
    case DType::bf16: return "bf16";
    case DType::f32: return "f32";
  }
  return "?";
}

// Inverse of dtype_name; nullopt for anything else (including "f64").
constexpr std::optional<DType> parse_dtype(std::string_view name) {
  for (DType t : kAllDTypes) {
    if (dtype_name(t) == name) return t;
  }
  return std::nullopt;
}

}  // namespace tmetal
