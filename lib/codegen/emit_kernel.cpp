// MSL emission driver: kernel signature, prelude helpers, naming after the source, the per-layout thread
// coordinates, dispatch of ops, and structured control flow (scf.for, scf.if).
#include "codegen/msl_emitter.h"
#include "gpu/convert_layout_op.h"

#include "gpu/layout_encoding.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <regex>

namespace tmetal::codegen {

namespace {
const std::set<std::string> kReserved = {
    "kernel", "device", "constant", "threadgroup", "thread", "half", "float", "int", "uint", "bool", "char",
    "short", "long", "ulong", "ushort", "uchar", "bfloat", "auto", "for", "if", "else", "while", "return", "void",
    "do", "switch", "case", "default", "break", "continue", "const", "static", "struct", "class", "template",
    "typename", "using", "namespace", "sizeof", "metal", "vec", "exp", "log", "sqrt", "min", "max", "abs",
    "select", "dot", "sin", "cos", "floor", "ceil", "fma", "this",
    "new", "delete", "true", "false", "operator", "signed", "unsigned", "volatile", "register", "extern",
    "inline", "union", "enum", "goto", "sum", "clamp", "mix", "all", "any", "not", "and", "or", "xor", "k", "i", "j", "fabs", "fmax",
    "fmin", "fmod", "rsqrt", "exp2", "log2", "mulhi", "as_type", "isnan", "isinf", "atomic", "precise", "fast", "round",
    "trunc", "sign", "step", "length", "distance", "normalize", "cross", "discard_fragment", "NAN", "INFINITY"};

const char* kPrelude = R"(#include <metal_stdlib>
using namespace metal;
)";

// Helpers, each emitted only into kernels whose body names it (with the helpers it calls).
struct Helper {
  const char* name;
  const char* needs;  // another helper this one calls, or ""
  const char* text;
};
const Helper kHelpers[] = {
    {"tm_bf16_round", "", R"(// bf16 values live in float registers, rounded to bf16 after every operation (round to nearest even).
inline float tm_bf16_round(float x) {
  uint b = as_type<uint>(x);
  if ((b & 0x7f800000u) == 0x7f800000u) return x;
  b += 0x7fffu + ((b >> 16) & 1u);
  return as_type<float>(b & 0xffff0000u);
}
)"},
    {"tm_bf16_bits", "tm_bf16_round", R"(inline ushort tm_bf16_bits(float x) { return ushort(as_type<uint>(tm_bf16_round(x)) >> 16); }
)"},
    {"tm_bf16_from_bits", "", R"(inline float tm_bf16_from_bits(ushort b) { return as_type<float>(uint(b) << 16); }
)"},
    {"tm_erf", "", R"(// erf: Abramowitz & Stegun 7.1.26 refined (|error| < 1.5e-7); Metal has no erf.
inline float tm_erf(float x) {
  float s = x < 0.0f ? -1.0f : 1.0f;
  float a = fabs(x);
  float t = 1.0f / (1.0f + 0.3275911f * a);
  float y = 1.0f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * exp(-a * a);
  return s * y;
}
)"},
    {"tm_block_ptr", "", R"(// A block pointer (tl.make_block_ptr): base, tensor shape and strides in elements, offsets of the block;
// I is uint (wrapping 32-bit index arithmetic, buffers under 2^32 elements) or long.
template <typename T, int R, typename I> struct tm_block_ptr {
  device T* base;  // T is `const U` for a read-only argument
  I shape[R];
  I stride[R];
  I off[R];
};
)"},
    {"tm_int_to_ptr", "", R"(// x.to(tl.pointer_type(T)): a host address (a data_ptr) to a device pointer through the launch's address map
// (ulong triples {host_lo, host_hi, device_base}; the first holds the count). Metal 3 buffers have 64-bit GPU
// addresses (MTLBuffer.gpuAddress) that a shader may hold in an integer and cast back to a pointer. An address in no
// range stays as it is: the emulator reports the access through it; on a GPU it is no valid device address.
template <typename T> inline device T* tm_int_to_ptr(long x, const device ulong* map) {
  ulong a = ulong(x);
  ulong n = map[0];
  for (ulong i = 1; i <= n; ++i)
    if (a >= map[3 * i] && a < map[3 * i + 1]) return (device T*)(map[3 * i + 2] + (a - map[3 * i]));
  return (device T*)(a);
}
)"},
    {"tm_maximum", "", R"(template <typename T> inline T tm_maximum(T a, T b) { return (isnan(a) || isnan(b)) ? T(NAN) : max(a, b); }
)"},
    {"tm_minimum", "", R"(template <typename T> inline T tm_minimum(T a, T b) { return (isnan(a) || isnan(b)) ? T(NAN) : min(a, b); }
)"},
};

// True when `text` contains the identifier `name` (not as part of a longer identifier).
bool names(const std::string& text, const std::string& name) {
  auto ident = [](char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    bool left = at == 0 || !ident(text[at - 1]);
    bool right = at + name.size() >= text.size() || !ident(text[at + name.size()]);
    if (left && right) return true;
  }
  return false;
}

// The helpers `body` uses, in kHelpers order (a helper's callee is emitted before it).
std::string helpers_used_by(const std::string& body) {
  std::set<std::string> used;
  for (const Helper& h : kHelpers)
    if (names(body, h.name)) {
      used.insert(h.name);
      if (*h.needs) used.insert(h.needs);
    }
  std::string out;
  for (const Helper& h : kHelpers)
    if (used.count(h.name)) out += h.text;
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

std::string sanitize(std::string s) {
  for (char& c : s)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  if (s.empty() || isdigit(static_cast<unsigned char>(s[0]))) s = "v" + s;
  return s;
}
}  // namespace

Emitter::Emitter(ir::Operation& func, const target::Target& target, const EmitOptions& options)
    : func_(func), target_(target), options_(options), kernel_(func.str_attr("sym_name")), axes_(func),
      source_lines_(split_lines(options.kernel_source)) {}

void Emitter::fail(const ir::Operation& op, const std::string& what) const {
  std::string where = op.loc().known() ? fmt::format("{}:{}:{}: ", *op.loc().file, op.loc().line, op.loc().col) : "";
  throw LoweringError(fmt::format("{}error: kernel '{}': {}", where, kernel_, what));
}

std::string Emitter::name_of(const ir::Value* v) const {
  auto it = names_.find(v);
  if (it == names_.end()) throw LoweringError(fmt::format("kernel '{}': internal error: value used before definition", kernel_));
  return it->second;
}

std::string Emitter::define(const ir::Value* v, const std::string& hint) {
  std::string base = hint;
  if (base.empty()) {
    auto h = hints_.find(v);
    base = h != hints_.end() ? h->second : "t";
  }
  base = sanitize(base);
  if (kReserved.count(base) || base.rfind("tm_", 0) == 0 || base.rfind("L", 0) == 0) base = "v_" + base;
  // Numbered names (`t3`, `x1`) can equal a source variable's own name: take the next free one.
  int& n = used_names_[base];
  std::string name;
  do {
    name = n == 0 && base != "t" ? base : fmt::format("{}{}", base, n);
    ++n;
  } while (!taken_names_.insert(name).second);
  names_[v] = name;
  return name;
}

std::string Emitter::element_reg_type(const ir::Type& t) const {
  return fragment_storage(t) ? reg_type(t.element()) : reg_type(t);
}

std::string Emitter::reg_type(const ir::Type& t) const {
  if (fragment_storage(t))
    return fmt::format("simdgroup_matrix<{}, 8, 8>", t.element().scalar_kind() == ir::ScalarKind::F16 ? "half" : "float");
  ir::Type e = t.element();
  if (e.is_pointer() && e.pointee().is_tensor())  // a block pointer (tl.make_block_ptr)
    return fmt::format("tm_block_ptr<{}, {}, {}>", storage_type(e.pointee().element()), e.pointee().shape().size(), offset_type());
  if (e.is_pointer() && t.is_tensor()) return offset_type();  // offsets from the tensor's base pointer
  if (e.is_pointer()) return fmt::format("device {}*", storage_type(e.pointee()));
  switch (e.scalar_kind()) {
    case ir::ScalarKind::I1: return "bool";
    case ir::ScalarKind::I8: return "char";
    case ir::ScalarKind::I16: return "short";
    case ir::ScalarKind::I32: return "int";
    case ir::ScalarKind::I64: return "long";
    case ir::ScalarKind::F16: return "half";
    case ir::ScalarKind::BF16: return "float";
    case ir::ScalarKind::F32: return "float";
  }
  return "int";
}

std::string Emitter::storage_type(const ir::Type& t) const {
  ir::Type e = t.element();
  if (e.is_scalar() && e.scalar_kind() == ir::ScalarKind::BF16) return target_.supports_bfloat() ? "bfloat" : "ushort";
  if (e.is_pointer()) fail(func_, "pointers to pointers are not supported");
  return reg_type(e);
}

int64_t Emitter::regs(const ir::Value* v) const {
  if (!v->type().is_tensor()) return 1;
  if (const gpu::SimdgroupMatrixLayout* m = mma(v)) {
    int64_t frags = m->frags_m(v->type().shape()[0]) * m->frags_n(v->type().shape()[1]);
    return fragment_storage(v->type()) ? frags : 2 * frags;
  }
  if (const gpu::SimdgroupMatrixSliceLayout* s = gpu::simdgroup_matrix_slice_layout_of(v->type())) return s->registers_per_thread(kept_extent(v));
  return layout(v).registers_per_thread(v->type().shape());
}

int64_t Emitter::elements(const ir::Value* v) const {
  return v->type().is_tensor() && fragment_storage(v->type()) ? 2 * regs(v) : regs(v);
}

bool Emitter::fragment_storage(const ir::Type& t) const {
  if (!gpu::simdgroup_matrix_layout_of(t) || !t.element().is_scalar()) return false;
  ir::ScalarKind k = t.element().scalar_kind();
  return k == ir::ScalarKind::F16 || k == ir::ScalarKind::F32;
}

int64_t Emitter::kept_extent(const ir::Value* v) const {
  const gpu::SimdgroupMatrixSliceLayout* s = gpu::simdgroup_matrix_slice_layout_of(v->type());
  const auto& shape = v->type().shape();
  return shape.size() == 1 ? shape[0] : shape[1 - s->dim];
}

bool Emitter::same_encoding(const ir::Type& a, const ir::Type& b) const {
  if (!a.encoding() || !b.encoding()) return !a.encoding() && !b.encoding();
  return a.encoding()->equals(*b.encoding());
}

const gpu::BlockedLayout& Emitter::layout(const ir::Value* v) const {
  const gpu::BlockedLayout* l = gpu::blocked_layout_of(v->type());
  if (!l) throw LoweringError(fmt::format("kernel '{}': internal error: tensor {} has no layout", kernel_, v->type().str()));
  return *l;
}

std::string Emitter::ptr(const ir::Value* v, const std::string& k) const {
  if (!v->type().is_tensor()) return name_of(v);
  auto it = ptr_base_.find(v);
  if (it == ptr_base_.end()) throw LoweringError(fmt::format("kernel '{}': internal error: pointer tensor without a base", kernel_));
  return fmt::format("({} + {}[{}])", name_of(it->second), name_of(v), k);
}

void Emitter::set_base(const ir::Operation& op, const ir::Value* v, const ir::Value* base) {
  if (!v->type().is_tensor() || !v->type().element().is_pointer()) return;
  auto it = ptr_base_.find(v);
  if (it != ptr_base_.end() && it->second != base)
    fail(op, "a tensor of pointers that mixes different base pointers (e.g. a loop or select over two buffers) is not lowered yet");
  if (!base) fail(op, "a tensor of pointers whose base pointer cannot be traced to a splat is not lowered yet");
  ptr_base_[v] = base;
}

std::string Emitter::elem(const ir::Value* v, const std::string& k) const {
  if (!v->type().is_tensor()) return name_of(v);
  // Fragments: element k is element k % 2 of fragment k / 2 (thread_elements(), Apple's lane map).
  if (fragment_storage(v->type())) return fmt::format("{}[({}) / 2].thread_elements()[({}) % 2]", name_of(v), k, k);
  return fmt::format("{}[{}]", name_of(v), k);
}

// Per-layout thread coordinates are emitted once into the prologue: L<id>_<d> = base coordinate (wrapped).
std::string Emitter::coord(const ir::Value* v, int dim, const std::string& k) {
  if (gpu::fragment_family(v->type())) return fragment_coord(v, dim, k);
  const gpu::BlockedLayout& l = layout(v);
  const auto& shape = v->type().shape();
  std::string key = l.str() + fmt::format("{}", fmt::join(shape, "x"));
  auto it = layout_ids_.find(key);
  int id;
  if (it == layout_ids_.end()) {
    id = static_cast<int>(layout_ids_.size());
    layout_ids_[key] = id;
    prologue_ << fmt::format("  // layout {}: {} over {}\n", id, l.str(), fmt::join(shape, "x"));
    std::vector<std::string> own;
    for (int d = 0; d < l.rank(); ++d) {
      // thread_base = (simd_d * lanes_d + lane_d) * spt_d with mixed-radix digits of lane and simd.
      auto digit = [&](const std::string& var, const std::vector<int64_t>& ext) {
        int64_t div = 1;
        for (int od : l.order) {
          if (od == d) {
            if (ext[d] == 1) return std::string("0");
            return div == 1 ? fmt::format("({} % {})", var, ext[d]) : fmt::format("(({} / {}) % {})", var, div, ext[d]);
          }
          div *= ext[od];
        }
        return std::string("0");
      };
      std::string sd = digit("tm_simd", l.simds_per_group), ld = digit("tm_lane", l.lanes_per_simd);
      std::string base = sd == "0" ? ld : fmt::format("{} * {} + {}", sd, l.lanes_per_simd[d], ld);
      if (l.size_per_thread[d] > 1) base = fmt::format("({}) * {}", base, l.size_per_thread[d]);
      prologue_ << fmt::format("  const int L{}_{} = int({}) % {};\n", id, d, base, shape[d]);
      own.push_back(fmt::format("int({}) < {}", base, shape[d]));
    }
    prologue_ << fmt::format("  const bool L{}_own = {};\n", id, fmt::join(own, " && "));
  } else {
    id = it->second;
  }
  // Register offset: in-thread block fastest (by order), then repetitions of the group tile.
  auto tile = l.group_tile();
  int64_t spt_prod = 1;
  for (auto s : l.size_per_thread) spt_prod *= s;
  int64_t a = 1, b = spt_prod;
  std::string expr = fmt::format("L{}_{}", id, dim);
  for (int od : l.order) {
    int64_t reps = std::max<int64_t>(1, shape[od] / tile[od]);
    if (od == dim) {
      auto digit = [&](int64_t div, int64_t ext) {
        return div == 1 ? fmt::format("({} % {})", k, ext) : fmt::format("(({} / {}) % {})", k, div, ext);
      };
      if (l.size_per_thread[od] > 1) expr += " + " + digit(a, l.size_per_thread[od]);
      if (reps > 1) expr += fmt::format(" + {} * {}", digit(b, reps), tile[od]);
      break;
    }
    a *= l.size_per_thread[od];
    b *= reps;
  }
  return "(" + expr + ")";
}

std::string Emitter::owner(const ir::Value* v) {
  if (gpu::fragment_family(v->type())) return fragment_owner(v);
  coord(v, 0, "0");
  const gpu::BlockedLayout& l = layout(v);
  return fmt::format("L{}_own", layout_ids_[l.str() + fmt::format("{}", fmt::join(v->type().shape(), "x"))]);
}

std::string Emitter::linear(const ir::Value* v, const std::string& k) {
  const auto& shape = v->type().shape();
  std::string out;
  int64_t stride = 1;
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    if (shape[d] == 1) continue;
    std::string term = stride == 1 ? coord(v, d, k) : fmt::format("{} * {}", coord(v, d, k), stride);
    out = out.empty() ? term : term + " + " + out;
    stride *= shape[d];
  }
  return out.empty() ? "0" : out;
}

