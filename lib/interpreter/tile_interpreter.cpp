// The float64 tile-IR interpreter: values are row-major arrays of double (pointers: a buffer and element
// offsets); every op is evaluated elementwise or by its definition (reduce/scan run their combine regions,
// dot multiplies in double).
#include "interpreter/tile_interpreter.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <numeric>
#include <unordered_map>

namespace tmetal::interp {

namespace {
using ir::OpCode;

struct TV {
  std::vector<int64_t> shape;
  std::vector<double> v;
  int buf = -1;  // >= 0: a pointer into args[buf]; v holds element offsets
  // Block pointers (tl.make_block_ptr): v = {base offset}, plus the tensor's shape, strides and block offsets.
  std::vector<double> bshape, bstride, boff;
};

int64_t numel(const std::vector<int64_t>& s) { return std::accumulate(s.begin(), s.end(), int64_t{1}, std::multiplies<>()); }

std::vector<int64_t> unravel(int64_t lin, const std::vector<int64_t>& shape) {
  std::vector<int64_t> c(shape.size());
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    c[d] = lin % shape[d];
    lin /= shape[d];
  }
  return c;
}
int64_t ravel(const std::vector<int64_t>& c, const std::vector<int64_t>& shape) {
  int64_t lin = 0;
  for (size_t d = 0; d < shape.size(); ++d) lin = lin * shape[d] + c[d];
  return lin;
}

double wrap(double x, const ir::Type& t) {
  ir::Type e = t.element();
  if (!e.is_scalar() || ir::scalar_is_float(e.scalar_kind())) return x;
  return round_to_dtype(x, std::string(ir::scalar_name(e.scalar_kind())));
}

uint64_t as_unsigned(double x, int bits) {
  auto i = static_cast<int64_t>(x);
  if (bits >= 64) return static_cast<uint64_t>(i);
  return static_cast<uint64_t>(i) & ((uint64_t{1} << bits) - 1);
}

class Interp {
 public:
  Interp(const ir::Operation& func, const std::vector<InterpArg>& args, std::array<uint32_t, 3> grid, const PrintSink& print)
      : func_(func), args_(args), grid_(grid), kernel_(func.str_attr("sym_name")), print_(print) {}

  void run_program(std::array<uint32_t, 3> pid) {
    pid_ = pid;
    env_.clear();
    const ir::Block& body = func_.body();
    for (size_t i = 0; i < body.num_arguments(); ++i) {
      TV t;
      if (body.argument(i)->type().is_pointer()) {
        t.buf = static_cast<int>(i);
        t.v = {0};
      } else {
        t.v = {wrap(args_[i].scalar, body.argument(i)->type())};
      }
      env_[body.argument(i)] = t;
    }
    run_block(body);
  }

 private:
  [[noreturn]] void fail(const ir::Operation& op, const std::string& what) const {
    std::string where = op.loc().known() ? fmt::format("{}:{}:{}: ", *op.loc().file, op.loc().line, op.loc().col) : "";
    throw InterpreterError(fmt::format("{}error: kernel '{}' (interpreter, program ({},{},{})): {}", where, kernel_, pid_[0], pid_[1],
                                       pid_[2], what));
  }
  const TV& get(const ir::Value* v) const { return env_.at(v); }

  // Runs ops until a terminator; returns the terminator (yield/return values are read by the caller).
  const ir::Operation* run_block(const ir::Block& b) {
    for (const auto& op : b.ops()) {
      if (op->has_trait(ir::trait::T)) return op.get();
      exec(*op);
    }
    return nullptr;
  }

  HostArray& buffer(const ir::Operation& op, int buf, double off, size_t* index) {
    HostArray* a = args_[buf].array;
    if (!a) fail(op, fmt::format("argument {} is not an array", buf));
    if (off < 0 || off >= static_cast<double>(a->size()))
      fail(op, fmt::format("out-of-bounds access: element {} of argument {} ({} elements)", static_cast<int64_t>(off), buf, a->size()));
    *index = static_cast<size_t>(off);
    return *a;
  }

