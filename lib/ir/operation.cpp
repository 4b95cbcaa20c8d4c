// Values, blocks, regions and operations of the tile IR: construction, use lists, mutation, walks, cloning.
#include "ir/operation.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace tmetal::ir {

std::string Location::str() const {
  if (!file) return "loc(unknown)";
  return fmt::format("loc({}:{}:{})", quote_string(*file), line, col);
}

// ---- Value ----

Block* Value::parent_block() const { return def_ ? def_->parent_block() : block_; }

void Value::remove_user(Operation* op) {
  auto it = std::find(users_.begin(), users_.end(), op);
  if (it != users_.end()) users_.erase(it);
}

void Value::replace_all_uses_with(Value* other) {
  if (other == this) return;
  std::vector<Operation*> users = users_;
  for (Operation* user : users) {
    for (size_t i = 0; i < user->num_operands(); ++i)
      if (user->operand(i) == this) user->set_operand(i, other);
  }
}

// ---- Region ----

Block* Region::add_block() {
  blocks_.push_back(std::make_unique<Block>(this));
  return blocks_.back().get();
}

std::unique_ptr<Block> Region::take_block(size_t i) {
  auto block = std::move(blocks_[i]);
  blocks_.erase(blocks_.begin() + static_cast<long>(i));
  block->parent_ = nullptr;
  return block;
}

void Region::append_block(std::unique_ptr<Block> block) {
  block->parent_ = this;
  blocks_.push_back(std::move(block));
}

// ---- Block ----

Block::~Block() {
  // Drop all operand references first so that destruction order inside the block does not matter.
  for (auto& op : ops_) op->drop_all_references();
  while (!ops_.empty()) ops_.pop_back();
}

Value* Block::add_argument(Type type) {
  args_.push_back(std::unique_ptr<Value>(new Value(std::move(type), nullptr, this, static_cast<unsigned>(args_.size()))));
  return args_.back().get();
}

std::vector<Value*> Block::arguments() const {
  std::vector<Value*> out;
  for (auto& a : args_) out.push_back(a.get());
  return out;
}

void Block::erase_argument(size_t i) {
  if (!args_[i]->use_empty()) throw std::logic_error("erasing a block argument that is still used");
  args_.erase(args_.begin() + static_cast<long>(i));
  for (size_t k = 0; k < args_.size(); ++k) args_[k]->index_ = static_cast<unsigned>(k);
}

Operation* Block::terminator() const {
  Operation* last = back();
  return last && last->has_trait(trait::T) ? last : nullptr;
}

Operation* Block::push_back(std::unique_ptr<Operation> op) { return insert(ops_.end(), std::move(op)); }

Operation* Block::insert(iterator before, std::unique_ptr<Operation> op) {
  Operation* raw = op.get();
  raw->parent_ = this;
  raw->self_ = ops_.insert(before, std::move(op));
  return raw;
}

std::unique_ptr<Operation> Block::remove(Operation* op) {
  if (op->parent_ != this) throw std::logic_error("removing an op from a block that does not hold it");
  auto owned = std::move(*op->self_);
  ops_.erase(op->self_);
  op->parent_ = nullptr;
  return owned;
}

// ---- Operation ----

std::unique_ptr<Operation> Operation::create(const OpInfo* info, Location loc, const std::vector<Value*>& operands,
                                             const std::vector<Type>& result_types, AttrDict attrs,
                                             unsigned num_regions) {
  std::unique_ptr<Operation> op(new Operation(info, std::move(loc)));
  for (Value* v : operands) op->add_operand(v);
  for (const Type& t : result_types) op->add_result(t);
  op->attrs_ = std::move(attrs);
  for (unsigned i = 0; i < num_regions; ++i) op->regions_.push_back(std::make_unique<Region>(op.get()));
  return op;
}

Operation::~Operation() {
  drop_all_references();
  regions_.clear();
}

void Operation::set_operand(size_t i, Value* v) {
  if (operands_[i]) operands_[i]->remove_user(this);
  operands_[i] = v;
  if (v) v->add_user(this);
}

void Operation::set_operands(const std::vector<Value*>& values) {
  for (Value* v : operands_)
    if (v) v->remove_user(this);
  operands_.clear();
  for (Value* v : values) add_operand(v);
}

void Operation::add_operand(Value* v) {
  operands_.push_back(v);
  if (v) v->add_user(this);
}

void Operation::erase_operand(size_t i) {
  if (operands_[i]) operands_[i]->remove_user(this);
  operands_.erase(operands_.begin() + static_cast<long>(i));
}

Region& Operation::add_region() {
  regions_.push_back(std::make_unique<Region>(this));
  return *regions_.back();
}