void Emitter::line(const std::string& text) { body_ << std::string(2 * indent_, ' ') << text << "\n"; }
void Emitter::open(const std::string& text) {
  line(text.empty() ? "{" : text + " {");
  ++indent_;
}
void Emitter::close(const std::string& text) {
  --indent_;
  line(text);
}
void Emitter::barrier() { line("threadgroup_barrier(mem_flags::mem_threadgroup);"); }

// The buffer's planned offset is not known until every buffer is: a placeholder `@tm_tg<id>+<offset>@` that
// run() replaces with the planned byte offset.
std::string Emitter::scratch(const std::string& type, int64_t byte_offset) {
  return fmt::format("((threadgroup {}*)(tm_scratch + @tm_tg{}+{}@))", type, current_buffer_, byte_offset);
}

void Emitter::need_scratch(const ir::Operation& op, int64_t bytes) {
  int64_t limit = target_.threadgroup_memory_bytes();
  if (bytes > limit)
    fail(op, fmt::format("needs {} bytes of threadgroup memory, more than the {} bytes of target {} (use smaller blocks)",
                         bytes, limit, target_.name()));
  // Live while its op is emitted: each use starts and ends with a barrier, so buffers of different ops may share.
  gpu::ThreadgroupBuffer b;
  b.name = fmt::format("{} at line {}", op.name(), op.loc().line);
  b.bytes = bytes;
  b.live_begin = point_;
  b.live_end = point_ + 1;
  current_buffer_ = static_cast<int>(tg_buffers_.size());
  tg_buffers_.push_back(b);
}