  double scalar_fn(const ir::Operation& op, const std::vector<double>& a, const ir::Type& rt) {
    ir::Type et = op.num_operands() ? op.operand(0)->type().element() : rt.element();
    int bits = et.is_scalar() ? et.bits() : 64;
    switch (op.code()) {
      case OpCode::AddI: case OpCode::AddF: return a[0] + a[1];
      case OpCode::SubI: case OpCode::SubF: return a[0] - a[1];
      case OpCode::MulI: case OpCode::MulF: return a[0] * a[1];
      case OpCode::DivF: case OpCode::PreciseDivF: return a[0] / a[1];
      case OpCode::DivSI:
        if (a[1] == 0) fail(op, "integer division by zero");
        return std::trunc(a[0] / a[1]);
      case OpCode::RemSI:
        if (a[1] == 0) fail(op, "integer remainder by zero");
        return std::fmod(a[0], a[1]);
      case OpCode::DivUI:
        if (a[1] == 0) fail(op, "integer division by zero");
        return static_cast<double>(as_unsigned(a[0], bits) / as_unsigned(a[1], bits));
      case OpCode::RemUI:
        if (a[1] == 0) fail(op, "integer remainder by zero");
        return static_cast<double>(as_unsigned(a[0], bits) % as_unsigned(a[1], bits));
      case OpCode::AndI: return static_cast<double>(static_cast<int64_t>(a[0]) & static_cast<int64_t>(a[1]));
      case OpCode::OrI: return static_cast<double>(static_cast<int64_t>(a[0]) | static_cast<int64_t>(a[1]));
      case OpCode::XOrI: return static_cast<double>(static_cast<int64_t>(a[0]) ^ static_cast<int64_t>(a[1]));
      case OpCode::ShLI: return static_cast<double>(static_cast<int64_t>(as_unsigned(a[0], bits) << static_cast<int64_t>(a[1])));
      case OpCode::ShRSI: return static_cast<double>(static_cast<int64_t>(a[0]) >> static_cast<int64_t>(a[1]));
      case OpCode::ShRUI: return static_cast<double>(as_unsigned(a[0], bits) >> static_cast<int64_t>(a[1]));
      case OpCode::MaxSI: return std::max(a[0], a[1]);
      case OpCode::MinSI: return std::min(a[0], a[1]);
      case OpCode::MaxUI: return static_cast<double>(std::max(as_unsigned(a[0], bits), as_unsigned(a[1], bits)));
      case OpCode::MinUI: return static_cast<double>(std::min(as_unsigned(a[0], bits), as_unsigned(a[1], bits)));
      case OpCode::MulHiUI: {
        // High half of the product (bits <= 32 here; 64-bit mulhi splits into 32-bit halves).
        uint64_t x = as_unsigned(a[0], bits), y = as_unsigned(a[1], bits);
        if (bits <= 32) return static_cast<double>((x * y) >> bits);
        uint64_t xl = x & 0xffffffffu, xh = x >> 32, yl = y & 0xffffffffu, yh = y >> 32;
        uint64_t mid = (xl * yl >> 32) + (xh * yl & 0xffffffffu) + (xl * yh & 0xffffffffu);
        return static_cast<double>(xh * yh + (xh * yl >> 32) + (xl * yh >> 32) + (mid >> 32));
      }
      case OpCode::RemF: return std::fmod(a[0], a[1]);
      case OpCode::NegF: return -a[0];
      case OpCode::MaxNumF: return std::fmax(a[0], a[1]);
      case OpCode::MinNumF: return std::fmin(a[0], a[1]);
      case OpCode::MaximumF: return std::isnan(a[0]) || std::isnan(a[1]) ? NAN : std::max(a[0], a[1]);
      case OpCode::MinimumF: return std::isnan(a[0]) || std::isnan(a[1]) ? NAN : std::min(a[0], a[1]);
      case OpCode::ClampF: return std::min(std::max(a[0], a[1]), a[2]);
      case OpCode::PreciseSqrt: case OpCode::Sqrt: return std::sqrt(a[0]);
      case OpCode::Exp: return std::exp(a[0]);
      case OpCode::Exp2: return std::exp2(a[0]);
      case OpCode::Log: return std::log(a[0]);
      case OpCode::Log2: return std::log2(a[0]);
      case OpCode::Rsqrt: return 1.0 / std::sqrt(a[0]);
      case OpCode::Sin: return std::sin(a[0]);
      case OpCode::Cos: return std::cos(a[0]);
      case OpCode::Erf: return std::erf(a[0]);
      case OpCode::AbsF: case OpCode::AbsI: return std::fabs(a[0]);
      case OpCode::Floor: return std::floor(a[0]);
      case OpCode::Ceil: return std::ceil(a[0]);
      case OpCode::Fma: return a[0] * a[1] + a[2];
      case OpCode::Select: return a[0] != 0 ? a[1] : a[2];
      case OpCode::CmpI: {
        std::string p = op.str_attr("predicate");
        double x = a[0], y = a[1];
        if (p[0] == 'u') {
          x = static_cast<double>(as_unsigned(x, bits));
          y = static_cast<double>(as_unsigned(y, bits));
        }
        std::string b = p == "eq" || p == "ne" ? p : p.substr(1);
        return b == "eq" ? x == y : b == "ne" ? x != y : b == "lt" ? x < y : b == "le" ? x <= y : b == "gt" ? x > y : x >= y;
      }
      case OpCode::CmpF: {
        std::string p = op.str_attr("predicate");
        double x = a[0], y = a[1];
        bool unordered = std::isnan(x) || std::isnan(y);
        if (p == "ord") return !unordered;
        if (p == "uno") return unordered;
        std::string b = p.substr(1);
        bool r = b == "eq" ? x == y : b == "ne" ? (x < y || x > y) : b == "lt" ? x < y : b == "le" ? x <= y : b == "gt" ? x > y : x >= y;
        return p[0] == 'u' ? (unordered || r) : (!unordered && r);
      }
      case OpCode::ExtSI: case OpCode::TruncI: case OpCode::SIToFP: case OpCode::ExtF: return a[0];
      case OpCode::ExtUI: case OpCode::UIToFP: return static_cast<double>(as_unsigned(a[0], bits));
      case OpCode::TruncF: return a[0];
      case OpCode::FPToSI: case OpCode::FPToUI: return std::isnan(a[0]) ? 0 : std::trunc(a[0]);
      default: fail(op, fmt::format("'{}' is not supported by the interpreter", op.name()));
    }
  }

