// Element types of graph tensors: names, sizes, and rounding a float64 value to what a dtype stores.
#include "triton_metal/graph.h"

#include <cmath>
#include <limits>

namespace tmetal::graph {
namespace {
struct DTypeInfo {
  DType dtype;
  const char* name;
  int64_t bytes;
  bool is_float;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F32, "f32", 4, true},  {DType::F16, "f16", 2, true}, {DType::BF16, "bf16", 2, true},
    {DType::I32, "i32", 4, false}, {DType::I64, "i64", 8, false}, {DType::I8, "i8", 1, false},
    {DType::U8, "u8", 1, false},   {DType::Bool, "bool", 1, false},
};
const DTypeInfo& info(DType dtype) {
  for (const auto& d : kDTypes)
    if (d.dtype == dtype) return d;
  return kDTypes[0];
}

// Rounds x to `bits` significant bits (round to nearest even), flushing below 2^min_exp to a fixed
// quantum (subnormals) and overflowing beyond max_finite to infinity.
double round_significand(double x, int bits, int min_exp, double max_finite) {
  if (!std::isfinite(x) || x == 0.0) return x;
  int e = 0;
  std::frexp(x, &e);  // |x| = m * 2^e with m in [0.5, 1)
  int quantum_exp = std::max(e, min_exp + 1) - bits;
  double r = std::ldexp(std::nearbyint(std::ldexp(x, -quantum_exp)), quantum_exp);
  if (std::fabs(r) > max_finite) return std::copysign(std::numeric_limits<double>::infinity(), x);
  return r;
}
}  // namespace

std::optional<DType> parse_dtype(std::string_view name) {
  for (const auto& d : kDTypes)
    if (name == d.name) return d.dtype;
  if (name == "float32") return DType::F32;
  if (name == "float16") return DType::F16;
  if (name == "bfloat16") return DType::BF16;
  if (name == "int32") return DType::I32;
  if (name == "int64") return DType::I64;
  return std::nullopt;
}
std::string dtype_name(DType dtype) { return info(dtype).name; }
int64_t dtype_bytes(DType dtype) { return info(dtype).bytes; }
bool is_float(DType dtype) { return info(dtype).is_float; }

double round_to_dtype(double x, DType dtype) {
  switch (dtype) {
    case DType::F32: return static_cast<double>(static_cast<float>(x));
    case DType::F16: return round_significand(x, 11, -14, 65504.0);
    case DType::BF16: return round_significand(static_cast<float>(x), 8, -126, 3.3895313892515355e38);
    case DType::Bool: return x != 0.0 ? 1.0 : 0.0;
    default: return std::isfinite(x) ? std::trunc(x) : 0.0;
  }
}

int64_t numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}
std::string shape_str(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace tmetal::graph