// Plans every threadgroup buffer by liveness (gpu/threadgroup_allocator.h) and resolves the offsets in `text`.
std::string Emitter::place_threadgroup_buffers(const std::string& text) {
  gpu::ThreadgroupPlan plan;
  try {
    plan = gpu::plan_threadgroup_memory(kernel_, tg_buffers_, target_.threadgroup_memory_bytes());
  } catch (const gpu::ThreadgroupMemoryOverflow& e) {
    if (!co_staged_.empty()) throw CoStagingOverflow{};  // emit_msl retries without co-staging
    if (options_.double_buffer && !loop_buffers_.empty()) throw DoubleBufferOverflow{};  // emit_msl retries with one stage
    throw LoweringError(fmt::format("{} (target {})", e.what(), target_.name()));
  }
  scratch_bytes_ = plan.peak_bytes;
  static const std::regex placeholder(R"(@tm_tg(-?[0-9]+)\+([0-9]+)@)");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), placeholder);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    int id = std::stoi(m[1].str());
    int64_t base = id >= 0 && id < static_cast<int>(plan.offsets.size()) ? plan.offsets[id] : 0;
    out += text.substr(last, m.position(0) - last);
    out += std::to_string(base + std::stoll(m[2].str()));
    last = m.position(0) + m.length(0);
  }
  out += text.substr(last);
  return out;
}

