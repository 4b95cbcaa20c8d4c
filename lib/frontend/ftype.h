// Front-end types: Triton dtypes with signedness (int1..uint64, fp16, bf16, fp32; fp64 exists only to be
// rejected; the five fp8 formats are stored as bytes and converted in software, see semantic_fp8.cpp),
// pointers to them, block pointers, and block shapes. They map onto the signless tile-IR
// types; signedness decides which IR ops the front end emits (divsi/divui, extsi/extui, cmpi slt/ult ...).
#pragma once

#include "ir/type.h"

#include <optional>
#include <string>
#include <vector>

namespace tmetal::frontend {

enum class DT : uint8_t { I1, I8, I16, I32, I64, U8, U16, U32, U64, F16, BF16, F32, F64, F8E4NV, F8E5, F8E4B15, F8E4B8, F8E5B16 };

bool dt_is_int(DT d);
bool dt_is_float(DT d);  // fp16, bf16, fp32, fp64: the types with float IR ops (not fp8)
bool dt_is_fp8(DT d);    // fp8e4nv, fp8e5, fp8e4b15, fp8e4b8, fp8e5b16: bytes in the IR
bool dt_is_signed(DT d);  // signed ints (i1 counts as signed, as in Triton)
bool dt_is_unsigned(DT d);
int dt_bits(DT d);
int dt_kind(DT d);  // promotion kind: 0 bool, 1 uint, 2 int, 3 float
std::string dt_name(DT d);  // Triton spelling: int32, uint8, fp16, bf16, fp32 ...
std::optional<DT> dt_from_name(const std::string& name);  // accepts i32/int32/u8/uint8/fp16/float16/bf16/bfloat16/fp32/float32/f32 ...
ir::ScalarKind dt_ir(DT d);

struct FType {
  enum class Kind : uint8_t { Scalar, Pointer, BlockPointer };
  Kind kind = Kind::Scalar;
  DT dt = DT::I32;                  // the scalar, or the pointee scalar
  std::vector<int64_t> block;       // block pointers: the block shape
  std::vector<int64_t> shape;       // empty: a 0-d (scalar) value

  static FType scalar(DT d) { return {Kind::Scalar, d, {}, {}}; }
  static FType pointer(DT d) { return {Kind::Pointer, d, {}, {}}; }
  bool is_ptr() const { return kind == Kind::Pointer; }
  bool is_block_ptr() const { return kind == Kind::BlockPointer; }
  bool is_scalar_kind() const { return kind == Kind::Scalar; }
  bool is_int() const { return kind == Kind::Scalar && dt_is_int(dt); }
  bool is_float() const { return kind == Kind::Scalar && dt_is_float(dt); }
  bool is_fp8() const { return kind == Kind::Scalar && dt_is_fp8(dt); }
  bool is_bool() const { return kind == Kind::Scalar && dt == DT::I1; }
  bool is_tensor() const { return !shape.empty(); }
  FType element() const { FType e = *this; e.shape.clear(); return e; }
  FType with_shape(std::vector<int64_t> s) const { FType e = *this; e.shape = std::move(s); return e; }
  FType with_dt(DT d) const { FType e = *this; e.kind = Kind::Scalar; e.block.clear(); e.dt = d; return e; }

  ir::Type ir_type() const;
  std::string str() const;  // e.g. "fp32", "pointer<fp16>", "<[16, 16], fp32>"
  bool operator==(const FType& o) const { return kind == o.kind && dt == o.dt && block == o.block && shape == o.shape; }
  bool operator!=(const FType& o) const { return !(*this == o); }
};

}  // namespace tmetal::frontend