  void exec(const ir::Operation& op) {
    switch (op.code()) {
      case OpCode::Constant: {
        const ir::Attribute* a = op.attr("value");
        double v = a->is<ir::IntAttr>() ? static_cast<double>(a->get<ir::IntAttr>().value)
                 : a->is<ir::FloatAttr>() ? a->get<ir::FloatAttr>().value : (a->is<bool>() && a->get<bool>() ? 1.0 : 0.0);
        set_filled(op.result(), v);
        return;
      }
      case OpCode::ProgramId: set_filled(op.result(), pid_[std::clamp<int64_t>(op.int_attr("axis"), 0, 2)]); return;
      case OpCode::NumPrograms: set_filled(op.result(), grid_[std::clamp<int64_t>(op.int_attr("axis"), 0, 2)]); return;
      case OpCode::MakeRange: {
        TV t;
        t.shape = op.result()->type().shape();
        for (int64_t i = 0; i < numel(t.shape); ++i) t.v.push_back(static_cast<double>(op.int_attr("start") + i));
        env_[op.result()] = t;
        return;
      }
      case OpCode::Splat: {
        TV s = get(op.operand(0));
        TV t;
        t.shape = op.result()->type().shape();
        t.buf = s.buf;
        t.v.assign(numel(t.shape), s.v[0]);
        env_[op.result()] = t;
        return;
      }
      case OpCode::Broadcast: case OpCode::ExpandDims: case OpCode::Reshape: case OpCode::Trans: {
        const TV& s = get(op.operand(0));
        TV t;
        t.shape = op.result()->type().shape();
        t.buf = s.buf;
        t.v.resize(numel(t.shape));
        for (int64_t i = 0; i < numel(t.shape); ++i) {
          auto c = unravel(i, t.shape);
          std::vector<int64_t> sc;
          if (op.is(OpCode::Broadcast)) {
            for (size_t d = 0; d < s.shape.size(); ++d) sc.push_back(s.shape[d] == 1 ? 0 : c[d]);
          } else if (op.is(OpCode::ExpandDims)) {
            for (size_t d = 0; d < c.size(); ++d)
              if (static_cast<int64_t>(d) != op.int_attr("axis")) sc.push_back(c[d]);
          } else if (op.is(OpCode::Trans)) {
            auto order = op.array_attr("order");
            sc.assign(s.shape.size(), 0);
            for (size_t k = 0; k < order.size(); ++k) sc[order[k]] = c[k];
          } else {
            sc = unravel(i, s.shape);
          }
          t.v[i] = s.v[ravel(sc, s.shape)];
        }
        env_[op.result()] = t;
        return;
      }
      case OpCode::AddPtr: {
        TV t = get(op.operand(0));
        const TV& o = get(op.operand(1));
        for (size_t i = 0; i < t.v.size(); ++i) t.v[i] += o.v[i];
        env_[op.result()] = t;
        return;
      }
      case OpCode::MakeTensorPtr: {
        TV t = get(op.operand(0));
        size_t rank = op.result()->type().pointee().shape().size();
        for (size_t d = 0; d < rank; ++d) {
          t.bshape.push_back(get(op.operand(1 + d)).v[0]);
          t.bstride.push_back(get(op.operand(1 + rank + d)).v[0]);
          t.boff.push_back(get(op.operand(1 + 2 * rank + d)).v[0]);
        }
        env_[op.result()] = t;
        return;
      }
      case OpCode::Advance: {
        TV t = get(op.operand(0));
        for (size_t d = 0; d < t.boff.size(); ++d) t.boff[d] += get(op.operand(1 + d)).v[0];
        env_[op.result()] = t;
        return;
      }
      case OpCode::Load:
      case OpCode::Store:
        if (op.operand(0)->type().is_pointer() && op.operand(0)->type().pointee().is_tensor()) {
          block_access(op);
          return;
        }
        if (op.is(OpCode::Store)) {
          store(op);
          return;
        }
        {
        const TV& p = get(op.operand(0));
        const TV* m = op.num_operands() > 1 ? &get(op.operand(1)) : nullptr;
        const TV* o = op.num_operands() > 2 ? &get(op.operand(2)) : nullptr;
        if (p.buf < 0) fail(op, "load through a pointer the interpreter cannot trace to an argument");
        TV t;
        t.shape = op.result()->type().shape();
        if (!op.result()->type().is_tensor()) t.shape.clear();
        t.v.resize(p.v.size());
        for (size_t i = 0; i < p.v.size(); ++i) {
          if (m && m->v[i] == 0) {
            t.v[i] = o ? o->v[i] : 0;
            continue;
          }
          size_t idx;
          HostArray& a = buffer(op, p.buf, p.v[i], &idx);
          t.v[i] = a.get(idx);
        }
        env_[op.result()] = t;
        return;
      }
      case OpCode::AtomicRMW: case OpCode::AtomicCAS: {
        const TV& p = get(op.operand(0));
        if (p.buf < 0) fail(op, "atomic through an untraceable pointer");
        TV t;
        t.shape = op.result()->type().is_tensor() ? op.result()->type().shape() : std::vector<int64_t>{};
        t.v.assign(p.v.size(), 0);
        std::string kind = op.str_attr("kind", op.str_attr("rmw_op"));
        for (size_t i = 0; i < p.v.size(); ++i) {
          size_t idx;
          if (op.is(OpCode::AtomicCAS)) {
            HostArray& a = buffer(op, p.buf, p.v[i], &idx);
            double old = a.get(idx);
            if (old == get(op.operand(1)).v[i]) a.set(idx, get(op.operand(2)).v[i]);
            t.v[i] = old;
            continue;
          }
          if (op.num_operands() > 2 && get(op.operand(2)).v[i] == 0) continue;
          HostArray& a = buffer(op, p.buf, p.v[i], &idx);
          double old = a.get(idx), val = get(op.operand(1)).v[i];
          double nv = kind == "add" || kind == "fadd" ? old + val : kind == "max" || kind == "umax" ? std::max(old, val)
                    : kind == "min" || kind == "umin" ? std::min(old, val)
                    : kind == "and" ? static_cast<double>(static_cast<int64_t>(old) & static_cast<int64_t>(val))
                    : kind == "or" ? static_cast<double>(static_cast<int64_t>(old) | static_cast<int64_t>(val))
                    : kind == "xor" ? static_cast<double>(static_cast<int64_t>(old) ^ static_cast<int64_t>(val)) : val;
          a.set(idx, nv);
          t.v[i] = old;
        }
        env_[op.result()] = t;
        return;
      }
      case OpCode::Join: {
        const TV& a = get(op.operand(0));
        const TV& b = get(op.operand(1));
        TV t;
        t.shape = op.result()->type().shape();
        for (size_t i = 0; i < a.v.size(); ++i) {
          t.v.push_back(a.v[i]);
          t.v.push_back(b.v[i]);
        }
        env_[op.result()] = t;
        return;
      }
      case OpCode::Split: {
        const TV& a = get(op.operand(0));
        for (int h = 0; h < 2; ++h) {
          TV t;
          t.shape = op.result(h)->type().shape();
          for (size_t i = h; i < a.v.size(); i += 2) t.v.push_back(a.v[i]);
          env_[op.result(h)] = t;
        }
        return;
      }
      case OpCode::Histogram: {
        const TV& a = get(op.operand(0));
        TV t;
        t.shape = op.result()->type().shape();
        t.v.assign(t.shape[0], 0);
        for (double x : a.v)
          if (x >= 0 && x < static_cast<double>(t.shape[0])) t.v[static_cast<size_t>(x)] += 1;
        env_[op.result()] = t;
        return;
      }
      case OpCode::Dot: {
        const TV& a = get(op.operand(0));
        const TV& b = get(op.operand(1));
        TV c = get(op.operand(2));
        int64_t M = a.shape[0], K = a.shape[1], N = b.shape[1];
        for (int64_t i = 0; i < M; ++i)
          for (int64_t j = 0; j < N; ++j) {
            double s = 0;
            for (int64_t k = 0; k < K; ++k) s += a.v[i * K + k] * b.v[k * N + j];
            c.v[i * N + j] += s;
          }
        env_[op.result()] = c;
        return;
      }
      case OpCode::Reduce: case OpCode::Scan: reduce_or_scan(op); return;
      case OpCode::For: {
        double lb = get(op.operand(0)).v[0], ub = get(op.operand(1)).v[0], step = get(op.operand(2)).v[0];
        size_t n = op.num_operands() - 3;
        std::vector<TV> carried;
        for (size_t i = 0; i < n; ++i) carried.push_back(get(op.operand(3 + i)));
        const ir::Block& body = op.body();
        if (step == 0) fail(op, "loop step is zero");
        for (double iv = lb; step > 0 ? iv < ub : iv > ub; iv += step) {
          TV t;
          t.v = {iv};
          env_[body.argument(0)] = t;
          for (size_t i = 0; i < n; ++i) env_[body.argument(1 + i)] = carried[i];
          const ir::Operation* y = run_block(body);
          for (size_t i = 0; i < n; ++i) carried[i] = get(y->operand(i));
        }
        for (size_t i = 0; i < n; ++i) env_[op.result(i)] = carried[i];
        return;
      }
      case OpCode::While: {
        std::vector<TV> carried;
        for (size_t i = 0; i < op.num_operands(); ++i) carried.push_back(get(op.operand(i)));
        for (;;) {
          const ir::Block& before = op.body(0);
          for (size_t i = 0; i < carried.size(); ++i) env_[before.argument(i)] = carried[i];
          const ir::Operation* c = run_block(before);
          std::vector<TV> passed;
          for (size_t i = 1; i < c->num_operands(); ++i) passed.push_back(get(c->operand(i)));
          for (size_t i = 0; i < op.num_results(); ++i) env_[op.result(i)] = passed[i];
          if (get(c->operand(0)).v[0] == 0) break;
          const ir::Block& after = op.body(1);
          for (size_t i = 0; i < passed.size(); ++i) env_[after.argument(i)] = passed[i];
          const ir::Operation* y = run_block(after);
          for (size_t i = 0; i < carried.size(); ++i) carried[i] = get(y->operand(i));
        }
        return;
      }
      case OpCode::If: {
        bool c = get(op.operand(0)).v[0] != 0;
        size_t region = c ? 0 : 1;
        if (region >= op.num_regions() || op.region(region).empty()) return;
        const ir::Operation* y = run_block(op.body(region));
        for (size_t i = 0; i < op.num_results(); ++i) env_[op.result(i)] = get(y->operand(i));
        return;
      }
      case OpCode::Print: {
        if (!print_) return;
        PrintEvent e;
        e.pid = pid_;
        e.prefix = op.str_attr("prefix");
        e.hex = op.has_attr("hex");
        std::vector<int64_t> is_signed = op.array_attr("is_signed");
        for (size_t i = 0; i < op.num_operands(); ++i) {
          const ir::Type t = op.operand(i)->type();
          const TV& v = get(op.operand(i));
          PrintValue pv;
          pv.dtype = std::string(ir::scalar_name(t.element().scalar_kind()));
          bool unsigned_int = i < is_signed.size() && !is_signed[i] && pv.dtype[0] == 'i' && pv.dtype != "i1";
          if (unsigned_int) pv.dtype[0] = 'u';  // the IR's integers carry no sign; the print records it
          pv.shape = v.shape;
          pv.data = v.v;
          e.values.push_back(std::move(pv));
        }
        print_(e);
        return;
      }
      case OpCode::IntToPtr:
        // The interpreter runs on copies of the launch's arrays, so no host address points into its memory.
        fail(op, "a pointer made from an integer (x.to(tl.pointer_type(...))) cannot be followed by the interpreter, "
                 "which runs on copies of the arrays; use the emulator (or the Metal device)");
      case OpCode::Assert: case OpCode::Barrier: return;
      default: break;
    }
    elementwise(op);
  }