void Emitter::source_comment(const ir::Operation& op) {
  if (!op.loc().known() || op.loc().line == last_line_) return;
  int ln = op.loc().line;
  if (ln < 1 || ln > static_cast<int>(source_lines_.size())) return;
  last_line_ = ln;
  std::string text = source_lines_[ln - 1];
  size_t s = text.find_first_not_of(" \t");
  if (s == std::string::npos) return;
  line(fmt::format("// {}:{}: {}", *op.loc().file, ln, text.substr(s)));
}

void Emitter::declare(const ir::Value* v) {
  std::string name = name_of(v);
  if (v->type().is_tensor())
    line(fmt::format("{} {}[{}];", value_type(v), name, regs(v)));
  else
    line(fmt::format("{} {};", value_type(v), name));
}

void Emitter::emit_block(ir::Block& block) {
  for (auto& op : block.ops()) emit_op(*op);
}

void Emitter::emit_for(ir::Operation& op) {
  ir::Block& body = op.body();
  size_t n = op.num_operands() - 3;
  for (size_t i = 0; i < n; ++i) {
    ir::Value* carried = body.argument(1 + i);
    std::string hint = hints_.count(op.operand(3 + i)) ? hints_[op.operand(3 + i)] : "";
    std::string name = define(carried, hint);
    if (ptr_base_.count(op.operand(3 + i))) {
      set_base(op, carried, ptr_base_[op.operand(3 + i)]);
      set_base(op, op.result(i), ptr_base_[op.operand(3 + i)]);
    }
    declare(carried);
    if (carried->type().is_tensor())
      line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[k];", regs(carried), name, name_of(op.operand(3 + i))));
    else
      line(fmt::format("{} = {};", name, name_of(op.operand(3 + i))));
    names_[op.result(i)] = name;
  }
  std::string iv = define(body.argument(0), "iter");
  std::string ty = reg_type(body.argument(0)->type());
  // range(lb, ub, step) with a step of either sign (a step known positive keeps the plain bound test).
  const ir::Operation* step_def = op.operand(2)->defining_op();
  bool positive = step_def && step_def->is(ir::OpCode::Constant) && step_def->attr("value") &&
                  step_def->attr("value")->is<ir::IntAttr>() && step_def->attr("value")->get<ir::IntAttr>().value > 0;
  std::string ub = name_of(op.operand(1)), st = name_of(op.operand(2));
  std::string cond = positive ? fmt::format("{} < {}", iv, ub) : fmt::format("({0} > 0 ? {1} < {2} : {1} > {2})", st, iv, ub);
  stage_invariant_dot_operands(op);
  open(fmt::format("for ({} {} = {}; {}; {} += {})", ty, iv, name_of(op.operand(0)), cond, iv, st));
  for (auto& inner : body.ops()) {
    if (inner->is(ir::OpCode::Yield)) {
      for (size_t i = 0; i < n; ++i)
        if (ptr_base_.count(body.argument(1 + i))) set_base(*inner, body.argument(1 + i), ptr_base_[inner->operand(i)]);
      // Copy through temporaries when a yielded value is another carried value (a swap).
      bool alias = false;
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
          if (i != j && inner->operand(i) == body.argument(1 + j)) alias = true;
      std::vector<std::string> src;
      for (size_t i = 0; i < n; ++i) {
        ir::Value* y = inner->operand(i);
        ir::Value* c = body.argument(1 + i);
        if (y == c) {
          src.push_back("");
          continue;
        }
        if (alias) {
          std::string t = fmt::format("tm_y{}", tmp_++);
          if (y->type().is_tensor()) {
            line(fmt::format("{} {}[{}];", reg_type(y->type()), t, regs(y)));
            line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[k];", regs(y), t, name_of(y)));
          } else {
            line(fmt::format("{} {} = {};", value_type(y), t, name_of(y)));
          }
          src.push_back(t);
        } else {
          src.push_back(name_of(y));
        }
      }
      for (size_t i = 0; i < n; ++i) {
        if (src[i].empty()) continue;
        ir::Value* c = body.argument(1 + i);
        if (c->type().is_tensor())
          line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[k];", regs(c), name_of(c), src[i]));
        else
          line(fmt::format("{} = {};", name_of(c), src[i]));
      }
    } else {
      emit_op(*inner);
    }
  }
  // Double-buffered tl.dot stages stay live for the whole loop (no other buffer may share their bytes).
  if (auto it = loop_buffers_.find(&op); it != loop_buffers_.end())
    for (int id : it->second) tg_buffers_[id].live_end = point_ + 1;
  close();
}

