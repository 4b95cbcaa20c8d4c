// Pass `pipeline-dot-loads`: software pipelining of the operand loads of a K loop (see pipeline_dot_loads.h).
// Rewrites, for each scf.for with constant step > 0 whose body (no stores, atomics, calls, prints, barriers)
// has tt.load ops at its top level that feed a tt.dot:
//   for %i (%p = %p0) { %a = tt.load %p, %m; %d = tt.dot %a, ...; %p' = addptr %p; yield %p' }
// into
//   %a0 = tt.load %p0, %m[%i := lb] & (lb < ub)                       (prologue: iteration 0's tile)
//   for %i (%p = %p0, %a = %a0) {
//     %d = tt.dot %a, ...
//     %p' = addptr %p                      {tm.prefetch}              (the next pointers, after the dot)
//     %an = tt.load %p', %m[%i := %i + step] & (%i + step < ub) {tm.prefetch}   (iteration i+1's tile)
//     yield %p', %an }
// The codegen emits the tm.prefetch ops between the dot's operand staging and its multiplies, so the device
// loads of the next K tile are in flight while the current tile is multiplied, and the current tile's
// registers are free before the next tile's arrive (one tile in registers, as the probe). When another op
// uses the next pointers, they and the loads go before the dot instead (unmarked).
// Block-pointer loads are pipelined when their boundary_check covers every dimension (a tile past the end reads
// as padding, so no guard is needed). num_stages (the loop's tt.num_stages from tl.range, else the option)
// below 2 leaves the loop alone; deeper settings prefetch one tile (registers hold one tile in flight). Loops
// with two dots (flash attention: K for S = Q K^T, V for O += P V) prefetch both tiles after the first dot's
// staging.
#include "gpu/pipeline_dot_loads.h"

#include "ir/builder.h"

#include <algorithm>
#include <set>
#include <vector>

