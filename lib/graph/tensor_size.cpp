// Overflow-checked shape sizes (see tensor_size.h).
#include "tensor_size.h"

#include <fmt/core.h>

namespace tmetal::graph {

std::optional<uint64_t> checked_numel(const Shape& shape) {
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) return std::nullopt;
    if (__builtin_mul_overflow(n, static_cast<uint64_t>(d), &n)) return std::nullopt;
  }
  return n;
}

std::string tensor_size_problem(const Shape& shape, DType dtype) {
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) return fmt::format("dimension {} is negative ({})", i, shape[i]);
    if (shape[i] == 0) return fmt::format("dimension {} of shape {} is 0 (zero-size tensors are not supported)", i, shape_str(shape));
  }
  auto n = checked_numel(shape);
  uint64_t bytes = 0;
  if (!n || __builtin_mul_overflow(*n, static_cast<uint64_t>(dtype_bytes(dtype)), &bytes) || bytes > kMaxTensorBytes)
    return fmt::format("shape {} of {} is larger than {} bytes (256 TiB)", shape_str(shape), dtype_name(dtype), kMaxTensorBytes);
  return "";
}

}  // namespace tmetal::graph