void Emitter::emit_if(ir::Operation& op) {
  for (ir::Value* r : op.results()) {
    define(r);
    declare(r);
  }
  auto branch = [&](size_t region) {
    ir::Block& b = op.body(region);
    for (auto& inner : b.ops()) {
      if (inner->is(ir::OpCode::Yield)) {
        for (size_t i = 0; i < op.num_results(); ++i) {
          ir::Value* r = op.result(i);
          if (r->type().is_tensor() && r->type().element().is_pointer()) set_base(*inner, r, ptr_base_.count(inner->operand(i)) ? ptr_base_[inner->operand(i)] : nullptr);
          if (r->type().is_tensor())
            line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[k];", regs(r), name_of(r), name_of(inner->operand(i))));
          else
            line(fmt::format("{} = {};", name_of(r), name_of(inner->operand(i))));
        }
      } else {
        emit_op(*inner);
      }
    }
  };
  // Barriers inside a branch would be divergent only if the condition differs per thread: conditions of
  // scf.if are scalars, so every thread of the threadgroup takes the same branch.
  // Device-memory ordering (emit_memory_order.cpp): the else branch follows what preceded the if, not the then
  // branch (one of the two runs); after the if, the accesses of either path (a missing else: those before the
  // if) may be in flight, barriers inside one branch notwithstanding.
  const std::unordered_map<const ir::Value*, bool> before = writes_of_;
  open(fmt::format("if ({})", name_of(op.operand(0))));
  branch(0);
  std::unordered_map<const ir::Value*, bool> then_writes = std::move(writes_of_);
  writes_of_ = before;
  if (op.num_regions() > 1 && !op.region(1).empty() && !op.body(1).empty()) {
    close("} else {");
    ++indent_;
    branch(1);
  }
  for (const auto& [p, w] : then_writes) writes_of_[p] = writes_of_[p] || w;
  close();
}