namespace tmetal::gpu {

namespace {

bool is_block_ptr(const ir::Type& t) { return t.is_pointer() && t.pointee().is_tensor(); }

bool body_is_pipelinable(ir::Operation& loop) {
  bool ok = true;
  loop.walk([&](ir::Operation* op) {
    if (op == &loop) return;
    using ir::OpCode;
    if (op->has_trait(ir::trait::P) || op->is(OpCode::Yield) || op->is(OpCode::ReduceReturn) || op->is(OpCode::ScanReturn) ||
        op->is(OpCode::If) || op->is(OpCode::For))
      return;
    if (op->is(OpCode::Load) && !op->has_attr("volatile")) return;
    ok = false;
  });
  return ok;
}

// The ops of `block` (top level) that `v` depends on, in block order; false when one of them is not pure.
bool slice_in_block(const ir::Value* v, const ir::Block& block, std::set<ir::Operation*>& out) {
  ir::Operation* d = v->defining_op();
  if (!d || d->parent_block() != &block || out.count(d)) return true;
  if (!d->has_trait(ir::trait::P) || d->num_regions() != 0) return false;
  out.insert(d);
  for (const ir::Value* o : d->operands())
    if (!slice_in_block(o, block, out)) return false;
  return true;
}

std::vector<ir::Operation*> in_block_order(const ir::Block& block, const std::set<ir::Operation*>& ops) {
  std::vector<ir::Operation*> v;
  for (const auto& op : block.ops())
    if (ops.count(op.get())) v.push_back(op.get());
  return v;
}

bool reaches_dot(const ir::Value* v, int depth = 0) {
  if (depth > 16) return false;
  for (const ir::Operation* u : v->users()) {
    if (u->is(ir::OpCode::Dot)) return true;
    if (u->num_results() == 1 && u->has_trait(ir::trait::P) && u->num_regions() == 0 && reaches_dot(u->result(), depth + 1)) return true;
  }
  return false;
}

bool depends_on(const ir::Operation* op, const ir::Operation* target, const ir::Block& block, std::set<const ir::Operation*>& seen) {
  if (op == target) return true;
  if (!seen.insert(op).second) return false;
  for (const ir::Value* o : op->operands()) {
    const ir::Operation* d = o->defining_op();
    if (d && d->parent_block() == &block && depends_on(d, target, block, seen)) return true;
  }
  return false;
}

// Clones `ops` (in order) before `at` with `map`, then the load with its mask ANDed with `guard` (a scalar i1; null: none).
ir::Value* clone_load(ir::Operation* load, const std::vector<ir::Operation*>& ops, ir::ValueMap& map, ir::Value* guard, ir::Builder& b) {
  for (ir::Operation* op : ops) b.insert(op->clone(map));
  auto mapped = [&](ir::Value* v) {
    auto it = map.find(v);
    return it == map.end() ? v : it->second;
  };
  std::vector<ir::Value*> operands;
  for (ir::Value* o : load->operands()) operands.push_back(mapped(o));
  if (guard) {
    const ir::Type& t = load->result()->type();
    ir::Value* g = guard;
    if (t.is_tensor()) g = b.value(ir::OpCode::Splat, {guard}, ir::Type::tensor(t.shape(), ir::Type::i1()));
    if (operands.size() >= 2)
      operands[1] = b.value(ir::OpCode::AndI, {operands[1], g}, operands[1]->type());
    else
      operands.push_back(g);
  }
  return b.create(&load->info(), operands, {load->result()->type()}, load->attrs())->result();
}

bool pipeline_loop(ir::Operation& loop, int default_stages) {
  int stages = static_cast<int>(loop.int_attr("tt.num_stages", default_stages));
  if (stages < 2 || loop.num_regions() != 1 || loop.num_operands() < 3) return false;
  int64_t step = 0;
  if (!ir::constant_int_value(loop.operand(2), step) || step <= 0) return false;
  ir::Block& body = loop.body();
  ir::Operation* yield = body.terminator();
  if (!yield || !yield->is(ir::OpCode::Yield) || !body_is_pipelinable(loop)) return false;
  ir::Operation* dot = nullptr;
  for (const auto& op : body.ops())
    if (op->is(ir::OpCode::Dot)) {
      dot = op.get();
      break;
    }
  if (!dot) return false;
  ir::Value* iv = body.argument(0);
  const ir::Type iv_type = iv->type();
  if (!iv_type.is_int()) return false;

  // The loads to pipeline and what each needs.
  std::vector<ir::Operation*> loads;
  for (const auto& op : body.ops()) {
    ir::Operation* ld = op.get();
    if (!ld->is(ir::OpCode::Load) || !reaches_dot(ld->result())) continue;
    if (!ld->result()->type().is_tensor()) continue;  // scalar loads stay
    if (is_block_ptr(ld->operand(0)->type())) {
      // A block pointer: every dimension must be bounds-checked (then no guard is needed).
      std::vector<int64_t> bc = ld->array_attr("boundary_check");
      std::sort(bc.begin(), bc.end());
      bc.erase(std::unique(bc.begin(), bc.end()), bc.end());
      if (bc.size() != ld->result()->type().shape().size()) continue;
    }
    std::set<ir::Operation*> slice;
    bool pure = true;
    for (ir::Value* o : ld->operands()) pure = pure && slice_in_block(o, body, slice);
    if (!pure) continue;
    loads.push_back(ld);
  }
  if (loads.empty()) return false;

  // The next iteration's values of the iteration arguments the loads use: yield operands, computed before the dot.
  std::set<ir::Operation*> all_slices;
  for (ir::Operation* ld : loads)
    for (ir::Value* o : ld->operands()) slice_in_block(o, body, all_slices);
  std::set<size_t> carried;  // iter_arg indices (block argument index - 1) the loads use
  auto note_args = [&](const ir::Operation* op) {
    for (const ir::Value* o : op->operands())
      for (size_t i = 1; i < body.num_arguments(); ++i)
        if (o == body.argument(i)) carried.insert(i - 1);
  };
  for (ir::Operation* op : all_slices) note_args(op);
  for (ir::Operation* ld : loads) note_args(ld);
  std::set<ir::Operation*> next_ops;
  for (size_t i : carried)
    if (!slice_in_block(yield->operand(i), body, next_ops)) return false;
  for (ir::Operation* op : next_ops) {
    std::set<const ir::Operation*> seen;
    if (depends_on(op, dot, body, seen)) return false;
    for (ir::Operation* ld : loads) {
      std::set<const ir::Operation*> s2;
      if (depends_on(op, ld, body, s2)) return false;
    }
  }
  // Where the next iteration's ops and loads go: after the dot (right before the yield) when nothing but the
  // yield and each other uses the moved ops, so the codegen can issue them between the dot's operand staging
  // and its multiplies (the current tile's registers are free by then: one tile in registers, not two); else
  // before the dot (block order kept; their operands are before them).
  bool after_dot = true;
  for (ir::Operation* op : next_ops)
    for (const ir::Value* r : op->results())
      for (const ir::Operation* u : r->users())
        if (u != yield && !next_ops.count(const_cast<ir::Operation*>(u))) after_dot = false;
  ir::Operation* at = after_dot ? yield : dot;
  for (ir::Operation* op : in_block_order(body, next_ops)) {
    if (after_dot) {
      op->set_attr(kPrefetchAttr, true);
      op->move_before(yield);
    } else if (std::find_if(body.ops().begin(), dot->position(), [&](const auto& p) { return p.get() == op; }) == dot->position()) {
      op->move_before(dot);
    }
  }

  ir::Builder pre;
  pre.set_insertion_point(&loop);
  pre.set_loc(loop.loc());
  ir::Value* lb = loop.operand(0);
  ir::Value* ub = loop.operand(1);
  ir::AttrDict slt;
  slt["predicate"] = std::string("slt");
  ir::Value* runs = pre.value(ir::OpCode::CmpI, {lb, ub}, ir::Type::i1(), slt);
  ir::Builder in;
  in.set_insertion_point(at);
  in.set_loc(loop.loc());
  ir::Value* next_iv = in.value(ir::OpCode::AddI, {iv, loop.operand(2)}, iv_type);
  ir::Value* more = in.value(ir::OpCode::CmpI, {next_iv, ub}, ir::Type::i1(), slt);
  if (after_dot) {
    next_iv->defining_op()->set_attr(kPrefetchAttr, true);
    more->defining_op()->set_attr(kPrefetchAttr, true);
  }

  for (ir::Operation* ld : loads) {
    std::set<ir::Operation*> slice;
    for (ir::Value* o : ld->operands()) slice_in_block(o, body, slice);
    std::vector<ir::Operation*> ordered = in_block_order(body, slice);
    bool block_ptr = is_block_ptr(ld->operand(0)->type());
    // Prologue: iteration 0 (iv = lb, iteration arguments = their initial values).
    ir::ValueMap first;
    first[iv] = lb;
    for (size_t i = 1; i < body.num_arguments(); ++i) first[body.argument(i)] = loop.operand(2 + i);
    pre.set_loc(ld->loc());
    ir::Value* v0 = clone_load(ld, ordered, first, block_ptr ? nullptr : runs, pre);
    // In the body: iteration i + 1 (iv + step, iteration arguments = the yielded values).
    ir::ValueMap next;
    next[iv] = next_iv;
    for (size_t i = 1; i < body.num_arguments(); ++i) next[body.argument(i)] = yield->operand(i - 1);
    in.set_loc(ld->loc());
    ir::Operation* before = at->prev();
    ir::Value* vn = clone_load(ld, ordered, next, block_ptr ? nullptr : more, in);
    if (after_dot)  // the clones of this load's slice and the load itself: prefetch ops
      for (ir::Operation* o = before ? before->next() : body.front(); o && o != at; o = o->next()) o->set_attr(kPrefetchAttr, true);
    // Carry the tile: a new iteration argument initialised by the prologue and yielded by the body.
    loop.add_operand(v0);
    ir::Value* arg = body.add_argument(ld->result()->type());
    loop.add_result(ld->result()->type());
    yield->add_operand(vn);
    ld->result()->replace_all_uses_with(arg);
    ld->erase();
  }
  // The current iteration's address and mask computations that only the loads used.
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = body.ops().rbegin(); it != body.ops().rend(); ++it) {
      ir::Operation* op = it->get();
      const std::vector<ir::Value*> results = op->results();
      if (op->has_trait(ir::trait::P) && op->num_regions() == 0 && !results.empty() &&
          std::all_of(results.begin(), results.end(), [](const ir::Value* r) { return r->use_empty(); })) {
        op->erase();
        changed = true;
        break;
      }
    }
  }
  if (runs->use_empty()) runs->defining_op()->erase();
  return true;
}

