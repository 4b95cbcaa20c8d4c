// Device-memory ordering inside one program. Triton's semantics (and the tile interpreter's) are those of
// one program running its loads, stores and atomics in program order; on a GPU the elements of a tensor
// are spread over the threads of the threadgroup, so a load of an element that another thread stored
// (e.g. a dot's output row read back after a store, whose layouts differ), or a store over an element
// that another thread has yet to load, races. Before each global access the emitter inserts
// `threadgroup_barrier(mem_flags::mem_device)` when an earlier access of the same program since the last
// such barrier, or any access later in an enclosing loop (the previous iteration), may touch the same
// buffer and one of the two writes. Buffers are told apart by the kernel argument a pointer derives from
// (through addptr, splat, broadcast, ...); a pointer of unknown origin may alias every buffer. The
// barriers sit where the access op sits, in uniform control flow (conditions and trip counts are scalars).
// Across an scf.if (Emitter::emit_if): the else branch starts from the accesses before the if (the then branch
// does not run with it), and after the if the accesses of both paths count, a barrier inside one branch
// notwithstanding (it does not run on the other path).
// Threadgroup memory: every use (a layout conversion, a reduction's partials, a scan's totals, ...) is
// write, barrier, read; the barrier before the write (lead_barrier) keeps it off bytes an earlier use may still
// be reading (buffers of different ops share bytes by liveness). It is left out when no earlier op of the
// kernel planned a threadgroup buffer and the op sits in no loop (where its own reads of the previous
// iteration are in flight): a transpose's tile or a norm's one reduction then costs one barrier, not two.
#include "codegen/msl_emitter.h"

#include <set>

namespace tmetal::codegen {

namespace {

bool is_global_access(const ir::Operation& o) {
  return o.is(ir::OpCode::Load) || o.is(ir::OpCode::Store) || o.is(ir::OpCode::AtomicRMW) || o.is(ir::OpCode::AtomicCAS);
}

bool writes_memory(const ir::Operation& o) { return !o.is(ir::OpCode::Load); }

bool may_alias(const ir::Value* a, const ir::Value* b) { return !a || !b || a == b; }

// The value `p` derives from through ops whose operand 0 is a pointer (addptr, splat, broadcast, advance, ...):
// a block argument (a kernel argument or an iteration argument), or null for a pointer chosen or computed
// otherwise (unknown origin).
const ir::Value* pointer_origin(const ir::Value* p) {
  const ir::Value* v = p;
  for (int depth = 0; depth < 10000; ++depth) {
    const ir::Operation* d = v->defining_op();
    if (!d) return v;
    if (d->num_operands() == 0 || !d->operand(0)->type().element().is_pointer()) return nullptr;
    v = d->operand(0);
  }
  return nullptr;
}

}  // namespace

const ir::Value* Emitter::memory_root(const ir::Value* p) const {
  const ir::Value* v = pointer_origin(p);
  const ir::Block* b = v ? v->parent_block() : nullptr;
  if (!b || b->parent_op() != &func_) return nullptr;  // loop-carried or nested: unknown
  return v;
}

namespace {

struct Root {
  const ir::Value* arg = nullptr;  // the kernel argument, null when unknown
  bool cycle = false;              // reached the iteration argument being resolved (derives from itself)
};

// The kernel argument `p` derives from (pointer_origin), through scf.for iteration arguments too: an
// iteration argument whose initial value derives from argument A and whose yielded value derives from A or from
// the iteration argument itself derives from A (`a_tile += BLOCK_K * stride_ak` in a K loop stays in a_ptr's
// buffer).
Root root_of(const ir::Operation& func, const ir::Value* p, std::set<const ir::Value*>& visiting) {
  const ir::Value* v = pointer_origin(p);
  const ir::Block* b = v ? v->parent_block() : nullptr;
  if (!b) return {};
  const ir::Operation* loop = b->parent_op();
  if (loop == &func) return {v, false};
  if (!loop || !loop->is(ir::OpCode::For)) return {};
  size_t idx = 0;
  while (idx < b->num_arguments() && b->argument(idx) != v) ++idx;
  const ir::Operation* y = b->terminator();
  if (idx == 0 || idx == b->num_arguments() || loop->num_operands() <= idx + 2 || !y || y->num_operands() < idx) return {};
  if (visiting.count(v)) return {nullptr, true};
  visiting.insert(v);
  Root init = root_of(func, loop->operand(idx + 2), visiting);
  Root next = root_of(func, y->operand(idx - 1), visiting);
  visiting.erase(v);
  if (!init.arg) return {};
  if (next.cycle || next.arg == init.arg) return {init.arg, false};
  return {};
}

}  // namespace

const ir::Value* Emitter::access_root(const ir::Value* p) const {
  std::set<const ir::Value*> visiting;
  return root_of(func_, p, visiting).arg;
}

bool Emitter::threadgroup_in_use(const ir::Operation& op) const {
  for (const ir::Operation* p = op.parent_op(); p && p != &func_; p = p->parent_op())
    if (p->is(ir::OpCode::For) || p->is(ir::OpCode::While)) return true;
  // need_scratch stamps a buffer with the program point of its op; the current op's own buffers carry point_.
  for (const gpu::ThreadgroupBuffer& b : tg_buffers_)
    if (b.live_begin < point_) return true;
  return false;
}

void Emitter::lead_barrier(const ir::Operation& op) {
  if (threadgroup_in_use(op)) barrier();
}

void Emitter::device_barrier() {
  line("threadgroup_barrier(mem_flags::mem_device | mem_flags::mem_threadgroup);");
  writes_of_.clear();
}

void Emitter::order_device_access(ir::Operation& op) {
  const ir::Value* ptr_v = op.operand(0);
  const ir::Value* root = access_root(ptr_v);
  bool writes = writes_memory(op);
  // Two accesses through one tensor of pointers touch each element from the thread that owns it: no race.
  // (A scalar pointer is read by every thread but written by thread 0 only, so it gets no such pass.)
  auto conflicts = [&](const ir::Value* other_ptr, bool other_writes) {
    if (!other_writes && !writes) return false;
    if (other_ptr == ptr_v && ptr_v->type().is_tensor()) return false;
    // Writes through scalar pointers (stores, atomics) are all done by thread 0: ordered among themselves.
    if (writes && other_writes && !ptr_v->type().is_tensor() && !other_ptr->type().is_tensor()) return false;
    return may_alias(access_root(other_ptr), root);
  };
  bool need = false;
  for (const auto& [prev, prev_writes] : writes_of_)
    if (conflicts(prev, prev_writes)) need = true;
  for (ir::Operation* p = op.parent_op(); !need && p && p != &func_; p = p->parent_op()) {
    if (!p->is(ir::OpCode::For) && !p->is(ir::OpCode::While)) continue;
    p->walk([&](ir::Operation* o) {
      if (o != &op && is_global_access(*o) && conflicts(o->operand(0), writes_memory(*o))) need = true;
    });
  }
  if (need) device_barrier();
  writes_of_[ptr_v] = writes_of_[ptr_v] || writes;
}

}  // namespace tmetal::codegen