void Emitter::assign(const ir::Value* dst, const ir::Value* src) {
  if (ptr_base_.count(src)) set_base(func_, dst, ptr_base_[src]);
  if (dst->type().is_tensor())
    line(fmt::format("for (int k = 0; k < {}; ++k) {}[k] = {}[k];", regs(dst), name_of(dst), name_of(src)));
  else
    line(fmt::format("{} = {};", name_of(dst), name_of(src)));
}

void Emitter::emit_while(ir::Operation& op) {
  ir::Block& before = op.body(0);
  ir::Block& after = op.body(1);
  // The condition is a scalar, hence the same in every thread: barriers inside the loop stay uniform.
  for (size_t i = 0; i < before.num_arguments(); ++i) {
    define(before.argument(i), hints_.count(op.operand(i)) ? hints_[op.operand(i)] : "");
    declare(before.argument(i));
    assign(before.argument(i), op.operand(i));
  }
  for (size_t i = 0; i < op.num_results(); ++i) {
    define(op.result(i));
    declare(op.result(i));
    define(after.argument(i));
    declare(after.argument(i));
  }
  open("while (true)");
  for (auto& inner : before.ops()) {
    if (inner->is(ir::OpCode::Condition)) {
      for (size_t i = 0; i < op.num_results(); ++i) {
        assign(op.result(i), inner->operand(1 + i));
        assign(after.argument(i), inner->operand(1 + i));
      }
      line(fmt::format("if (!{}) break;", name_of(inner->operand(0))));
    } else {
      emit_op(*inner);
    }
  }
  for (auto& inner : after.ops()) {
    if (inner->is(ir::OpCode::Yield)) {
      for (size_t i = 0; i < before.num_arguments(); ++i)
        if (inner->operand(i) != before.argument(i)) assign(before.argument(i), inner->operand(i));
    } else {
      emit_op(*inner);
    }
  }
  close();
}

void Emitter::emit_op(ir::Operation& op) {
  using ir::OpCode;
  if (emitted_early_.count(&op)) return;  // a prefetch op, already emitted inside its tl.dot
  ++point_;
  source_comment(op);
  switch (op.code()) {
    case OpCode::Return: line("return;"); return;
    case OpCode::For: emit_for(op); return;
    case OpCode::If: emit_if(op); return;
    case OpCode::While: emit_while(op); return;
    case OpCode::Load: emit_load(op); return;
    case OpCode::Store: emit_store(op); return;
    case OpCode::AtomicRMW:
    case OpCode::AtomicCAS: emit_atomic(op); return;
    case OpCode::Broadcast:
    case OpCode::ExpandDims:
    case OpCode::Reshape:
    case OpCode::Trans: emit_relayout(op); return;
    case OpCode::Reduce:
      gpu::fragment_family(op.operand(0)->type()) ? emit_fragment_reduce(op) : emit_reduce(op);
      return;
    case OpCode::Join:
    case OpCode::Split: emit_join_split(op); return;
    case OpCode::Histogram: emit_histogram(op); return;
    case OpCode::Scan: emit_scan(op); return;
    case OpCode::Dot: {
      ir::ScalarKind k = op.operand(0)->type().element().scalar_kind();
      bool integer = k == ir::ScalarKind::I8 || k == ir::ScalarKind::I16 || k == ir::ScalarKind::I32 || k == ir::ScalarKind::I64;
      integer ? emit_dot_int(op) : emit_dot(op);  // emit_dot_int.cpp: exact integer products, never through float
      return;
    }
    case OpCode::MakeTensorPtr:
    case OpCode::Advance: emit_block_ptr(op); return;
    case OpCode::Assert: line("// tl.device_assert: not checked on the device (as Triton without debug)"); return;
    case OpCode::Print: emit_print(op); return;  // emit_print.cpp: Metal shader logging
    case OpCode::Barrier: device_barrier(); return;  // tl.debug_barrier orders device memory too (__syncthreads)
    default: break;
  }
  bool fragments = false;
  for (const ir::Value* v : op.operands()) fragments = fragments || mma(v);
  for (const ir::Value* v : op.results()) fragments = fragments || mma(v);
  if (gpu::is_convert_layout(op)) {
    // f16 / f32 fragments move through simdgroup_store / simdgroup_load; everything else element-wise.
    if (fragment_storage(op.operand(0)->type()) || fragment_storage(op.result()->type()))
      emit_mma_convert(op);
    else
      emit_relayout(op);
    return;
  }
  if (fragments && (op.is(ir::OpCode::Constant) || op.is(ir::OpCode::Splat)) && op.num_results() == 1 && fragment_storage(op.result()->type())) {
    emit_mma_fill(op);
    return;
  }
  if (emit_elementwise(op)) return;
  fail(op, fmt::format("operation '{}' is not lowered to Metal yet", op.name()));
}

