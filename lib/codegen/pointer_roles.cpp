// Pointer roles of a kernel: which kernel arguments each pointer value derives from (through addptr, splat,
// broadcast, reshapes, bitcasts, block pointers, loop-carried values, scf.if / scf.while results and
// selects), which arguments are read, written or both (the launch metadata's roles), and which are only read:
// those are emitted `const device T*`, so the Metal compiler may cache them and the emulator counts their
// accesses as reads. The analysis is conservative: when a pointer value's origin cannot be traced, or one
// value may point into several arguments, none of those arguments is const (the kernel stays valid MSL: a
// const pointer is never assigned to a non-const one).
#include "codegen/msl_emitter.h"
#include "gpu/convert_layout_op.h"

#include <fmt/format.h>

#include <functional>

namespace tmetal::codegen {

namespace {
bool carries_pointer(const ir::Value* v) { return v->type().element().is_pointer(); }
}  // namespace

void Emitter::analyse_pointer_roles() {
  ir::Block& body = func_.body();
  arg_of_.clear();
  for (size_t i = 0; i < body.num_arguments(); ++i)
    if (body.argument(i)->type().is_pointer()) arg_of_[body.argument(i)] = {static_cast<int>(i)};
  bool untraced = false;  // a pointer value of unknown origin exists
  auto merge = [&](const ir::Value* to, const ir::Value* from) {
    auto it = arg_of_.find(from);
    if (it == arg_of_.end()) return;
    auto& set = arg_of_[to];
    set.insert(it->second.begin(), it->second.end());
  };
  // Two passes: loop-carried values (scf.while's before arguments yielded from the after region) reach
  // their uses a second time around.
  for (int pass = 0; pass < 2; ++pass) {
    func_.walk_pre([&](ir::Operation* op) {
      using ir::OpCode;
      if (op->is(OpCode::For)) {
        for (size_t i = 3; i < op->num_operands(); ++i) {
          merge(op->body().argument(i - 2), op->operand(i));
          merge(op->result(i - 3), op->operand(i));
        }
      }
      if (op->is(OpCode::While)) {
        for (size_t i = 0; i < op->num_operands() && i < op->body(0).num_arguments(); ++i)
          merge(op->body(0).argument(i), op->operand(i));
      }
      if (op->is(OpCode::Yield) && op->parent_op()) {
        ir::Operation* p = op->parent_op();
        if (p->is(OpCode::For)) {
          for (size_t i = 0; i < op->num_operands(); ++i) {
            merge(p->body().argument(1 + i), op->operand(i));
            merge(p->result(i), op->operand(i));
          }
        } else if (p->is(OpCode::If)) {
          for (size_t i = 0; i < op->num_operands() && i < p->num_results(); ++i) merge(p->result(i), op->operand(i));
        } else if (p->is(OpCode::While)) {
          for (size_t i = 0; i < op->num_operands() && i < p->body(0).num_arguments(); ++i)
            merge(p->body(0).argument(i), op->operand(i));
        }
      }
      if (op->is(OpCode::Condition) && op->parent_op() && op->parent_op()->is(OpCode::While)) {
        ir::Operation* p = op->parent_op();
        for (size_t i = 1; i < op->num_operands() && i - 1 < p->num_results(); ++i) {
          merge(p->result(i - 1), op->operand(i));
          if (i - 1 < p->body(1).num_arguments()) merge(p->body(1).argument(i - 1), op->operand(i));
        }
      }
      if ((op->is(OpCode::AddPtr) || op->is(OpCode::Splat) || op->is(OpCode::Broadcast) || op->is(OpCode::ExpandDims) ||
           op->is(OpCode::Reshape) || op->is(OpCode::Trans) || op->is(OpCode::Advance) || op->is(OpCode::MakeTensorPtr) ||
           op->is(OpCode::Bitcast) || gpu::is_convert_layout(*op)) &&
          op->num_operands() > 0 && op->num_results() == 1)
        merge(op->result(), op->operand(0));
      if (op->is(OpCode::Select) && op->num_operands() == 3) {
        merge(op->result(), op->operand(1));
        merge(op->result(), op->operand(2));
      }
    });
  }
  // Every pointer value (results and block arguments) must be traced for const to be safe.
  std::function<void(ir::Operation&)> check = [&](ir::Operation& op) {
    for (const ir::Value* r : op.results())
      if (carries_pointer(r) && !arg_of_.count(r)) untraced = true;
    for (size_t g = 0; g < op.num_regions(); ++g)
      for (size_t b = 0; b < op.region(g).num_blocks(); ++b) {
        ir::Block& blk = op.region(g).block(b);
        for (size_t a = 0; a < blk.num_arguments(); ++a)
          if (carries_pointer(blk.argument(a)) && !arg_of_.count(blk.argument(a)) && &op != &func_) untraced = true;
        for (auto& inner : blk.ops()) check(*inner);
      }
  };
  check(func_);
  std::vector<bool> shared(args_.size(), false);  // one value may point into this and another argument
  for (auto& [v, set] : arg_of_)
    if (set.size() > 1)
      for (int a : set) shared[a] = true;
  func_.walk_pre([&](ir::Operation* op) {
    using ir::OpCode;
    bool load = op->is(OpCode::Load), store = op->is(OpCode::Store);
    bool atomic = op->is(OpCode::AtomicRMW) || op->is(OpCode::AtomicCAS);
    if (!(load || store || atomic) || op->num_operands() == 0) return;
    auto it = arg_of_.find(op->operand(0));
    if (it == arg_of_.end()) {
      if (!load) untraced = true;
      return;
    }
    for (int a : it->second) {
      if (load || atomic) args_[a].read = true;
      if (store || atomic) args_[a].written = true;
    }
  });
  const_args_.assign(args_.size(), false);
  for (size_t i = 0; i < args_.size(); ++i)
    const_args_[i] = args_[i].pointer && args_[i].read && !args_[i].written && !untraced && !shared[i];

  // 32-bit offsets: every tensor of pointers starts as a splat of a scalar pointer that derives from one
  // argument of the same element type. Its offsets are then element indices into that argument's buffer,
  // computed in wrapping 32-bit (uint) arithmetic: addition and multiplication modulo 2^32 agree with the
  // exact 64-bit (Triton) values modulo 2^32, so every offset that is dereferenced, an index in [0, 2^32)
  // because it is in bounds, is exact when the buffer has fewer than 2^32 elements. Launches check that
  // (BufferArg::max_elements, lib/driver). Masked-off elements may wrap: they are never dereferenced.
  // Block pointers (tt.make_tensor_ptr) likewise: their base derives from one argument of the same element
  // type, and their offsets, shape and strides are held as uint (tm_block_ptr<T, R, uint>).
  bool traced = true;
  func_.walk_pre([&](ir::Operation* op) {
    bool splat = op->is(ir::OpCode::Splat) && op->num_results() == 1 && op->result()->type().is_tensor() &&
                 op->result()->type().element().is_pointer();
    if (!splat && !(op->is(ir::OpCode::MakeTensorPtr) && op->num_operands() > 0)) return;
    const ir::Value* root = memory_root(op->operand(0));
    if (!root || !(root->type().pointee() == op->operand(0)->type().pointee())) traced = false;
  });
  offsets32_ = traced;
  if (offsets32_)
    for (auto& a : args_)
      if (a.pointer) a.max_elements = int64_t{1} << 32;
}

const ir::Value* Emitter::splat_base(const ir::Value* scalar_ptr) const {
  if (!offsets32_) return scalar_ptr;
  const ir::Value* root = memory_root(scalar_ptr);
  return root ? root : scalar_ptr;
}

bool Emitter::read_only(const ir::Value* v) const {
  auto it = arg_of_.find(v);
  if (it == arg_of_.end() || it->second.empty()) return false;
  for (int a : it->second)
    if (!const_args_[a]) return false;
  return true;
}

std::string Emitter::value_type(const ir::Value* v) const {
  ir::Type e = v->type().element();
  if (!e.is_pointer() || !read_only(v)) return reg_type(v->type());
  if (e.pointee().is_tensor())
    return fmt::format("tm_block_ptr<const {}, {}, {}>", storage_type(e.pointee().element()), e.pointee().shape().size(), offset_type());
  if (v->type().is_tensor()) return reg_type(v->type());  // element offsets (long)
  return fmt::format("const device {}*", storage_type(e.pointee()));
}

}  // namespace tmetal::codegen