  void elementwise(const ir::Operation& op) {
    // Elementwise (scalars or tensors of one shape; a scalar operand broadcasts).
    if (op.num_results() != 1) fail(op, fmt::format("'{}' is not supported by the interpreter", op.name()));
    const ir::Type rt = op.result()->type();
    TV t;
    t.shape = rt.is_tensor() ? rt.shape() : std::vector<int64_t>{};
    int64_t n = numel(t.shape);
    t.v.resize(n);
    std::vector<const TV*> in;
    for (const ir::Value* v : op.operands()) in.push_back(&get(v));
    if (op.is(OpCode::Select) && in.size() == 3 && in[1]->buf != in[2]->buf) {
      // A select of pointers into two buffers takes the buffer its condition picks (one per tensor: a
      // condition that picks both buffers in one tensor is refused, as the emitter refuses it).
      bool any = false, all = true;
      for (double c : in[0]->v) {
        if (c != 0) any = true;
        else all = false;
      }
      if (any && !all) fail(op, "a select of pointers into two buffers whose condition differs per element is not supported");
      t.buf = all ? in[1]->buf : in[2]->buf;
    } else if (op.is(OpCode::Select) && in.size() == 3) {
      t.buf = in[1]->buf;
    }
    std::vector<double> a(in.size());
    for (int64_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < in.size(); ++j) a[j] = in[j]->v[in[j]->v.size() == 1 ? 0 : i];
      t.v[i] = wrap(scalar_fn(op, a, rt), rt);
    }
    env_[op.result()] = t;
  }