std::vector<Value*> Operation::results() const {
  std::vector<Value*> out;
  for (auto& r : results_) out.push_back(r.get());
  return out;
}

Value* Operation::add_result(Type type) {
  results_.push_back(std::unique_ptr<Value>(new Value(std::move(type), this, nullptr, static_cast<unsigned>(results_.size()))));
  return results_.back().get();
}

void Operation::erase_result(size_t i) {
  if (!results_[i]->use_empty()) throw std::logic_error("erasing a result that is still used");
  results_.erase(results_.begin() + static_cast<long>(i));
  for (size_t k = 0; k < results_.size(); ++k) results_[k]->index_ = static_cast<unsigned>(k);
}

const Attribute* Operation::attr(const std::string& name) const {
  auto it = attrs_.find(name);
  return it == attrs_.end() ? nullptr : &it->second;
}

int64_t Operation::int_attr(const std::string& name, int64_t fallback) const {
  const Attribute* a = attr(name);
  if (a && a->is<IntAttr>()) return a->get<IntAttr>().value;
  if (a && a->is<bool>()) return a->get<bool>();
  return fallback;
}

std::string Operation::str_attr(const std::string& name, std::string fallback) const {
  const Attribute* a = attr(name);
  return a && a->is<std::string>() ? a->get<std::string>() : fallback;
}

std::vector<int64_t> Operation::array_attr(const std::string& name) const {
  const Attribute* a = attr(name);
  return a && a->is<ArrayAttr>() ? a->get<ArrayAttr>().values : std::vector<int64_t>{};
}

bool Operation::is_ancestor_of(const Operation* other) const {
  for (const Operation* p = other ? other->parent_op() : nullptr; p; p = p->parent_op())
    if (p == this) return true;
  return false;
}

Operation* Operation::next() const {
  if (!parent_) return nullptr;
  auto it = std::next(self_);
  return it == parent_->ops().end() ? nullptr : it->get();
}

Operation* Operation::prev() const {
  if (!parent_ || self_ == parent_->ops().begin()) return nullptr;
  return std::prev(self_)->get();
}

void Operation::erase() {
  for (auto& r : results_)
    if (!r->use_empty()) throw std::logic_error(fmt::format("erasing '{}' whose result is still used", name()));
  if (parent_) parent_->remove(this);  // the returned unique_ptr destroys the op
}

void Operation::move_before(Operation* other) {
  auto owned = parent_->remove(this);
  other->parent_->insert(other->self_, std::move(owned));
}

void Operation::drop_all_references() {
  for (Value* v : operands_)
    if (v) v->remove_user(this);
  operands_.clear();
  for (auto& region : regions_)
    for (size_t b = 0; b < region->num_blocks(); ++b)
      for (auto& op : region->block(b).ops()) op->drop_all_references();
}

void Operation::walk(const std::function<void(Operation*)>& fn) {
  for (auto& region : regions_)
    for (size_t b = 0; b < region->num_blocks(); ++b) {
      auto& ops = region->block(b).ops();
      for (auto it = ops.begin(); it != ops.end();) {
        Operation* op = it->get();
        ++it;
        op->walk(fn);
      }
    }
  fn(this);
}

void Operation::walk_pre(const std::function<void(Operation*)>& fn) {
  fn(this);
  for (auto& region : regions_)
    for (size_t b = 0; b < region->num_blocks(); ++b)
      for (auto& op : region->block(b).ops()) op->walk_pre(fn);
}

std::unique_ptr<Operation> Operation::clone(ValueMap& map) const {
  std::vector<Value*> operands;
  for (Value* v : operands_) {
    auto it = map.find(v);
    operands.push_back(it == map.end() ? v : it->second);
  }
  std::vector<Type> types;
  for (auto& r : results_) types.push_back(r->type());
  auto op = create(info_, loc_, operands, types, attrs_, static_cast<unsigned>(regions_.size()));
  for (size_t i = 0; i < results_.size(); ++i) map[results_[i].get()] = op->result(i);
  for (size_t r = 0; r < regions_.size(); ++r) {
    for (size_t b = 0; b < regions_[r]->num_blocks(); ++b) {
      const Block& src = regions_[r]->block(b);
      Block* dst = op->regions_[r]->add_block();
      for (size_t a = 0; a < src.num_arguments(); ++a) map[src.argument(a)] = dst->add_argument(src.argument(a)->type());
      clone_block_into(src, *dst, dst->ops().end(), map, false);
    }
  }
  return op;
}

void clone_block_into(const Block& src, Block& dest, Block::iterator before, ValueMap& map, bool skip_terminator) {
  for (auto& op : src.ops()) {
    if (skip_terminator && op->has_trait(trait::T) && op.get() == src.back()) break;
    dest.insert(before, op->clone(map));
  }
}

}  // namespace tmetal::ir