// Whether `v` is computed, within `body`, from a tt.dot result (through at most `depth` producers).
bool from_dot(const ir::Value* v, const ir::Block& body, int depth) {
  const ir::Operation* d = v->defining_op();
  if (!d || d->parent_block() != &body || depth > 32) return false;
  if (d->is(ir::OpCode::Dot)) return true;
  for (const ir::Value* o : d->operands())
    if (o->type().is_tensor() && from_dot(o, body, depth + 1)) return true;
  return false;
}

// A loop whose body feeds one dot's result into another dot's A operand (flash attention: P of S = Q K^T).
bool has_chain_dots(const ir::Operation& loop) {
  for (const auto& op : loop.body().ops())
    if (op->is(ir::OpCode::Dot) && from_dot(op->operand(0), loop.body(), 0)) return true;
  return false;
}
// In a chain-dot loop left unpipelined: the loads that feed a later dot (flash attention's V) move, with their
// address arithmetic, to just before the first dot, so both tiles' device loads are in flight together instead
// of the second one's latency being exposed after the softmax. Returns the number of loads moved.
int issue_loads_together(ir::Operation& loop) {
  ir::Block& body = loop.body();
  if (!body_is_pipelinable(loop)) return 0;
  ir::Operation* first = nullptr;
  for (const auto& op : body.ops())
    if (op->is(ir::OpCode::Dot)) {
      first = op.get();
      break;
    }
  if (!first) return 0;
  std::vector<ir::Operation*> late;
  bool after = false;
  for (const auto& op : body.ops()) {
    if (op.get() == first) after = true;
    if (after && op->is(ir::OpCode::Load) && op->result()->type().is_tensor() && reaches_dot(op->result())) late.push_back(op.get());
  }
  int moved = 0;
  for (ir::Operation* load : late) {
    std::set<ir::Operation*> slice;
    bool pure = true;
    for (const ir::Value* o : load->operands()) pure = pure && slice_in_block(o, body, slice);
    if (!pure) continue;
    bool cheap = true;  // address and mask arithmetic only: nothing that depends on the first dot
    for (ir::Operation* d : slice) {
      std::set<const ir::Operation*> seen;
      cheap = cheap && !d->is(ir::OpCode::Dot) && !d->is(ir::OpCode::Reduce) && !d->is(ir::OpCode::Load) && !depends_on(d, first, body, seen);
    }
    if (!cheap) continue;
    for (ir::Operation* d : in_block_order(body, slice)) {
      // Only ops that come after the first dot move (the others are before it already).
      bool later = false;
      for (const ir::Operation* q = first; q; q = q->next()) later = later || q == d;
      if (later) d->move_before(first);
    }
    load->move_before(first);
    ++moved;
  }
  return moved;
}
}  // namespace

int pipeline_dot_loads(ir::Operation& func, int num_stages, bool stages_from_target) {
  std::vector<ir::Operation*> loops;
  func.walk([&](ir::Operation* op) {
    if (op->is(ir::OpCode::For)) loops.push_back(op);
  });
  int n = 0;
  for (ir::Operation* loop : loops) {
    // Chain-dot loops hold the softmax's fragments between their dots: at the target's default depth they keep
    // no next-tile registers on top (the loop's own tt.num_stages or a launch's num_stages still pipelines).
    bool chain_default = stages_from_target && !loop->attr("tt.num_stages") && has_chain_dots(*loop);
    if (chain_default && num_stages >= 2) {
      issue_loads_together(*loop);
      continue;
    }
    n += pipeline_loop(*loop, num_stages) ? 1 : 0;
  }
  return n;
}

}  // namespace tmetal::gpu
