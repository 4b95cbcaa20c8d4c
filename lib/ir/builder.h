// Builder: creates tile-IR ops at an insertion point, stamping each with the current source location.
//
//   Builder b(&func.body());
//   b.set_loc(loc);
//   Value* x = b.value(OpCode::AddI, {lhs, rhs}, lhs->type());
//   Operation* loop = b.create(OpCode::For, {lb, ub, step, init}, {init->type()}, {}, /*regions=*/1);
#pragma once

#include "ir/operation.h"

namespace tmetal::ir {

class Builder {
 public:
  Builder() = default;
  explicit Builder(Block* block) { set_insertion_point_to_end(block); }

  void set_insertion_point_to_end(Block* block) {
    block_ = block;
    at_ = block->ops().end();
  }
  void set_insertion_point(Operation* before) {
    block_ = before->parent_block();
    at_ = before->position();
  }
  void set_insertion_point_after(Operation* op) {
    block_ = op->parent_block();
    at_ = std::next(op->position());
  }
  Block* block() const { return block_; }
  Block::iterator insertion_point() const { return at_; }

  void set_loc(Location loc) { loc_ = std::move(loc); }
  const Location& loc() const { return loc_; }

  Operation* insert(std::unique_ptr<Operation> op) { return block_->insert(at_, std::move(op)); }

  // Creates an op; each region gets one empty block (add its arguments with region(i).front().add_argument).
  Operation* create(const OpInfo* info, const std::vector<Value*>& operands, const std::vector<Type>& results,
                    AttrDict attrs = {}, unsigned num_regions = 0);
  Operation* create(OpCode code, const std::vector<Value*>& operands, const std::vector<Type>& results,
                    AttrDict attrs = {}, unsigned num_regions = 0) {
    return create(op_info(code), operands, results, std::move(attrs), num_regions);
  }
  // Creates a single-result op and returns its result.
  Value* value(OpCode code, const std::vector<Value*>& operands, Type result, AttrDict attrs = {}) {
    return create(code, operands, {std::move(result)}, std::move(attrs))->result();
  }

  // `arith.constant`; `type` may be a scalar or a tensor (a splat constant).
  Value* constant_int(int64_t v, Type type);
  Value* constant_float(double v, Type type);

 private:
  Block* block_ = nullptr;
  Block::iterator at_;
  Location loc_;
};

// Reads an `arith.constant`'s value: true when `v` is defined by a constant (scalar or splat).
bool constant_int_value(const Value* v, int64_t& out);
bool constant_float_value(const Value* v, double& out);

}  // namespace tmetal::ir
