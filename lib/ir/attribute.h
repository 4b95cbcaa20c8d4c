// Attributes of tile-IR operations: typed integers and floats (`16 : i32`, `1.5 : f32`), booleans, strings,
// types, and integer arrays (`array<i32: 1, 0>`). Ops keep them in a name-sorted dictionary.
#pragma once

#include "ir/type.h"

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace tmetal::ir {

struct IntAttr {
  int64_t value = 0;
  Type type;  // an integer scalar type
  bool operator==(const IntAttr& o) const { return value == o.value && type == o.type; }
};
struct FloatAttr {
  double value = 0;
  Type type;  // a float scalar type
  bool operator==(const FloatAttr& o) const;  // bitwise on the double (so NaN == NaN)
};
struct ArrayAttr {
  std::vector<int64_t> values;
  bool operator==(const ArrayAttr& o) const { return values == o.values; }
};

class Attribute {
 public:
  using Storage = std::variant<std::monostate, IntAttr, FloatAttr, bool, std::string, Type, ArrayAttr>;

  Attribute() = default;
  Attribute(IntAttr v) : v_(std::move(v)) {}
  Attribute(FloatAttr v) : v_(std::move(v)) {}
  Attribute(bool v) : v_(v) {}
  Attribute(std::string v) : v_(std::move(v)) {}
  Attribute(const char* v) : v_(std::string(v)) {}
  Attribute(Type v) : v_(std::move(v)) {}
  Attribute(ArrayAttr v) : v_(std::move(v)) {}
  static Attribute integer(int64_t value, Type type = Type::i32()) { return IntAttr{value, std::move(type)}; }
  static Attribute real(double value, Type type = Type::f32()) { return FloatAttr{value, std::move(type)}; }
  static Attribute array(std::vector<int64_t> values) { return ArrayAttr{std::move(values)}; }

  template <class T> bool is() const { return std::holds_alternative<T>(v_); }
  template <class T> const T& get() const { return std::get<T>(v_); }
  explicit operator bool() const { return !is<std::monostate>(); }
  const Storage& storage() const { return v_; }

  std::string str() const;
  bool operator==(const Attribute& o) const { return v_ == o.v_; }
  bool operator!=(const Attribute& o) const { return !(v_ == o.v_); }

 private:
  Storage v_;
};

using AttrDict = std::map<std::string, Attribute>;

std::string quote_string(const std::string& s);  // "..." with C escapes
std::string format_double(double v);            // shortest text that parses back to the same double

}  // namespace tmetal::ir
