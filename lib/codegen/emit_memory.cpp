// MSL emission of global memory access: tt.load / tt.store (masked, `other` values, vectorized to aligned
// vectors when axis analysis proves the pointers contiguous and aligned and the mask uniform per vector)
// and tt.atomic_rmw / tt.atomic_cas (performed once per element: replicated threads are masked off).
// A vector of more than 4 elements (8 half/bfloat or 8-16 char: MSL has no such vector types) and every bf16
// vector are accessed as 32-bit words (uint2 / uint4, aligned to their size, one 8- or 16-byte access) whose
// elements are taken apart and put together with as_type<T2> / as_type<T4> per word.
#include "codegen/msl_emitter.h"
#include "gpu/block_ptr_facts.h"
#include "gpu/layout_encoding.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

namespace tmetal::codegen {

namespace {
// The MSL vector type of `v` elements of storage type `st` for a vectorized access. The address is aligned to
// the vector's size (gpu::vector_width only widens aligned runs), so the aligned vector type is used: one
// vector load/store on Apple GPUs (and ld/st.v4 on the CUDA proxy), where a packed type may be split into
// element accesses. Packed for element types without MSL vector types of that width.
std::string vector_type(const std::string& st, int64_t v) {
  static const std::set<std::string> aligned = {"float", "half", "bfloat", "int", "uint", "short", "ushort", "char", "uchar"};
  return aligned.count(st) && v <= 4 ? fmt::format("{}{}", st, v) : fmt::format("packed_{}{}", st, v);
}

// A vector access of `v` elements of `bytes` each goes through 32-bit words when MSL has no vector type for it
// (more than 4 components) or when its elements are bf16 (stored as bfloat or ushort, converted per element).
bool word_access(int64_t v, int64_t bytes, bool bf16) { return (v > 4 || bf16) && v * bytes % 4 == 0 && v * bytes <= 16; }

// "uint", "uint2" or "uint4": the word vector of a `v`-element access of `bytes`-byte elements.
std::string word_type(int64_t v, int64_t bytes) {
  int64_t words = v * bytes / 4;
  return words == 1 ? "uint" : fmt::format("uint{}", words);
}

// Element `i` of a word access (tm_v) of elements stored as `st` (`bytes` each).
std::string word_element(const std::string& st, int64_t v, int64_t bytes, int64_t i) {
  static constexpr char comp[] = "xyzw";
  int64_t per = 4 / bytes;
  std::string word = v * bytes == 4 ? "tm_v" : fmt::format("tm_v.{}", comp[i / per]);
  if (per == 1) return fmt::format("as_type<{}>({})", st, word);
  return fmt::format("as_type<{}{}>({}).{}", st, per, word, comp[i % per]);
}

int64_t element_bytes(const ir::Value* ptr) { return std::max(1, ptr->type().element().pointee().bits() / 8); }

bool is_bf16(const ir::Type& t) {
  ir::Type e = t.element();
  if (e.is_pointer()) e = e.pointee();
  return e.is_scalar() && e.scalar_kind() == ir::ScalarKind::BF16;
}
}  // namespace

void Emitter::emit_load(ir::Operation& op) {
  ir::Value* ptr_v = op.operand(0);
  order_device_access(op);
  if (ptr_v->type().is_pointer() && ptr_v->type().pointee().is_tensor()) return emit_block_access(op);
  if (gpu::fragment_family(op.result()->type())) return emit_fragment_load(op);  // emit_fragment_access.cpp
  ir::Value* mask = op.num_operands() > 1 ? op.operand(1) : nullptr;
  ir::Value* other = op.num_operands() > 2 ? op.operand(2) : nullptr;
  ir::Value* r = op.result();
  bool bf16 = is_bf16(ptr_v->type());
  std::string rt = reg_type(r->type());
  auto read = [&](const std::string& p) {
    if (!bf16) return fmt::format("*{}", p);
    return target_.supports_bfloat() ? fmt::format("float(*{})", p) : fmt::format("tm_bf16_from_bits(*{})", p);
  };
  std::string name = define(r);
  declare(r);
  if (!r->type().is_tensor()) {
    line(mask ? fmt::format("{} = {} ? {} : {};", name, name_of(mask), read(name_of(ptr_v)), other ? name_of(other) : rt + "(0)")
              : fmt::format("{} = {};", name, read(name_of(ptr_v))));
    return;
  }
  int64_t R = regs(r);
  int64_t v = gpu::access_vector_width(axes_, op, options_.lowering);
  std::string fill = [&](const std::string& k) { return other ? elem(other, k) : rt + "(0)"; }("k");
  if (v > 1 && R % v == 0) {
    std::string st = storage_type(ptr_v->type().element().pointee());
    int64_t bytes = element_bytes(ptr_v);
    bool words = word_access(v, bytes, bf16);
    std::string vt = words ? word_type(v, bytes) : vector_type(st, v);
    open(fmt::format("for (int k = 0; k < {}; k += {})", R, v));
    if (mask) open(fmt::format("if ({})", elem(mask, "k")));
    line(fmt::format("{} tm_v = *reinterpret_cast<const device {}*>({});", vt, vt, ptr(ptr_v, "k")));
    for (int64_t i = 0; i < v; ++i) {
      if (!words) {
        line(fmt::format("{}[k + {}] = tm_v[{}];", name, i, i));
        continue;
      }
      std::string e = word_element(st, v, bytes, i);
      if (bf16) e = target_.supports_bfloat() ? fmt::format("float({})", e) : fmt::format("tm_bf16_from_bits({})", e);
      line(fmt::format("{}[k + {}] = {};", name, i, e));
    }
    if (mask) {
      close("} else {");
      ++indent_;
      for (int64_t i = 0; i < v; ++i)
        line(fmt::format("{}[k + {}] = {};", name, i, other ? elem(other, fmt::format("k + {}", i)) : rt + "(0)"));
      close();
    }
    close();
    return;
  }
  if (mask)
    line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {} ? {} : {};", R, name, elem(mask, "k"), read(ptr(ptr_v, "k")), fill));
  else
    line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {};", R, name, read(ptr(ptr_v, "k"))));
}

void Emitter::emit_store(ir::Operation& op) {
  ir::Value* ptr_v = op.operand(0);
  order_device_access(op);
  if (gpu::fragment_family(op.operand(1)->type())) return emit_fragment_store(op);  // emit_fragment_access.cpp
  if (ptr_v->type().is_pointer() && ptr_v->type().pointee().is_tensor()) return emit_block_access(op);
  ir::Value* val = op.operand(1);
  ir::Value* mask = op.num_operands() > 2 ? op.operand(2) : nullptr;
  bool bf16 = is_bf16(ptr_v->type());
  std::string st = storage_type(ptr_v->type().element().pointee());
  auto conv = [&](const std::string& x) {
    if (!bf16) return fmt::format("{}({})", st, x);
    return target_.supports_bfloat() ? fmt::format("bfloat({})", x) : fmt::format("tm_bf16_bits({})", x);
  };
  // Every thread of the program holds scalars, and replicated threads hold copies of tensor elements: only one
  // thread stores each element (thread 0 for scalars, the owner of the element otherwise), as Triton does, so a
  // load-modify-store of the same address is not applied once per replica.
  if (!ptr_v->type().is_tensor()) {
    std::string s = fmt::format("*{} = {};", name_of(ptr_v), conv(name_of(val)));
    line(mask ? fmt::format("if ((tm_tid == 0) && {}) {}", name_of(mask), s) : fmt::format("if (tm_tid == 0) {}", s));
    return;
  }
  if (val->type().is_tensor() && !(layout(val) == layout(ptr_v))) fail(op, "store of a value whose layout differs from its pointers'");
  const std::string own = owner(ptr_v);
  auto guarded = [&](const std::string& stmt, const std::string& k) {
    return mask ? fmt::format("if ({} && {}) {}", own, elem(mask, k), stmt) : fmt::format("if ({}) {}", own, stmt);
  };
  int64_t R = regs(ptr_v);
  int64_t v = gpu::access_vector_width(axes_, op, options_.lowering);
  if (v > 1 && R % v == 0) {
    int64_t bytes = element_bytes(ptr_v);
    bool words = word_access(v, bytes, bf16);
    std::string vt = words ? word_type(v, bytes) : vector_type(st, v);
    open(fmt::format("for (int k = 0; k < {}; k += {})", R, v));
    std::vector<std::string> parts;
    for (int64_t i = 0; i < v; ++i) parts.push_back(conv(elem(val, fmt::format("k + {}", i))));
    if (words) {
      // Each 32-bit word packs 4 / bytes elements: as_type<uint>(T2(a, b)) or as_type<uint>(T4(a, b, c, d)).
      int64_t per = 4 / bytes;
      std::vector<std::string> ws;
      for (int64_t w = 0; w < v / per; ++w) {
        std::vector<std::string> es(parts.begin() + w * per, parts.begin() + (w + 1) * per);
        ws.push_back(per == 1 ? fmt::format("as_type<uint>({})", es[0]) : fmt::format("as_type<uint>({}{}({}))", st, per, fmt::join(es, ", ")));
      }
      parts = ws;
    }
    std::string s = fmt::format("*reinterpret_cast<device {}*>({}) = {}({});", vt, ptr(ptr_v, "k"), vt, fmt::join(parts, ", "));
    line(guarded(s, "k"));
    close();
    return;
  }
  std::string s = fmt::format("*{} = {};", ptr(ptr_v, "k"), conv(elem(val, "k")));
  if (mask)
    line(fmt::format("for (int k = 0; k < {}; ++k) {}", R, guarded(s, "k")));
  else
    line(fmt::format("for (int k = 0; k < {}; ++k) {}", R, guarded(s, "k")));
}

void Emitter::emit_block_ptr(ir::Operation& op) {
  ir::Value* r = op.result();
  size_t rank = r->type().pointee().shape().size();
  std::string name = define(r);
  declare(r);
  // With 32-bit offsets (uint fields) offsets and strides wrap modulo 2^32, which keeps every in-bounds index
  // and address exact (pointer_roles.cpp); a 64-bit shape is clamped, as no dimension of a buffer under 2^32
  // elements is longer.
  const std::string it = offset_type();
  auto shape_of = [&](const ir::Value* v) {
    if (offsets32_ && v->type().is_int() && v->type().bits() == 64)
      return fmt::format("uint({0} < 0 ? 0l : {0} > 0xFFFFFFFFl ? 0xFFFFFFFFl : {0})", name_of(v));
    return fmt::format("{}({})", it, name_of(v));
  };
  if (op.is(ir::OpCode::MakeTensorPtr)) {
    if (op.num_operands() != 1 + 3 * rank) fail(op, "tt.make_tensor_ptr expects a base, shape, strides and offsets");
    line(fmt::format("{}.base = {};", name, name_of(op.operand(0))));
    for (size_t d = 0; d < rank; ++d)
      line(fmt::format("{0}.shape[{1}] = {2}; {0}.stride[{1}] = {3}({4}); {0}.off[{1}] = {3}({5});", name, d,
                       shape_of(op.operand(1 + d)), it, name_of(op.operand(1 + rank + d)), name_of(op.operand(1 + 2 * rank + d))));
  } else {
    line(fmt::format("{} = {};", name, name_of(op.operand(0))));
    for (size_t d = 0; d < rank; ++d) line(fmt::format("{}.off[{}] += {}({});", name, d, it, name_of(op.operand(1 + d))));
  }
}

void Emitter::emit_block_access(ir::Operation& op) {
  bool load = op.is(ir::OpCode::Load);
  ir::Value* bp = op.operand(0);
  ir::Value* t = load ? op.result() : op.operand(1);
  if (!t->type().is_tensor()) fail(op, "block pointer access of a scalar");
  size_t rank = t->type().shape().size();
  std::vector<int64_t> check = op.array_attr("boundary_check");
  std::string b = name_of(bp);
  std::string st = storage_type(t->type().element());
  bool bf16 = is_bf16(t->type());
  std::string name = load ? define(t) : name_of(t);
  if (load) declare(t);
  // Vectors along the last dimension where the block pointer's facts allow them (block_ptr_facts.h) and the
  // layout gives each thread that many adjacent elements there: registers k .. k+w-1, one bounds check each.
  int64_t w = gpu::block_access_vector_width(axes_, op, options_.lowering.preferred_vector_bytes);
  {
    const gpu::BlockedLayout& l = layout(t);
    const int last = static_cast<int>(rank) - 1;
    while (w > 1 && (l.order[0] != last || l.size_per_thread[last] % w != 0 || regs(t) % w != 0)) w /= 2;
  }
  open(fmt::format("for (int k = 0; k < {}; k += {})", regs(t), w));
  std::vector<std::string> addr, conds;
  for (size_t d = 0; d < rank; ++d) {
    line(fmt::format("{} tm_i{} = {}.off[{}] + {};", offset_type(), d, b, d, coord(t, static_cast<int>(d), "k")));
    addr.push_back(fmt::format("tm_i{} * {}.stride[{}]", d, b, d));
  }
  for (int64_t d : check) {
    if (d < 0 || d >= static_cast<int64_t>(rank)) fail(op, fmt::format("boundary_check dimension {} out of range", d));
    // uint indices: a negative index wraps past every shape, so one unsigned compare checks both bounds.
    conds.push_back(offsets32_ ? fmt::format("tm_i{0} < {1}.shape[{0}]", d, b) : fmt::format("tm_i{0} >= 0 && tm_i{0} < {1}.shape[{0}]", d, b));
  }
  std::string p = fmt::format("({}.base + {})", b, fmt::join(addr, " + "));
  std::string cond = fmt::format("{}", fmt::join(conds, " && "));
  const std::string rt = reg_type(t->type());
  const std::string pad = op.str_attr("padding") == "nan" ? fmt::format("{}(NAN)", rt) : fmt::format("{}(0)", rt);
  if (load && w > 1) {
    std::string vt = fmt::format("{}{}", st, w);
    std::string read = fmt::format("{} tm_v = *reinterpret_cast<const device {}*>({});", vt, vt, p);
    std::string fill, pads;
    for (int64_t i = 0; i < w; ++i) {
      fill += fmt::format(" {}[k + {}] = {}(tm_v[{}]);", name, i, rt, i);
      pads += fmt::format(" {}[k + {}] = {};", name, i, pad);
    }
    line(cond.empty() ? fmt::format("{{ {}{} }}", read, fill) : fmt::format("if ({}) {{ {}{} }} else {{{} }}", cond, read, fill, pads));
  } else if (load) {
    std::string read = !bf16 ? fmt::format("*{}", p) : target_.supports_bfloat() ? fmt::format("float(*{})", p) : fmt::format("tm_bf16_from_bits(*{})", p);
    line(cond.empty() ? fmt::format("{}[k] = {};", name, read) : fmt::format("{}[k] = ({}) ? {} : {};", name, cond, read, pad));
  } else if (w > 1) {
    std::string vt = fmt::format("{}{}", st, w);
    std::vector<std::string> parts;
    for (int64_t i = 0; i < w; ++i) parts.push_back(fmt::format("{}({}[k + {}])", st, name, i));
    std::string guard = cond.empty() ? owner(t) : fmt::format("{} && {}", owner(t), cond);
    line(fmt::format("if ({}) *reinterpret_cast<device {}*>({}) = {}({});", guard, vt, p, vt, fmt::join(parts, ", ")));
  } else {
    std::string v = !bf16 ? fmt::format("{}({}[k])", st, name) : target_.supports_bfloat() ? fmt::format("bfloat({}[k])", name) : fmt::format("tm_bf16_bits({}[k])", name);
    // Replicated threads hold copies: only the owner of each element stores it.
    std::string guard = cond.empty() ? owner(t) : fmt::format("{} && {}", owner(t), cond);
    line(fmt::format("if ({}) *{} = {};", guard, p, v));
  }
  close();
}

void Emitter::emit_atomic(ir::Operation& op) {
  ir::Value* ptr_v = op.operand(0);
  order_device_access(op);
  ir::Value* r = op.result();
  ir::Type et = ptr_v->type().element().pointee();
  if (!et.is_scalar()) fail(op, "atomics through block pointers are not supported");
  std::string at;
  switch (et.scalar_kind()) {
    case ir::ScalarKind::I32: at = "atomic_int"; break;
    case ir::ScalarKind::F32: at = "atomic_float"; break;
    case ir::ScalarKind::I64: at = "atomic_ulong"; break;
    default: fail(op, fmt::format("atomics on {} are not supported by Metal (use i32, f32)", ir::scalar_name(et.scalar_kind())));
  }
  bool tensor = ptr_v->type().is_tensor();
  std::string name = define(r);
  declare(r);
  std::string k = tensor ? "k" : "0";
  std::string own = tensor ? owner(ptr_v) : "(tm_tid == 0)";
  std::string stmt;
  ir::Value* mask = nullptr;
  if (op.is(ir::OpCode::AtomicCAS)) {
    if (at == "atomic_float") fail(op, "atomic_cas on f32 is not supported by Metal");
    if (at == "atomic_ulong") fail(op, "64-bit atomic_cas is not supported by Metal (only 64-bit atomic min/max are)");
    std::string cmp = elem(op.operand(1), k), val = elem(op.operand(2), k);
    stmt = fmt::format("{{ {} tm_e = {}; atomic_compare_exchange_weak_explicit((device {}*)({}), &tm_e, {}, memory_order_relaxed, memory_order_relaxed); {} = tm_e; }}",
                       reg_type(r->type()), cmp, at, ptr(ptr_v, k), val, elem(r, k));
  } else {
    std::string kind = op.str_attr("kind", op.str_attr("rmw_op"));
    std::string fn = kind == "add" || kind == "fadd" ? "add" : kind == "max" || kind == "umax" ? "max" : kind == "min" || kind == "umin" ? "min"
                   : kind == "and" ? "and" : kind == "or" ? "or" : kind == "xor" ? "xor" : kind == "xchg" || kind == "exch" ? "exchange" : "";
    if (fn.empty()) fail(op, fmt::format("atomic kind '{}' is not lowered to Metal", kind));
    bool float_minmax = at == "atomic_float" && (fn == "max" || fn == "min");  // emulated: CAS loop on the bits
    if (at == "atomic_float" && fn != "add" && fn != "exchange" && !float_minmax) fail(op, fmt::format("atomic {} on f32 is not supported by Metal", kind));
    if (at == "atomic_ulong" && fn != "max" && fn != "min") fail(op, "64-bit atomics other than min/max are not supported by Metal");
    if (at == "atomic_ulong" && kind != "umax" && kind != "umin") fail(op, "signed 64-bit atomic min/max are not supported by Metal (its 64-bit atomics are unsigned: use a uint64 pointer)");
    std::string val = elem(op.operand(1), k);
    if (float_minmax)
      stmt = fmt::format("{{ device atomic_uint* tm_a = (device atomic_uint*)({}); float tm_v = {}; uint tm_o = atomic_load_explicit(tm_a, memory_order_relaxed); "
                         "while (true) {{ float tm_f = as_type<float>(tm_o); float tm_n = f{}(tm_f, tm_v); "
                         "if (as_type<uint>(tm_n) == tm_o || atomic_compare_exchange_weak_explicit(tm_a, &tm_o, as_type<uint>(tm_n), memory_order_relaxed, memory_order_relaxed)) {{ {} = tm_f; break; }} }} }}",
                         ptr(ptr_v, k), val, fn, elem(r, k));
    else if (at == "atomic_int" && (kind == "umax" || kind == "umin"))  // the IR is signless: u32 compares unsigned
      stmt = fmt::format("{} = int(atomic_fetch_{}_explicit((device atomic_uint*)({}), uint({}), memory_order_relaxed));", elem(r, k), fn, ptr(ptr_v, k), val);
    else if (fn == "exchange")
      stmt = fmt::format("{} = atomic_exchange_explicit((device {}*)({}), {}, memory_order_relaxed);", elem(r, k), at, ptr(ptr_v, k), val);
    else
      stmt = fmt::format("{} = atomic_fetch_{}_explicit((device {}*)({}), {}, memory_order_relaxed);", elem(r, k), fn, at, ptr(ptr_v, k), val);
    if (op.num_operands() > 2) mask = op.operand(2);
  }
  std::string cond = mask ? fmt::format("{} && {}", own, elem(mask, k)) : own;
  if (tensor) {
    line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = 0;", regs(r), name));
    line(fmt::format("for (int k = 0; k < {}; ++k) if ({}) {}", regs(r), cond, stmt));
  } else {
    // A scalar atomic happens once per program: thread 0 performs it and shares the old value.
    need_scratch(op, 8);
    line(fmt::format("{} = 0;", name));
    line(fmt::format("if ({}) {}", cond, stmt));
    lead_barrier(op);
    line(fmt::format("if (tm_tid == 0) *{} = {};", scratch(reg_type(r->type()), 0), name));
    barrier();
    line(fmt::format("{} = *{};", name, scratch(reg_type(r->type()), 0)));
  }
}

}  // namespace tmetal::codegen
