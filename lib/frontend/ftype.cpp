// Front-end dtypes and their mapping to tile-IR types (see ftype.h).
#include "frontend/ftype.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace tmetal::frontend {

bool dt_is_int(DT d) { return d <= DT::U64; }
bool dt_is_float(DT d) { return d >= DT::F16 && d <= DT::F64; }
bool dt_is_fp8(DT d) { return d >= DT::F8E4NV; }
bool dt_is_signed(DT d) { return d <= DT::I64; }
bool dt_is_unsigned(DT d) { return d >= DT::U8 && d <= DT::U64; }
int dt_bits(DT d) {
  static const int bits[] = {1, 8, 16, 32, 64, 8, 16, 32, 64, 16, 16, 32, 64, 8, 8, 8, 8, 8};
  return bits[static_cast<int>(d)];
}
int dt_kind(DT d) { return d == DT::I1 ? 0 : dt_is_unsigned(d) ? 1 : dt_is_int(d) ? 2 : 3; }

std::string dt_name(DT d) {
  static const char* names[] = {"int1", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "fp16", "bf16", "fp32", "fp64",
                                "fp8e4nv", "fp8e5", "fp8e4b15", "fp8e4b8", "fp8e5b16"};
  return names[static_cast<int>(d)];
}

std::optional<DT> dt_from_name(const std::string& n) {
  static const std::map<std::string, DT> names = {
      {"i1", DT::I1}, {"int1", DT::I1}, {"bool", DT::I1}, {"i8", DT::I8}, {"int8", DT::I8}, {"i16", DT::I16},
      {"int16", DT::I16}, {"i32", DT::I32}, {"int32", DT::I32}, {"i64", DT::I64}, {"int64", DT::I64},
      {"u8", DT::U8}, {"uint8", DT::U8}, {"u16", DT::U16}, {"uint16", DT::U16}, {"u32", DT::U32},
      {"uint32", DT::U32}, {"u64", DT::U64}, {"uint64", DT::U64}, {"fp16", DT::F16}, {"float16", DT::F16},
      {"f16", DT::F16}, {"bf16", DT::BF16}, {"bfloat16", DT::BF16}, {"fp32", DT::F32}, {"float32", DT::F32},
      {"f32", DT::F32}, {"fp64", DT::F64}, {"float64", DT::F64}, {"f64", DT::F64},
      {"fp8e4nv", DT::F8E4NV}, {"float8e4nv", DT::F8E4NV}, {"fp8e5", DT::F8E5}, {"float8e5", DT::F8E5},
      {"fp8e4b15", DT::F8E4B15}, {"float8e4b15", DT::F8E4B15}, {"fp8e4b8", DT::F8E4B8}, {"float8e4b8", DT::F8E4B8},
      {"fp8e5b16", DT::F8E5B16}, {"float8e5b16", DT::F8E5B16}};
  auto it = names.find(n);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

ir::ScalarKind dt_ir(DT d) {
  using K = ir::ScalarKind;
  switch (d) {
    case DT::I1: return K::I1;
    case DT::I8: case DT::U8: return K::I8;
    case DT::F8E4NV: case DT::F8E5: case DT::F8E4B15: case DT::F8E4B8: case DT::F8E5B16: return K::I8;  // bytes
    case DT::I16: case DT::U16: return K::I16;
    case DT::I32: case DT::U32: return K::I32;
    case DT::I64: case DT::U64: return K::I64;
    case DT::F16: return K::F16;
    case DT::BF16: return K::BF16;
    default: return K::F32;  // F64 never reaches the IR: the front end rejects it first
  }
}

ir::Type FType::ir_type() const {
  ir::Type scalar = ir::Type::scalar(dt_ir(dt));
  ir::Type elem = scalar;
  if (kind == Kind::Pointer) elem = ir::Type::pointer(scalar);
  if (kind == Kind::BlockPointer) elem = ir::Type::pointer(ir::Type::tensor(block, scalar));
  return shape.empty() ? elem : ir::Type::tensor(shape, elem);
}

std::string FType::str() const {
  std::string e = dt_name(dt);
  if (kind == Kind::Pointer) e = "pointer<" + e + ">";
  if (kind == Kind::BlockPointer) e = fmt::format("pointer<<{}, {}>>", block, e);
  return shape.empty() ? e : fmt::format("<{}, {}>", shape, e);
}

}  // namespace tmetal::frontend
