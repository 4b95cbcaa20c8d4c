// Type storage, construction, printing and structural equality for the tile IR (see type.h).
#include "ir/type.h"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <stdexcept>

namespace tmetal::ir {

struct TypeStorage {
  Type::Kind kind = Type::Kind::None;
  ScalarKind scalar = ScalarKind::I32;
  Type inner;  // pointee or element
  int address_space = 1;
  std::vector<int64_t> shape;
  EncodingPtr encoding;
};

namespace {
constexpr std::string_view kScalarNames[] = {"i1", "i8", "i16", "i32", "i64", "f16", "bf16", "f32"};
constexpr int kScalarBits[] = {1, 8, 16, 32, 64, 16, 16, 32};

std::map<std::string, EncodingParser>& encoding_parsers() {
  static std::map<std::string, EncodingParser> parsers;
  return parsers;
}
std::mutex& encoding_mutex() {
  static std::mutex m;
  return m;
}
}  // namespace

std::string_view scalar_name(ScalarKind kind) { return kScalarNames[static_cast<int>(kind)]; }
std::optional<ScalarKind> scalar_from_name(std::string_view name) {
  for (int i = 0; i < 8; ++i)
    if (kScalarNames[i] == name) return static_cast<ScalarKind>(i);
  return std::nullopt;
}
int scalar_bits(ScalarKind kind) { return kScalarBits[static_cast<int>(kind)]; }
bool scalar_is_int(ScalarKind kind) { return kind <= ScalarKind::I64; }
bool scalar_is_float(ScalarKind kind) { return kind >= ScalarKind::F16; }

void register_encoding_parser(const std::string& name, EncodingParser parser) {
  std::lock_guard lock(encoding_mutex());
  encoding_parsers()[name] = std::move(parser);
}
const EncodingParser* find_encoding_parser(const std::string& name) {
  std::lock_guard lock(encoding_mutex());
  auto it = encoding_parsers().find(name);
  return it == encoding_parsers().end() ? nullptr : &it->second;
}

bool is_power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

Type Type::scalar(ScalarKind kind) {
  static const std::shared_ptr<const TypeStorage> cache[8] = {
#define TM_SCALAR(K) std::make_shared<const TypeStorage>(TypeStorage{Kind::Scalar, ScalarKind::K, {}, 1, {}, nullptr})
      TM_SCALAR(I1), TM_SCALAR(I8), TM_SCALAR(I16), TM_SCALAR(I32),
      TM_SCALAR(I64), TM_SCALAR(F16), TM_SCALAR(BF16), TM_SCALAR(F32)
#undef TM_SCALAR
  };
  return Type(cache[static_cast<int>(kind)]);
}

Type Type::pointer(Type pointee, int address_space) {
  auto s = std::make_shared<TypeStorage>();
  s->kind = Kind::Pointer;
  s->inner = std::move(pointee);
  s->address_space = address_space;
  return Type(std::move(s));
}

Type Type::tensor(std::vector<int64_t> shape, Type element, EncodingPtr encoding) {
  auto s = std::make_shared<TypeStorage>();
  s->kind = Kind::Tensor;
  s->inner = std::move(element);
  s->shape = std::move(shape);
  s->encoding = std::move(encoding);
  return Type(std::move(s));
}

Type::Kind Type::kind() const { return storage_ ? storage_->kind : Kind::None; }
bool Type::is_int() const { return is_scalar() && scalar_is_int(storage_->scalar); }
bool Type::is_float() const { return is_scalar() && scalar_is_float(storage_->scalar); }

ScalarKind Type::scalar_kind() const {
  if (!is_scalar()) throw std::logic_error("scalar_kind() of non-scalar type " + str());
  return storage_->scalar;
}
int Type::bits() const { return scalar_bits(scalar_kind()); }
Type Type::pointee() const {
  if (!is_pointer()) throw std::logic_error("pointee() of non-pointer type " + str());
  return storage_->inner;
}
int Type::address_space() const { return is_pointer() ? storage_->address_space : 0; }
const std::vector<int64_t>& Type::shape() const {
  static const std::vector<int64_t> empty;
  return is_tensor() ? storage_->shape : empty;
}
Type Type::element() const { return is_tensor() ? storage_->inner : *this; }
const EncodingPtr& Type::encoding() const {
  static const EncodingPtr none;
  return is_tensor() ? storage_->encoding : none;
}
int64_t Type::num_elements() const {
  int64_t n = 1;
  for (int64_t d : shape()) n *= d;
  return n;
}

Type Type::with_element(Type element) const {
  if (!is_tensor()) return element;
  return tensor(storage_->shape, std::move(element), storage_->encoding);
}
Type Type::with_encoding(EncodingPtr encoding) const {
  if (!is_tensor()) throw std::logic_error("with_encoding() of non-tensor type " + str());
  return tensor(storage_->shape, storage_->inner, std::move(encoding));
}

std::string Type::str() const {
  switch (kind()) {
    case Kind::None: return "<<null type>>";
    case Kind::Scalar: return std::string(scalar_name(storage_->scalar));
    case Kind::Pointer:
      if (storage_->address_space != 1) return fmt::format("!tt.ptr<{}, {}>", storage_->inner.str(), storage_->address_space);
      return fmt::format("!tt.ptr<{}>", storage_->inner.str());
    case Kind::Tensor: {
      std::string out = "tensor<";
      for (int64_t d : storage_->shape) out += fmt::format("{}x", d);
      out += storage_->inner.str();
      if (storage_->encoding) out += fmt::format(", #{}<{}>", storage_->encoding->name(), storage_->encoding->body());
      return out + ">";
    }
  }
  return "";
}

bool Type::operator==(const Type& other) const {
  if (storage_ == other.storage_) return true;
  if (!storage_ || !other.storage_ || storage_->kind != other.storage_->kind) return false;
  switch (storage_->kind) {
    case Kind::None: return true;
    case Kind::Scalar: return storage_->scalar == other.storage_->scalar;
    case Kind::Pointer:
      return storage_->address_space == other.storage_->address_space && storage_->inner == other.storage_->inner;
    case Kind::Tensor: {
      if (storage_->shape != other.storage_->shape || storage_->inner != other.storage_->inner) return false;
      const auto& a = storage_->encoding;
      const auto& b = other.storage_->encoding;
      if (!a || !b) return !a && !b;
      return a->name() == b->name() && a->equals(*b);
    }
  }
  return false;
}

}  // namespace tmetal::ir