  void block_access(const ir::Operation& op) {
    bool load = op.is(OpCode::Load);
    const TV& bp = get(op.operand(0));
    std::vector<int64_t> shape = op.operand(0)->type().pointee().shape();
    std::vector<int64_t> check = op.array_attr("boundary_check");
    TV t;
    if (load) {
      t.shape = shape;
      t.v.assign(numel(shape), op.str_attr("padding") == "nan" ? NAN : 0.0);
    }
    const TV* val = load ? nullptr : &get(op.operand(1));
    for (int64_t i = 0; i < numel(shape); ++i) {
      auto c = unravel(i, shape);
      double addr = bp.v[0];
      bool in = true;
      for (size_t d = 0; d < shape.size(); ++d) {
        double idx = bp.boff[d] + static_cast<double>(c[d]);
        addr += idx * bp.bstride[d];
        if (std::find(check.begin(), check.end(), static_cast<int64_t>(d)) != check.end() && (idx < 0 || idx >= bp.bshape[d])) in = false;
      }
      if (!in) continue;
      size_t index;
      HostArray& a = buffer(op, bp.buf, addr, &index);
      if (load) t.v[i] = a.get(index);
      else a.set(index, val->v[i]);
    }
    if (load) env_[op.result()] = t;
  }

  void store(const ir::Operation& op) {
    {
      {
        const TV& p = get(op.operand(0));
        const TV& v = get(op.operand(1));
        const TV* m = op.num_operands() > 2 ? &get(op.operand(2)) : nullptr;
        if (p.buf < 0) fail(op, "store through a pointer the interpreter cannot trace to an argument");
        for (size_t i = 0; i < p.v.size(); ++i) {
          if (m && m->v[i] == 0) continue;
          size_t idx;
          HostArray& a = buffer(op, p.buf, p.v[i], &idx);
          a.set(idx, v.v[v.v.size() == 1 ? 0 : i]);
        }
      }
    }
  }