// The identifier at the start of `line` after blanks ("" when none) and the index just past it. A
// hand-written scan: std::regex recursed once per character and overflowed the stack on long names.
static std::string leading_identifier(const std::string& line, size_t& end) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  auto head = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto tail = [&](char c) { return head(c) || (c >= '0' && c <= '9'); };
  size_t i = 0;
  while (i < line.size() && blank(line[i])) ++i;
  if (i == line.size() || !head(line[i])) return "";
  size_t start = i;
  while (i < line.size() && tail(line[i])) ++i;
  end = i;
  while (end < line.size() && blank(line[end])) ++end;
  return line.substr(start, i - start);
}

// NAME when `line` is `NAME = ...` or `NAME op= ...` (op one of + - * /), else "".
static std::string assigned_name(const std::string& line) {
  size_t i = 0;
  std::string name = leading_identifier(line, i);
  if (name.empty()) return "";
  if (i < line.size() && (line[i] == '+' || line[i] == '-' || line[i] == '*' || line[i] == '/')) ++i;
  return i + 1 < line.size() && line[i] == '=' && line[i + 1] != '=' ? name : "";
}

// Source names: `NAME = expr` lines name the last value computed on that line; parameters from the def.
static void collect_hints(ir::Operation& func, const std::vector<std::string>& lines,
                          std::unordered_map<const ir::Value*, std::string>& hints) {
  // The last value computed for a source line (in program order, loops included; combine regions of
  // reductions and scans excluded) is the one the line's assignment names.
  std::map<int, const ir::Value*> last;
  std::function<void(ir::Block&)> visit = [&](ir::Block& block) {
    for (auto& op : block.ops()) {
      if (op->num_results() >= 1 && op->loc().known()) last[op->loc().line] = op->result(op->num_results() - 1);
      if (!op->is(ir::OpCode::Reduce) && !op->is(ir::OpCode::Scan))
        for (size_t r = 0; r < op->num_regions(); ++r)
          for (size_t b = 0; b < op->region(r).num_blocks(); ++b) visit(op->region(r).block(b));
    }
  };
  visit(func.body());
  for (auto [ln, v] : last) {
    if (ln < 1 || ln > static_cast<int>(lines.size())) continue;
    if (std::string name = assigned_name(lines[ln - 1]); !name.empty()) hints[v] = name;
  }
}

