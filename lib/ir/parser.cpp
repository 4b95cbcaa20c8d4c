// The tile-IR parser (grammar in parser.h): a character-level recursive-descent reader.
#include "ir/parser.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <unordered_map>

namespace tmetal::ir {
namespace {

// Nesting limit of ops (regions) and types: deeper input (100k nested `module {` or `!tt.ptr<`) is an
// error at its position instead of exhausting the stack.
constexpr int kMaxNesting = 256;

class Parser {
 public:
  Parser(std::string_view text, std::string filename) : s_(text), file_(std::move(filename)) {}

  std::unique_ptr<Operation> top() {
    auto op = parse_op();
    ws();
    if (pos_ != s_.size()) error("unexpected text after the top-level op");
    return op;
  }

  // Counts the nesting of the recursive productions (type, op).
  struct NestingGuard {
    Parser& p;
    explicit NestingGuard(Parser& parser) : p(parser) {
      if (++p.nesting_ > kMaxNesting) p.error(fmt::format("nesting is deeper than {} levels", kMaxNesting));
    }
    ~NestingGuard() { --p.nesting_; }
  };

  Type type() {
    NestingGuard guard(*this);
    ws();
    if (eat("!tt.ptr<")) {
      Type pointee = type();
      int space = 1;
      if (eat(",")) space = static_cast<int>(integer());
      expect(">");
      return Type::pointer(pointee, space);
    }
    if (eat("tensor<")) {
      std::vector<int64_t> shape;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        int64_t d = integer();
        if (d <= 0 || d > (int64_t{1} << 24)) error("tensor dimension out of range");
        shape.push_back(d);
        if (!eat_raw("x")) error("expected 'x' after a tensor dimension");
      }
      Type element = type();
      if (element.is_tensor()) error("tensor of tensors");
      EncodingPtr encoding;
      if (eat(",")) encoding = parse_encoding();
      expect(">");
      return Type::tensor(std::move(shape), element, std::move(encoding));
    }
    size_t at = pos_;
    std::string name = ident();
    if (auto k = scalar_from_name(name)) return Type::scalar(*k);
    pos_ = at;
    error(fmt::format("unknown type '{}'", name));
  }