  void set_filled(const ir::Value* r, double v) {
    TV t;
    t.shape = r->type().is_tensor() ? r->type().shape() : std::vector<int64_t>{};
    t.v.assign(numel(t.shape), wrap(v, r->type()));
    env_[r] = t;
  }

  std::vector<double> combine(const ir::Operation& op, const std::vector<double>& acc, const std::vector<double>& cur) {
    const ir::Block& body = op.body();
    size_t n = acc.size();
    for (size_t i = 0; i < n; ++i) {
      env_[body.argument(i)] = TV{{}, {acc[i]}, -1};
      env_[body.argument(n + i)] = TV{{}, {cur[i]}, -1};
    }
    const ir::Operation* ret = run_block(body);
    std::vector<double> out;
    for (size_t i = 0; i < n; ++i) out.push_back(get(ret->operand(i)).v[0]);
    return out;
  }

  void reduce_or_scan(const ir::Operation& op) {
    bool scan = op.is(OpCode::Scan);
    bool reverse = scan && op.has_attr("reverse") && op.attr("reverse")->is<bool>() && op.attr("reverse")->get<bool>();
    size_t n = op.num_operands();
    auto shape = op.operand(0)->type().shape();
    int64_t axis = op.int_attr("axis");
    int64_t len = shape[axis], inner = 1;
    for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
    int64_t outer = numel(shape) / (len * inner);
    std::vector<TV> res(n);
    for (size_t i = 0; i < n; ++i) {
      res[i].shape = op.result(i)->type().is_tensor() ? op.result(i)->type().shape() : std::vector<int64_t>{};
      res[i].v.assign(scan ? numel(shape) : outer * inner, 0);
    }
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) {
        std::vector<double> acc(n);
        for (int64_t step = 0; step < len; ++step) {
          int64_t j = reverse ? len - 1 - step : step;
          int64_t idx = (o * len + j) * inner + in;
          std::vector<double> cur(n);
          for (size_t i = 0; i < n; ++i) cur[i] = get(op.operand(i)).v[idx];
          acc = step == 0 ? cur : combine(op, acc, cur);
          if (scan)
            for (size_t i = 0; i < n; ++i) res[i].v[idx] = acc[i];
        }
        if (!scan)
          for (size_t i = 0; i < n; ++i) res[i].v[o * inner + in] = acc[i];
      }
    for (size_t i = 0; i < n; ++i) env_[op.result(i)] = res[i];
  }

  const ir::Operation& func_;
  const std::vector<InterpArg>& args_;
  std::array<uint32_t, 3> grid_;
  std::string kernel_;
  const PrintSink& print_;
  std::array<uint32_t, 3> pid_{};
  std::unordered_map<const ir::Value*, TV> env_;
};

