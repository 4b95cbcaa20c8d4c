// The core of the tile IR: SSA values, operations, blocks and regions (MLIR-like, deliberately small).
//
// An Operation has an op kind (OpInfo), operands (Values defined elsewhere), results (Values it owns),
// a name-sorted attribute dictionary, nested regions and a source location. A Region holds blocks (the
// tile IR uses one block per region: structured control flow only); a Block holds block arguments and an
// ordered list of operations. Values track their users so passes can replace all uses.
#pragma once

#include "ir/attribute.h"
#include "ir/location.h"
#include "ir/op_info.h"
#include "ir/type.h"

#include <functional>
#include <list>
#include <memory>
#include <unordered_map>
#include <vector>

namespace tmetal::ir {

class Block;
class Operation;
class Region;

class Value {
 public:
  Type type() const { return type_; }
  void set_type(Type t) { type_ = std::move(t); }
  Operation* defining_op() const { return def_; }  // null for block arguments
  Block* owner_block() const { return block_; }    // for block arguments
  bool is_block_arg() const { return def_ == nullptr; }
  unsigned index() const { return index_; }  // result number or argument number
  Block* parent_block() const;                // block this value is defined in

  // One entry per operand slot that uses this value (an op using it twice appears twice).
  const std::vector<Operation*>& users() const { return users_; }
  bool use_empty() const { return users_.empty(); }
  void replace_all_uses_with(Value* other);

 private:
  friend class Operation;
  friend class Block;
  Value(Type type, Operation* def, Block* block, unsigned index) : type_(std::move(type)), def_(def), block_(block), index_(index) {}
  void add_user(Operation* op) { users_.push_back(op); }
  void remove_user(Operation* op);

  Type type_;
  Operation* def_;
  Block* block_;
  unsigned index_;
  std::vector<Operation*> users_;
};

using ValueMap = std::unordered_map<const Value*, Value*>;

class Region {
 public:
  explicit Region(Operation* parent) : parent_(parent) {}
  Operation* parent_op() const { return parent_; }
  bool empty() const { return blocks_.empty(); }
  size_t num_blocks() const { return blocks_.size(); }
  Block& front() { return *blocks_.front(); }
  const Block& front() const { return *blocks_.front(); }
  Block& block(size_t i) { return *blocks_[i]; }
  const Block& block(size_t i) const { return *blocks_[i]; }
  Block* add_block();
  std::unique_ptr<Block> take_block(size_t i);
  void append_block(std::unique_ptr<Block> block);

 private:
  Operation* parent_;
  std::vector<std::unique_ptr<Block>> blocks_;
};

class Block {
 public:
  using OpList = std::list<std::unique_ptr<Operation>>;
  using iterator = OpList::iterator;

  explicit Block(Region* parent) : parent_(parent) {}
  ~Block();
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  Region* parent_region() const { return parent_; }
  Operation* parent_op() const { return parent_ ? parent_->parent_op() : nullptr; }

  Value* add_argument(Type type);
  size_t num_arguments() const { return args_.size(); }
  Value* argument(size_t i) const { return args_[i].get(); }
  std::vector<Value*> arguments() const;
  void erase_argument(size_t i);  // the argument must be unused

  OpList& ops() { return ops_; }
  const OpList& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }
  Operation* front() const { return ops_.empty() ? nullptr : ops_.front().get(); }
  Operation* back() const { return ops_.empty() ? nullptr : ops_.back().get(); }
  Operation* terminator() const;  // the last op if it is a terminator, else null

  Operation* push_back(std::unique_ptr<Operation> op);
  Operation* insert(iterator before, std::unique_ptr<Operation> op);
  std::unique_ptr<Operation> remove(Operation* op);  // unlinks and hands back ownership

 private:
  friend class Region;
  Region* parent_;
  std::vector<std::unique_ptr<Value>> args_;
  OpList ops_;
};