EmitResult Emitter::run() {
  ir::Block& body = func_.body();
  collect_hints(func_, source_lines_, hints_);
  // Parameter names from the Python def (constexpr parameters are not runtime arguments).
  std::vector<std::string> params;
  if (std::string names = func_.str_attr("tt.arg_names"); !names.empty()) {
    // Set by the front end when a parameter was specialized by value (it is then no runtime argument).
    std::stringstream ss(names);
    for (std::string p; std::getline(ss, p, ',');) params.push_back(p);
  } else if (func_.loc().known() && func_.loc().line >= 1) {
    std::string text;
    for (size_t i = func_.loc().line - 1; i < source_lines_.size(); ++i) {
      text += source_lines_[i] + " ";
      if (source_lines_[i].find("):") != std::string::npos || source_lines_[i].find(") ->") != std::string::npos) break;
    }
    size_t open_p = text.find('('), close_p = text.rfind(')');
    if (open_p != std::string::npos && close_p != std::string::npos && close_p > open_p) {
      std::stringstream ss(text.substr(open_p + 1, close_p - open_p - 1));
      for (std::string p; std::getline(ss, p, ',');) {
        if (p.find("constexpr") != std::string::npos) continue;
        size_t end = 0;
        if (std::string name = leading_identifier(p, end); !name.empty()) params.push_back(name);
      }
    }
  }
  for (size_t i = 0; i < body.num_arguments(); ++i) {
    ir::Value* a = body.argument(i);
    BufferArg arg;
    arg.index = static_cast<int>(i);
    arg.name = i < params.size() && params.size() == body.num_arguments() ? params[i] : fmt::format("arg{}", i);
    define(a, arg.name);
    arg.pointer = a->type().is_pointer();
    arg.dtype = std::string(ir::scalar_name(arg.pointer ? a->type().pointee().scalar_kind() : a->type().scalar_kind()));
    if (arg.pointer && a->type().pointee().scalar_kind() == ir::ScalarKind::BF16) uses_bf16_ = true;
    args_.push_back(arg);
  }
  // Roles: which pointer arguments reach loads, stores and atomics; those only read are `const device`.
  analyse_pointer_roles();
  std::vector<std::string> sig;
  for (size_t i = 0; i < body.num_arguments(); ++i) {
    ir::Value* a = body.argument(i);
    std::string name = name_of(a);
    if (args_[i].pointer) {
      sig.push_back(fmt::format("{}device {}* {} [[buffer({})]]", const_args_[i] ? "const " : "", storage_type(a->type().pointee()), name, i));
    } else {
      std::string t = a->type().scalar_kind() == ir::ScalarKind::BF16 ? "float" : reg_type(a->type());
      sig.push_back(fmt::format("constant {}& {} [[buffer({})]]", t, name, i));
    }
  }
  // Pointers made from integers translate host addresses through the address map, a hidden last argument.
  bool int_to_ptr = false;
  func_.walk_pre([&](ir::Operation* op) { int_to_ptr = int_to_ptr || op->is(ir::OpCode::IntToPtr); });
  int address_map = -1;
  if (int_to_ptr) {
    address_map = static_cast<int>(body.num_arguments());
    sig.push_back(fmt::format("const device ulong* tm_addr_map [[buffer({})]]", address_map));
  }
  // Loop bodies first see their carried tensors in for-loops; scf.yield inside scf.for is handled there.
  for (auto& op : body.ops()) {
    if (op->is(ir::OpCode::Return) && op.get() == body.back()) break;
    emit_op(*op);
  }

  EmitResult res;
  res.entry = kernel_;
  res.threads_per_threadgroup = options_.lowering.num_warps * options_.lowering.simd_width;
  std::ostringstream out;
  out << "// Generated by triton-metal for target " << target_.name() << " (MSL " << target_.msl_version() << ")\n";
  out << fmt::format("// kernel '{}': {} simdgroups of {} threads per threadgroup; one threadgroup per program id\n",
                     kernel_, options_.lowering.num_warps, options_.lowering.simd_width);
  if (uses_bf16_)
    out << fmt::format("// bf16: {} storage; arithmetic {} (registers are float, rounded to bf16 after each operation)\n",
                       target_.supports_bfloat() ? "MSL bfloat" : "ushort bit-pattern", target_.has_native_bfloat() ? "native" : "emulated through f32: the target has no native bf16 ALUs");
  std::string placed = place_threadgroup_buffers(body_.str());
  out << kPrelude << helpers_used_by(prologue_.str() + placed) << "\n";
  if (uses_logging_) out << "#include <metal_logging>  // tl.device_print: os_log (MSL 3.2; the emulator prints to stdout)\n\n";
  // A kernel without runtime arguments has only the position attributes (no leading comma).
  std::string user_params = sig.empty() ? std::string() : fmt::format("{},\n    ", fmt::join(sig, ",\n    "));
  out << fmt::format("kernel void {}(\n    {}uint3 tm_pid [[threadgroup_position_in_grid]],\n"
                     "    uint3 tm_npid [[threadgroups_per_grid]],\n    uint tm_tid [[thread_index_in_threadgroup]],\n"
                     "    uint tm_lane [[thread_index_in_simdgroup]],\n    uint tm_simd [[simdgroup_index_in_threadgroup]]) {{\n",
                     kernel_, user_params);
  if (scratch_bytes_ > 0) {
    int64_t words = (scratch_bytes_ + 15) / 16;
    out << fmt::format("  threadgroup float4 tm_scratch_storage[{}];  // {} bytes: {} buffers placed by liveness\n", words,
                       words * 16, tg_buffers_.size());
    out << "  threadgroup char* tm_scratch = reinterpret_cast<threadgroup char*>(&tm_scratch_storage[0]);\n";
    res.threadgroup_bytes = words * 16;
  }
  out << prologue_.str() << placed << "}\n";
  res.msl = out.str();
  res.args = args_;
  res.bf16_mode = uses_bf16_ ? (target_.has_native_bfloat() ? "native" : "emulated-f32") : "";
  res.matmul_tiles = tiles_;
  res.address_map_buffer = address_map;
  return res;
}

// Retries, in order, without what costs threadgroup memory beyond one buffer per use: co-staging, then the
// double buffer.
EmitResult emit_msl(ir::Operation& func, const target::Target& target, const EmitOptions& options) {
  EmitOptions o = options;
  for (;;) {
    try {
      Emitter e(func, target, o);
      return e.run();
    } catch (const CoStagingOverflow&) {
      o.co_stage = false;
    } catch (const DoubleBufferOverflow&) {
      o.double_buffer = false;
    }
  }
}

}  // namespace tmetal::codegen
