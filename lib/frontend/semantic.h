// Triton's semantics over TValues, emitting tile IR: implicit conversion of Python numbers, type
// promotion (Triton's computation_type_impl / integer_promote_impl), broadcasting, casts, arithmetic
// with Triton's C-style integer division and remainder, comparisons, pointer arithmetic, shape ops,
// memory ops, reductions, scans and dot. Every user error is a CompileError at the current position.
#pragma once

#include "frontend/diagnostic.h"
#include "frontend/tvalue.h"
#include "ir/builder.h"

#include <functional>
#include <optional>

namespace tmetal::frontend {

// Promotion kind of a binary operation's operands.
DT computation_type(DT a, bool a_is_scalar, DT b, bool b_is_scalar, bool div_or_mod);  // throws std::invalid_argument
DT integer_promote(DT a, DT b);

class Semantic {
 public:
  Semantic(ir::Builder& builder, const SourceFile& file) : b_(builder), file_(file) {}

  Pos pos;  // where errors are reported and ops located
  // tl.static_print lines of the kernel being compiled (also printed at compile time): kept on the function as
  // tt.static_prints, which the interpreter device prints at every launch, as Triton's interpreter does.
  std::vector<std::string> static_prints;
  ir::Builder& builder() { return b_; }
  void locate();  // stamps the builder with `pos`
  [[noreturn]] void fail(const std::string& message) const { throw CompileError(pos, message); }

  // Conversions.
  TValue to_tensor(const TValue& x);  // Python numbers → 0-d constants (Triton's to_tensor rules)
  FType literal_type(const TValue& number);  // the type to_tensor gives a Python number
  TValue constant(const TValue& number, FType type);  // a number as a constant of `type` (scalar or splat)
  TValue cast(const TValue& x, DT to, bool bitcast = false);
  // x.to(tl.pointer_type(pointee)): a pointer from a 64-bit integer address (Triton's int_to_ptr), or another
  // pointer reinterpreted. Only scalars: an address per element of a tensor is refused.
  TValue int_to_ptr(const TValue& x, DT pointee);
  // fp8 (semantic_fp8.cpp): bytes converted with integer ops; arithmetic through fp32.
  TValue fp8_to_f32(const TValue& x);
  TValue f32_to_fp8(const TValue& x, DT to, bool toward_zero = false);  // rtne, or rtz
  TValue fp8_cast(const TValue& x, DT to);  // either side fp8, not a bitcast
  DT fp8_promotion(const TValue& a, const TValue& b, bool div_or_mod);  // Triton's result type with an fp8 operand
  std::optional<TValue> fp8_binary(const std::string& op, const TValue& a, const TValue& b);  // nullopt: no fp8 operand
  TValue to_bool(const TValue& x);  // x != 0 for non-i1
  void check_block_shape(const std::vector<int64_t>& shape);

  // Shapes.
  TValue splat(const TValue& x, const std::vector<int64_t>& shape);
  TValue broadcast_to(const TValue& x, const std::vector<int64_t>& shape);
  std::pair<TValue, TValue> broadcast_pair(const TValue& a, const TValue& b);
  TValue expand_dims(const TValue& x, int64_t axis);
  TValue reshape(const TValue& x, const std::vector<int64_t>& shape, bool can_reorder);
  TValue permute(const TValue& x, const std::vector<int64_t>& order);
  TValue join(const TValue& a, const TValue& b);
  std::pair<TValue, TValue> split(const TValue& x);
  TValue arange(int64_t start, int64_t end);
  TValue full(const std::vector<int64_t>& shape, const TValue& value, DT dtype);

  // Arithmetic. `op` is the Python operator spelling: + - * / // % & | ^ << >> < <= > >= == !=
  TValue binary(const std::string& op, const TValue& a, const TValue& b);
  TValue negate(const TValue& x);
  TValue invert(const TValue& x);
  TValue logical_not(const TValue& x);
  TValue logical(const std::string& op, const TValue& a, const TValue& b);  // "and" / "or" on tensors
  TValue minmax(const TValue& a, const TValue& b, bool is_max, bool propagate_nan);
  TValue clamp(const TValue& x, const TValue& lo, const TValue& hi);
  TValue where(const TValue& c, const TValue& a, const TValue& b);
  TValue math_unary(ir::OpCode code, const TValue& x, const std::string& name);  // float math; ints → fp32
  TValue abs(const TValue& x);
  TValue fma(const TValue& a, const TValue& b, const TValue& c);
  TValue umulhi(const TValue& a, const TValue& b);
  TValue fdiv(const TValue& a, const TValue& b, bool ieee_rounding);
  TValue precise_sqrt(const TValue& x);

  // Memory.
  TValue addptr(const TValue& ptr, const TValue& offset);
  TValue load(const TValue& ptr, std::optional<TValue> mask, std::optional<TValue> other, const std::vector<int64_t>& boundary_check,
              const std::string& padding, const std::string& cache, const std::string& evict, bool is_volatile);
  void store(const TValue& ptr, const TValue& value, std::optional<TValue> mask, const std::vector<int64_t>& boundary_check,
             const std::string& cache, const std::string& evict);
  TValue atomic_rmw(const std::string& op, const TValue& ptr, const TValue& val, std::optional<TValue> mask, const std::string& sem, const std::string& scope);
  TValue atomic_cas(const TValue& ptr, const TValue& cmp, const TValue& val, const std::string& sem, const std::string& scope);
  TValue make_block_ptr(const TValue& base, const std::vector<TValue>& shape, const std::vector<TValue>& strides,
                        const std::vector<TValue>& offsets, const std::vector<int64_t>& block_shape, const std::vector<int64_t>& order);
  TValue advance(const TValue& ptr, const std::vector<TValue>& offsets);

  // Reductions and scans. `combine` fills the region: given the block arguments (lhs values then rhs values)
  // it returns the combined values.
  using Combine = std::function<std::vector<TValue>(const std::vector<TValue>& lhs, const std::vector<TValue>& rhs)>;
  std::vector<TValue> reduce(const std::vector<TValue>& inputs, int64_t axis, bool keep_dims, const Combine& combine);
  std::vector<TValue> scan(const std::vector<TValue>& inputs, int64_t axis, bool reverse, const Combine& combine);
  TValue dot(const TValue& a, const TValue& b, std::optional<TValue> acc, const std::string& input_precision, DT out_dtype, int64_t max_imprecise);
  TValue histogram(const TValue& x, int64_t bins);

 private:
  TValue make(ir::OpCode code, const std::vector<const TValue*>& operands, FType result, ir::AttrDict attrs = {});
  TValue cmp(const std::string& op, const TValue& a, const TValue& b);
  std::vector<int64_t> normalize_axis(int64_t axis, size_t rank);

  ir::Builder& b_;
  const SourceFile& file_;
};

}  // namespace tmetal::frontend