std::string format_element(double x, const std::string& dtype, bool hex) {
  bool is_float = dtype == "f32" || dtype == "f16" || dtype == "bf16";
  if (dtype == "i1") return x != 0 ? "True" : "False";
  if (hex) {
    uint64_t bits = 0;
    if (dtype == "f32") {
      float f = static_cast<float>(x);
      uint32_t b;
      std::memcpy(&b, &f, 4);
      bits = b;
    } else if (!is_float) {
      int width = dtype.size() > 1 ? std::atoi(dtype.c_str() + 1) : 64;
      bits = as_unsigned(x, width);
    } else {
      return fmt::format("{}", x);  // f16/bf16 bits are not held by the interpreter (it computes in double)
    }
    return fmt::format("0x{:02x}", bits);
  }
  if (dtype[0] == 'u') return fmt::format("{}", as_unsigned(x, std::atoi(dtype.c_str() + 1)));
  if (!is_float) return fmt::format("{}", static_cast<int64_t>(x));
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::string t = fmt::format("{:.8g}", x);
  if (t.find_first_of(".en") == std::string::npos) t += ".";
  return t;
}

}  // namespace

std::string format_print(const PrintEvent& e) {
  std::string head = fmt::format("({}, {}, {})", e.pid[0], e.pid[1], e.pid[2]);
  if (!e.prefix.empty()) head += " " + e.prefix;
  std::string out;
  for (const PrintValue& v : e.values) {
    // Nested brackets per dimension, as NumPy prints an array (a scalar is a 1-element array).
    std::vector<int64_t> shape = v.shape.empty() ? std::vector<int64_t>{1} : v.shape;
    std::string body;
    std::function<void(size_t, int64_t&)> dim = [&](size_t d, int64_t& at) {
      body += "[";
      for (int64_t i = 0; i < shape[d]; ++i) {
        if (i) body += d + 1 == shape.size() ? " " : std::string("\n") + std::string(d + 1, ' ');
        if (d + 1 == shape.size()) body += format_element(v.data[static_cast<size_t>(at++)], v.dtype, e.hex);
        else dim(d + 1, at);
      }
      body += "]";
    };
    int64_t at = 0;
    dim(0, at);
    out += head + " " + body + "\n";
  }
  return out;
}

void interpret(const ir::Operation& func, std::array<uint32_t, 3> grid, const std::vector<InterpArg>& args, const PrintSink& print) {
  if (args.size() != func.body().num_arguments())
    throw InterpreterError(fmt::format("kernel '{}' takes {} arguments, {} given", func.str_attr("sym_name"), func.body().num_arguments(), args.size()));
  Interp in(func, args, grid, print);
  for (uint32_t z = 0; z < grid[2]; ++z)
    for (uint32_t y = 0; y < grid[1]; ++y)
      for (uint32_t x = 0; x < grid[0]; ++x) in.run_program({x, y, z});
}

}  // namespace tmetal::interp
