// Types of the tile IR: scalars (i1 i8 i16 i32 i64 f16 bf16 f32), pointers (!tt.ptr<T>) and tensors
// (tensor<16x32xf32> with power-of-two shapes and an optional layout encoding such as `#gpu.blocked<...>`).
//
// A Type is a cheap value handle to immutable shared storage; equality is structural. The encoding slot is
// opaque to lib/ir: later stages subclass Encoding and register a parser for its `#name<...>` text.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tmetal::ir {

enum class ScalarKind : uint8_t { I1, I8, I16, I32, I64, F16, BF16, F32 };

std::string_view scalar_name(ScalarKind kind);
std::optional<ScalarKind> scalar_from_name(std::string_view name);
int scalar_bits(ScalarKind kind);
bool scalar_is_int(ScalarKind kind);
bool scalar_is_float(ScalarKind kind);

// A layout attached to a tensor type by a later stage (e.g. lib/gpu's blocked layout). Printed as
// `#name<body>`; `name()` is the registry key its parser is found under.
class Encoding {
 public:
  virtual ~Encoding() = default;
  virtual std::string name() const = 0;  // e.g. "gpu.blocked"
  virtual std::string body() const = 0;  // text between the angle brackets (balanced <> only)
  virtual bool equals(const Encoding& other) const = 0;
};
using EncodingPtr = std::shared_ptr<const Encoding>;

// Parses the body of `#name<body>` into an encoding; throws std::runtime_error with a reason on bad text.
using EncodingParser = std::function<EncodingPtr(std::string_view body)>;
void register_encoding_parser(const std::string& name, EncodingParser parser);
const EncodingParser* find_encoding_parser(const std::string& name);

struct TypeStorage;

class Type {
 public:
  enum class Kind : uint8_t { None, Scalar, Pointer, Tensor };

  Type() = default;  // the null type (no type)
  static Type scalar(ScalarKind kind);
  static Type i1() { return scalar(ScalarKind::I1); }
  static Type i32() { return scalar(ScalarKind::I32); }
  static Type i64() { return scalar(ScalarKind::I64); }
  static Type f32() { return scalar(ScalarKind::F32); }
  static Type pointer(Type pointee, int address_space = 1);
  static Type tensor(std::vector<int64_t> shape, Type element, EncodingPtr encoding = nullptr);

  Kind kind() const;
  explicit operator bool() const { return storage_ != nullptr; }
  bool is_scalar() const { return kind() == Kind::Scalar; }
  bool is_pointer() const { return kind() == Kind::Pointer; }
  bool is_tensor() const { return kind() == Kind::Tensor; }
  bool is_int() const;    // scalar integer (i1 included)
  bool is_float() const;  // scalar float

  ScalarKind scalar_kind() const;        // scalars only
  int bits() const;                      // scalars only
  Type pointee() const;                  // pointers only
  int address_space() const;             // pointers only
  const std::vector<int64_t>& shape() const;  // tensors only
  Type element() const;                  // tensors: element type; others: itself
  const EncodingPtr& encoding() const;   // tensors only (may be null)
  int64_t num_elements() const;          // tensors: product of shape; others 1

  // The same shape (and encoding) with another element type; scalars/pointers: `element` itself.
  Type with_element(Type element) const;
  Type with_encoding(EncodingPtr encoding) const;  // tensors only

  std::string str() const;
  bool operator==(const Type& other) const;
  bool operator!=(const Type& other) const { return !(*this == other); }

 private:
  explicit Type(std::shared_ptr<const TypeStorage> storage) : storage_(std::move(storage)) {}
  std::shared_ptr<const TypeStorage> storage_;
};

bool is_power_of_two(int64_t n);

}  // namespace tmetal::ir