class Operation {
 public:
  static std::unique_ptr<Operation> create(const OpInfo* info, Location loc, const std::vector<Value*>& operands,
                                           const std::vector<Type>& result_types, AttrDict attrs = {},
                                           unsigned num_regions = 0);
  ~Operation();
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

  const OpInfo& info() const { return *info_; }
  const std::string& name() const { return info_->name; }
  OpCode code() const { return info_->code; }
  bool is(OpCode c) const { return info_->code == c; }
  bool has_trait(uint32_t t) const { return info_->has(t); }

  // Operands.
  size_t num_operands() const { return operands_.size(); }
  Value* operand(size_t i) const { return operands_[i]; }
  const std::vector<Value*>& operands() const { return operands_; }
  void set_operand(size_t i, Value* v);
  void set_operands(const std::vector<Value*>& values);
  void add_operand(Value* v);
  void erase_operand(size_t i);

  // Results.
  size_t num_results() const { return results_.size(); }
  Value* result(size_t i = 0) const { return results_[i].get(); }
  std::vector<Value*> results() const;
  Value* add_result(Type type);
  void erase_result(size_t i);  // the result must be unused

  // Attributes.
  const AttrDict& attrs() const { return attrs_; }
  const Attribute* attr(const std::string& name) const;
  bool has_attr(const std::string& name) const { return attr(name) != nullptr; }
  void set_attr(const std::string& name, Attribute value) { attrs_[name] = std::move(value); }
  void remove_attr(const std::string& name) { attrs_.erase(name); }
  int64_t int_attr(const std::string& name, int64_t fallback = 0) const;   // IntAttr value or fallback
  std::string str_attr(const std::string& name, std::string fallback = "") const;
  std::vector<int64_t> array_attr(const std::string& name) const;

  // Regions.
  size_t num_regions() const { return regions_.size(); }
  Region& region(size_t i) { return *regions_[i]; }
  const Region& region(size_t i) const { return *regions_[i]; }
  Region& add_region();
  Block& body(size_t i = 0) { return regions_[i]->front(); }  // the single block of region i
  const Block& body(size_t i = 0) const { return regions_[i]->front(); }

  const Location& loc() const { return loc_; }
  void set_loc(Location loc) { loc_ = std::move(loc); }
  Block* parent_block() const { return parent_; }
  Operation* parent_op() const { return parent_ ? parent_->parent_op() : nullptr; }
  bool is_ancestor_of(const Operation* other) const;  // other is nested (at any depth) in this op

  // Position in the parent block (valid while the op is in a block).
  Block::iterator position() const { return self_; }
  Operation* next() const;
  Operation* prev() const;

  // Erases this op from its parent block; its results must be unused.
  void erase();
  void move_before(Operation* other);  // unlinks and reinserts before `other` (any block)
  void drop_all_references();          // clears operands in this op and its nested ops

  // Visits this op and all nested ops, children before parents (post-order). The callback may erase
  // the op it is given.
  void walk(const std::function<void(Operation*)>& fn);
  void walk_pre(const std::function<void(Operation*)>& fn);  // parents before children

  // Deep copy; operands are looked up in `map` (unmapped operands stay as they are) and the map is
  // extended with this op's results and nested values.
  std::unique_ptr<Operation> clone(ValueMap& map) const;

 private:
  friend class Block;
  Operation(const OpInfo* info, Location loc) : info_(info), loc_(std::move(loc)) {}

  const OpInfo* info_;
  Location loc_;
  std::vector<Value*> operands_;
  std::vector<std::unique_ptr<Value>> results_;
  AttrDict attrs_;
  std::vector<std::unique_ptr<Region>> regions_;
  Block* parent_ = nullptr;
  Block::iterator self_;
};

// Clones the ops of `src` (all but its terminator when `skip_terminator`) before `before` in `dest`.
void clone_block_into(const Block& src, Block& dest, Block::iterator before, ValueMap& map, bool skip_terminator);

}  // namespace tmetal::ir