  void ws() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') ++pos_;
      else if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/')
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      else break;
    }
  }
  bool at_end() { ws(); return pos_ >= s_.size(); }

 private:
  [[noreturn]] void error(const std::string& message) {
    int line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') { ++line; col = 1; } else ++col;
    }
    throw IrParseError(fmt::format("{}:{}:{}: error: {}", file_, line, col, message));
  }

  bool eat_raw(std::string_view t) {
    if (s_.substr(pos_, t.size()) == t) { pos_ += t.size(); return true; }
    return false;
  }
  bool eat(std::string_view t) { ws(); return eat_raw(t); }
  void expect(std::string_view t) {
    if (!eat(t)) error(fmt::format("expected '{}'", t));
  }
  char peek() { ws(); return pos_ < s_.size() ? s_[pos_] : '\0'; }

  static bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$'; }
  std::string ident() {
    ws();
    size_t start = pos_;
    while (pos_ < s_.size() && ident_char(s_[pos_])) ++pos_;
    if (start == pos_) error("expected a name");
    return std::string(s_.substr(start, pos_ - start));
  }
  bool peek_word(std::string_view w) {
    ws();
    return s_.substr(pos_, w.size()) == w && (pos_ + w.size() >= s_.size() || !ident_char(s_[pos_ + w.size()]));
  }

  int64_t integer() {
    ws();
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    std::string text(s_.substr(start, pos_ - start));
    if (text.empty() || text == "-") error("expected an integer");
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno == ERANGE) error("integer out of range");
    return v;
  }

  std::string string_lit() {
    ws();
    if (!eat_raw("\"")) error("expected a string");
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) error("unterminated string");
      char c = s_[pos_++];
      if (c == '"') break;
      if (c != '\\') { out += c; continue; }
      if (pos_ >= s_.size()) error("unterminated string");
      char e = s_[pos_++];
      if (e == 'n') out += '\n';
      else if (e == 't') out += '\t';
      else if (e == 'x') {
        if (pos_ + 2 > s_.size()) error("bad \\x escape");
        std::string hex(s_.substr(pos_, 2));
        char* end = nullptr;
        long v = std::strtol(hex.c_str(), &end, 16);
        if (end != hex.c_str() + 2) error("bad \\x escape");
        out += static_cast<char>(v);
        pos_ += 2;
      } else out += e;
    }
    return out;
  }

  EncodingPtr parse_encoding() {
    expect("#");
    std::string name = ident();
    if (!eat_raw("<")) error("expected '<' after the encoding name");
    size_t start = pos_;
    int depth = 1;
    while (pos_ < s_.size() && depth > 0) {
      if (s_[pos_] == '<') ++depth;
      if (s_[pos_] == '>') --depth;
      ++pos_;
    }
    if (depth) error("unterminated encoding");
    std::string_view body = s_.substr(start, pos_ - 1 - start);
    const EncodingParser* parser = find_encoding_parser(name);
    if (!parser) error(fmt::format("unknown encoding '#{}'", name));
    try {
      return (*parser)(body);
    } catch (const std::exception& e) {
      error(fmt::format("bad '#{}' encoding: {}", name, e.what()));
    }
  }

  Attribute attribute() {
    ws();
    if (peek_word("true")) { ident(); return true; }
    if (peek_word("false")) { ident(); return false; }
    if (peek() == '"') return string_lit();
    if (eat("type<")) {
      Type t = type();
      expect(">");
      return t;
    }
    if (eat("array<")) {
      std::vector<int64_t> values;
      if (!eat(">")) {
        do values.push_back(integer()); while (eat(","));
        expect(">");
      }
      return Attribute::array(std::move(values));
    }
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '-' || s_[pos_] == '+' || s_[pos_] == '.'))
      ++pos_;
    std::string text(s_.substr(start, pos_ - start));
    if (text.empty()) error("expected an attribute value");
    expect(":");
    Type t = type();
    if (t.is_float()) {
      double v;
      if (text == "nan") v = std::nan("");
      else if (text == "inf") v = HUGE_VAL;
      else if (text == "-inf") v = -HUGE_VAL;
      else {
        char* end = nullptr;
        v = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size()) error(fmt::format("bad float '{}'", text));
      }
      return Attribute::real(v, t);
    }
    if (!t.is_int()) error("numeric attributes need an integer or float type");
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (end != text.c_str() + text.size() || errno == ERANGE) error(fmt::format("bad integer '{}'", text));
    return Attribute::integer(v, t);
  }

  AttrDict attr_dict() {
    AttrDict dict;
    expect("{");
    if (eat("}")) return dict;
    do {
      std::string key = ident();
      if (dict.count(key)) error(fmt::format("attribute '{}' given twice", key));
      expect("=");
      dict[key] = attribute();
    } while (eat(","));
    expect("}");
    return dict;
  }

  Location location() {
    expect("loc(");
    if (peek_word("unknown")) {
      ident();
      expect(")");
      return Location::unknown();
    }
    std::string file = string_lit();
    expect(":");
    int line = static_cast<int>(integer());
    expect(":");
    int col = static_cast<int>(integer());
    expect(")");
    auto& shared = files_[file];
    if (!shared) shared = std::make_shared<const std::string>(file);
    return Location::at(shared, line, col);
  }

  std::string value_id() {
    ws();
    if (!eat_raw("%")) error("expected a value ('%name')");
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
    if (start == pos_) error("expected a value name after '%'");
    return std::string(s_.substr(start, pos_ - start));
  }

  Value* use() {
    size_t at = pos_;
    std::string id = value_id();
    if (eat_raw("#")) id += "#" + std::to_string(integer());
    auto it = values_.find(id);
    if (it == values_.end()) {
      pos_ = at;
      ws();
      error(fmt::format("use of undefined value '%{}'", id));
    }
    return it->second;
  }

  void define(const std::string& id, Value* v) {
    if (!values_.emplace(id, v).second) error(fmt::format("value '%{}' defined twice", id));
  }

  void block_args(Block& block) {
    if (!eat("(")) return;
    do {
      std::string id = value_id();
      expect(":");
      define(id, block.add_argument(type()));
    } while (eat(","));
    expect(")");
  }

  void ops_until_brace(Block& block) {
    while (!eat("}")) {
      if (at_end()) error("expected '}'");
      block.push_back(parse_op());
    }
  }

  std::unique_ptr<Operation> parse_op() {
    NestingGuard guard(*this);
    ws();
    if (peek_word("module")) {
      ident();
      AttrDict attrs;
      if (attr_dict_ahead()) attrs = attr_dict();
      auto op = Operation::create(op_info(OpCode::Module), Location::unknown(), {}, {}, std::move(attrs), 1);
      expect("{");
      ops_until_brace(*op->region(0).add_block());
      if (peek_word("loc")) op->set_loc(location());
      return op;
    }
    if (peek_word("tt.func")) return func();

    std::string result_id;
    int64_t result_count = 0;
    if (peek() == '%') {
      result_id = value_id();
      result_count = eat_raw(":") ? integer() : 1;
      if (result_count < 1 || result_count > 1024) error("bad result count");
      expect("=");
    }
    size_t name_at = pos_;
    std::string name = ident();
    const OpInfo* info = find_op(name);
    if (!info) {
      pos_ = name_at;
      ws();
      error(fmt::format("unknown op '{}'", name));
    }
    std::vector<Value*> operands;
    if (peek() == '%') {
      do operands.push_back(use()); while (eat(","));
    }
    AttrDict attrs;
    if (attr_dict_ahead()) attrs = attr_dict();
    std::vector<Type> types;
    if (eat(":")) {
      do types.push_back(type()); while (eat(","));
    }
    if (static_cast<int64_t>(types.size()) != result_count)
      error(fmt::format("'{}' defines {} results but lists {} result types", name, result_count, types.size()));
    std::vector<std::unique_ptr<Block>> blocks;
    while (region_ahead()) {
      expect("{");
      expect("^");
      ident();
      auto block = std::make_unique<Block>(nullptr);
      block_args(*block);
      expect(":");
      ops_until_brace(*block);
      blocks.push_back(std::move(block));
    }
    auto op = Operation::create(info, Location::unknown(), operands, types, std::move(attrs), 0);
    for (auto& block : blocks) op->add_region().append_block(std::move(block));
    if (peek_word("loc")) op->set_loc(location());
    for (int64_t i = 0; i < result_count; ++i)
      define(result_count == 1 ? result_id : fmt::format("{}#{}", result_id, i), op->result(static_cast<size_t>(i)));
    return op;
  }

  bool region_ahead() {
    ws();
    if (pos_ >= s_.size() || s_[pos_] != '{') return false;
    size_t p = pos_ + 1;
    while (p < s_.size() && std::isspace(static_cast<unsigned char>(s_[p]))) ++p;
    return p < s_.size() && s_[p] == '^';
  }

  std::unique_ptr<Operation> func() {
    ident();
    expect("@");
    std::string name = ident();
    values_.clear();
    auto block = std::make_unique<Block>(nullptr);
    expect("(");
    if (!eat(")")) {
      do {
        std::string id = value_id();
        expect(":");
        define(id, block->add_argument(type()));
      } while (eat(","));
      expect(")");
    }
    AttrDict attrs;
    if (attr_dict_ahead()) attrs = attr_dict();
    attrs["sym_name"] = name;
    auto op = Operation::create(op_info(OpCode::Func), Location::unknown(), {}, {}, std::move(attrs), 1);
    expect("{");
    ops_until_brace(*block);
    op->region(0).append_block(std::move(block));
    if (peek_word("loc")) op->set_loc(location());
    return op;
  }

  // At `{`: does an attribute dictionary (`{key = ...`) start here, rather than a body or region?
  bool attr_dict_ahead() {
    ws();
    if (pos_ >= s_.size() || s_[pos_] != '{') return false;
    size_t save = pos_;
    ++pos_;
    ws();
    bool dict = false;
    if (pos_ < s_.size() && ident_char(s_[pos_])) {
      while (pos_ < s_.size() && ident_char(s_[pos_])) ++pos_;
      ws();
      dict = pos_ < s_.size() && s_[pos_] == '=';
    }
    pos_ = save;
    return dict;
  }

  std::string_view s_;
  std::string file_;
  size_t pos_ = 0;
  int nesting_ = 0;
  std::unordered_map<std::string, Value*> values_;
  std::unordered_map<std::string, std::shared_ptr<const std::string>> files_;
};

}  // namespace

std::unique_ptr<Operation> parse_ir(std::string_view text, const std::string& filename) {
  Parser p(text, filename);
  return p.top();
}

Type parse_type(std::string_view text) {
  Parser p(text, "<type>");
  Type t = p.type();
  if (!p.at_end()) throw IrParseError("<type>: error: unexpected text after the type");
  return t;
}

}  // namespace tmetal::ir
