// Overflow-checked element and byte counts of tensor shapes. Every loader (JSON shapes, .npy headers,
// safetensors entries) and the validator go through these before any size is multiplied or allocated,
// so a hostile shape such as [2^62, 4] or [2^32, 2^32] is an error instead of a wrapped count.
#pragma once

#include "triton_metal/graph.h"

#include <optional>
#include <string>

namespace tmetal::graph {

// The largest tensor a graph may declare: 2^48 bytes (256 TiB), far beyond any Apple GPU's memory, and
// small enough that sums of many such sizes cannot overflow 64 bits.
inline constexpr uint64_t kMaxTensorBytes = uint64_t{1} << 48;

// Element count of `shape`, or nullopt if a dimension is negative or the product overflows 64 bits.
std::optional<uint64_t> checked_numel(const Shape& shape);

// Empty when `shape` of `dtype` is a valid tensor (every dimension at least 1, at most kMaxTensorBytes in
// all); otherwise the reason, e.g. "dimension 1 is 0 (zero-size tensors are not supported)".
std::string tensor_size_problem(const Shape& shape, DType dtype);

}  // namespace tmetal::graph
