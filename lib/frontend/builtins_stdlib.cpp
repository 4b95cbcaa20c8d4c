// CodeGen, Triton's standard-library functions that Triton itself writes in Python from other tl ops
// (standard.py, random.py), built here from the same ops so they follow Triton's semantics exactly:
// tl.cat, tl.flip and tl.sort (bitonic network on the last axis, as standard.py's), the Philox generator
// behind tl.randint / randint4x / rand / rand4x / randn / randn4x (bit-exact with random.py: 4x32 for 32-bit
// offsets, 4x64 for 64-bit ones; 10 rounds, the same
// keys and multipliers, the same int-to-float scaling and Box-Muller transform), and Python's isinstance /
// getattr on compile-time values. Names Metal cannot provide (tl.inline_asm_elementwise) are refused here.
#include "frontend/codegen.h"

#include <fmt/format.h>

namespace tmetal::frontend {

namespace {

constexpr int64_t kPhiloxKeyA = 0x9E3779B9;
constexpr int64_t kPhiloxKeyB = 0xBB67AE85;
constexpr int64_t kPhiloxRoundA = 0xD2511F53;
constexpr int64_t kPhiloxRoundB = 0xCD9E8D57;
constexpr int64_t kPhiloxRounds = 10;
constexpr uint64_t kPhiloxKeyA64 = 0x9E3779B97F4A7C15;  // Philox-4x64 (64-bit offsets)
constexpr uint64_t kPhiloxKeyB64 = 0xBB67AE8584CAA73B;
constexpr uint64_t kPhiloxRoundA64 = 0xD2E7470EE14C6C93;
constexpr uint64_t kPhiloxRoundB64 = 0xCA5A826395121157;

int64_t log2_exact(int64_t n) {
  int64_t k = 0;
  while ((int64_t{1} << k) < n) ++k;
  return (int64_t{1} << k) == n ? k : -1;
}

// The permutation moving dimension `from` to the last position (Triton's permute: result dim i = input
// dim order[i]), and its inverse.
std::vector<int64_t> to_last(size_t rank, int64_t from) {
  std::vector<int64_t> order;
  for (int64_t d = 0; d < static_cast<int64_t>(rank); ++d)
    if (d != from) order.push_back(d);
  order.push_back(from);
  return order;
}

std::vector<int64_t> from_last(size_t rank, int64_t to) {
  std::vector<int64_t> order;
  int64_t last = static_cast<int64_t>(rank) - 1;
  for (int64_t d = 0, src = 0; d <= last; ++d) order.push_back(d == to ? last : src++);
  return order;
}

}  // namespace

// Splits `x` along dimension `dim` (size 2) into its two halves.
static std::pair<TValue, TValue> split_dim(Semantic& S, const TValue& x, int64_t dim) {
  size_t rank = x.type.shape.size();
  TValue moved = static_cast<size_t>(dim) + 1 == rank ? x : S.permute(x, to_last(rank, dim));
  return S.split(moved);
}

// Joins two halves back into dimension `dim`.
static TValue join_dim(Semantic& S, const TValue& lo, const TValue& hi, int64_t dim) {
  TValue j = S.join(lo, hi);
  size_t rank = j.type.shape.size();
  return static_cast<size_t>(dim) + 1 == rank ? j : S.permute(j, from_last(rank, dim));
}

TValue CodeGen::stdlib_builtin(const std::string& name, CallArgs& args, bool& handled) {
  handled = true;
  auto n = [](const char* s) { return ParamSpec{s}; };
  if (name == "inline_asm_elementwise")
    S_.fail("tl.inline_asm_elementwise is not supported on Metal: Apple GPUs have no inline assembly (write the operation with tl ops)");
  if (name == "cat") {
    auto a = bind("tl.cat", args, {n("input"), n("other"), opt("can_reorder", TValue::boolean(false)), opt("dim", TValue::integer(0))});
    TValue x = S_.to_tensor(a[0]), y = S_.to_tensor(a[1]);
    if (x.type.shape.size() != 1 || y.type.shape.size() != 1 || x.type.shape != y.type.shape)
      S_.fail("tl.cat concatenates two 1-D tensors of the same shape");
    if (x.type.dt != y.type.dt) S_.fail(fmt::format("tl.cat needs operands of one type, got {} and {}", x.type.element().str(), y.type.element().str()));
    // join -> [N, 2], transpose -> [2, N], flatten: x then y (an order Triton's may-reorder cat allows).
    TValue j = S_.permute(S_.join(x, y), {1, 0});
    return S_.reshape(j, {2 * x.type.shape[0]}, false);
  }
  if (name == "flip") {
    auto a = bind("tl.flip", args, {n("x"), opt("dim")});
    TValue x = S_.to_tensor(a[0]);
    int64_t rank = static_cast<int64_t>(x.type.shape.size());
    if (rank == 0) S_.fail("tl.flip needs a tensor");
    int64_t dim = a[1].kind == TValue::Kind::None ? rank - 1 : int_arg(a[1], "dim");
    if (dim < -rank || dim >= rank) S_.fail(fmt::format("tl.flip: dim {} is out of range for a tensor of rank {}", dim, rank));
    if (dim < 0) dim += rank;
    int64_t len = x.type.shape[static_cast<size_t>(dim)];
    int64_t k = log2_exact(len);
    if (k < 0) S_.fail(fmt::format("tl.flip needs a power-of-two dimension, got {}", len));
    if (k == 0) return x;
    // Reshape the flipped dimension into k dimensions of 2 (most significant bit first); reversing every
    // bit reverses the index.
    std::vector<int64_t> cube;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == dim) cube.insert(cube.end(), static_cast<size_t>(k), 2);
      else cube.push_back(x.type.shape[static_cast<size_t>(d)]);
    }
    TValue h = S_.reshape(x, cube, false);
    for (int64_t b = 0; b < k; ++b) {
      auto [lo, hi] = split_dim(S_, h, dim + b);
      h = join_dim(S_, hi, lo, dim + b);
    }
    return S_.reshape(h, x.type.shape, false);
  }
  if (name == "sort") {
    auto a = bind("tl.sort", args, {n("x"), opt("dim"), opt("descending", TValue::boolean(false))});
    TValue x = S_.to_tensor(a[0]);
    int64_t rank = static_cast<int64_t>(x.type.shape.size());
    if (rank == 0) S_.fail("tl.sort needs a tensor");
    int64_t dim = a[1].kind == TValue::Kind::None ? rank - 1 : int_arg(a[1], "dim");
    if (dim < 0) dim += rank;
    if (dim != rank - 1) S_.fail("tl.sort only sorts along the last dimension (as Triton)");
    bool descending = truthy(a[2]);
    int64_t len = x.type.shape.back();
    int64_t k = log2_exact(len);
    if (k < 0) S_.fail(fmt::format("tl.sort needs a power-of-two last dimension, got {}", len));
    if (k == 0) return x;
    int64_t p = rank - 1;  // leading dimensions; hypercube dimension q holds index bit k-1-q
    std::vector<int64_t> cube(x.type.shape.begin(), x.type.shape.end() - 1);
    cube.insert(cube.end(), static_cast<size_t>(k), 2);
    TValue h = S_.reshape(x, cube, false);
    // Bitonic sort: stage s merges runs of 2^s; step t compares elements whose indices differ in bit t.
    for (int64_t s = 1; s <= k; ++s) {
      for (int64_t t = s - 1; t >= 0; --t) {
        int64_t q = p + (k - 1 - t);
        auto [lo, hi] = split_dim(S_, h, q);
        TValue swap = S_.binary(">", lo, hi);
        // The run containing an element sorts descending when bit s of its index is set (alternating
        // runs), and in the requested order at the last stage.
        TValue desc;
        if (s == k) {
          desc = TValue::boolean(descending);
        } else {
          int64_t at = p + (k - 1 - s);  // dimension of bit s (before q, so unchanged by the split)
          std::vector<int64_t> ind(lo.type.shape.size(), 1);
          ind[static_cast<size_t>(at)] = 2;
          TValue bit = S_.reshape(S_.arange(0, 2), ind, false);
          desc = S_.binary("==", bit, TValue::integer(1));
        }
        if (desc.is_tensor() || truthy(desc)) swap = S_.binary("!=", swap, desc.is_tensor() ? desc : S_.to_tensor(desc));
        TValue new_lo = S_.where(swap, hi, lo), new_hi = S_.where(swap, lo, hi);
        h = join_dim(S_, new_lo, new_hi, q);
      }
    }
    return S_.reshape(h, x.type.shape, false);
  }
  if (name == "randint4x" || name == "randint" || name == "rand" || name == "randn" || name == "rand4x" || name == "randn4x") {
    auto a = bind("tl." + name, args, {n("seed"), n("offset"), opt("n_rounds", TValue::integer(kPhiloxRounds))});
    int64_t rounds = int_arg(a[2], "n_rounds");
    if (rounds < 0 || rounds > 64) S_.fail("n_rounds must be between 0 and 64");
    TValue seed = S_.to_tensor(a[0]);
    if (!seed.type.is_int() || seed.type.is_tensor()) S_.fail(fmt::format("the seed of tl.{} must be a scalar integer, got {}", name, seed.describe()));
    TValue offset = S_.to_tensor(a[1]);
    if (!offset.type.is_int()) S_.fail(fmt::format("the offset of tl.{} must be an integer tensor, got {}", name, offset.describe()));
    int bits = dt_bits(offset.type.dt);
    if (bits != 32 && bits != 64) S_.fail(fmt::format("tl.{} needs 32- or 64-bit offsets (Triton's Philox has no other width), got {}", name, dt_name(offset.type.dt)));
    // random.py's philox: 32-bit offsets run Philox-4x32 keyed by the seed's two halves; 64-bit offsets run
    // Philox-4x64 keyed by (seed, 0), with its own constants.
    bool wide = bits == 64;
    DT ut = wide ? DT::U64 : DT::U32;
    auto k = [&](uint64_t v) { return S_.constant(TValue::integer(static_cast<int64_t>(v)), FType::scalar(ut)); };
    TValue key_a = wide ? k(kPhiloxKeyA64) : k(kPhiloxKeyA), key_b = wide ? k(kPhiloxKeyB64) : k(kPhiloxKeyB);
    TValue round_a = wide ? k(kPhiloxRoundA64) : k(kPhiloxRoundA), round_b = wide ? k(kPhiloxRoundB64) : k(kPhiloxRoundB);
    seed = S_.cast(seed, DT::U64);
    TValue k0, k1;
    if (wide) {
      k0 = seed;
      k1 = k(0);
    } else {
      k0 = S_.cast(S_.binary("&", seed, TValue::integer(0xffffffff)), DT::U32);
      k1 = S_.cast(S_.binary("&", S_.binary(">>", seed, TValue::integer(32)), TValue::integer(0xffffffff)), DT::U32);
    }
    TValue zero = S_.binary("*", offset, TValue::integer(0));
    TValue c0 = S_.cast(offset, ut, true), c1 = S_.cast(zero, ut, true), c2 = c1, c3 = c1;
    for (int64_t r = 0; r < rounds; ++r) {
      TValue p0 = c0, p2 = c2;
      c0 = S_.binary("^", S_.binary("^", S_.umulhi(round_b, p2), c1), k0);
      c2 = S_.binary("^", S_.binary("^", S_.umulhi(round_a, p0), c3), k1);
      c1 = S_.binary("*", round_b, p2);
      c3 = S_.binary("*", round_a, p0);
      k0 = S_.binary("+", k0, key_a);
      k1 = S_.binary("+", k1, key_b);
    }
    if (name == "randint4x") return TValue::tuple({c0, c1, c2, c3});
    if (name == "randint") return c0;
    // random.py's uint_to_uniform_float: the bits as a signed integer, negatives folded, times the largest
    // scale that keeps the result below 1 (in fp32).
    auto uniform = [&](const TValue& u) {
      TValue x = S_.cast(u, wide ? DT::I64 : DT::I32, true);
      x = S_.where(S_.binary("<", x, TValue::integer(0)), S_.binary("-", S_.negate(x), TValue::integer(1)), x);
      return S_.binary("*", x, TValue::real(wide ? 1.0842020432385337e-19 : 4.6566127342e-10));
    };
    if (name == "rand") return uniform(c0);
    if (name == "rand4x") return TValue::tuple({uniform(c0), uniform(c1), uniform(c2), uniform(c3)});
    // Box-Muller, as random.py's pair_uniform_to_normal.
    auto normal_pair = [&](const TValue& a0, const TValue& a1) {
      TValue u1 = S_.minmax(TValue::real(1.0e-7), uniform(a0), true, false);
      TValue th = S_.binary("*", TValue::real(6.283185307179586), uniform(a1));
      TValue r = S_.math_unary(ir::OpCode::Sqrt, S_.binary("*", TValue::real(-2.0), S_.math_unary(ir::OpCode::Log, u1, "tl.randn")), "tl.randn");
      return std::pair{S_.binary("*", r, S_.math_unary(ir::OpCode::Cos, th, "tl.randn")), S_.binary("*", r, S_.math_unary(ir::OpCode::Sin, th, "tl.randn"))};
    };
    auto [n0, n1] = normal_pair(c0, c1);
    if (name == "randn") return n0;
    auto [n2, n3] = normal_pair(c2, c3);
    return TValue::tuple({n0, n1, n2, n3});
  }
  if (name == "py.isinstance") {
    auto a = bind("isinstance", args, {n("obj"), n("classinfo")});
    std::vector<TValue> classes = a[1].kind == TValue::Kind::Tuple ? a[1].elems : std::vector<TValue>{a[1]};
    const TValue& v = a[0];
    bool r = false;
    for (auto& c : classes) {
      if (c.kind != TValue::Kind::Builtin) S_.fail(fmt::format("isinstance() needs a class, got {}", c.describe()));
      const std::string& k = c.s;
      r = r || (k == "tl.tensor" && v.is_tensor()) || (k == "constexpr" && v.is_constexpr()) || (k == "py.int" && (v.kind == TValue::Kind::Int || v.kind == TValue::Kind::Bool))
          || (k == "py.float" && v.kind == TValue::Kind::Float) || (k == "py.bool" && v.kind == TValue::Kind::Bool) || (k == "py.str" && v.kind == TValue::Kind::Str)
          || ((k == "py.tuple" || k == "py.list") && v.kind == TValue::Kind::Tuple) || (k == "tl.dtype" && v.kind == TValue::Kind::Dtype);
    }
    return TValue::boolean(r);
  }
  if (name == "py.getattr") {
    if (args.pos.size() < 2 || args.pos.size() > 3) S_.fail("getattr() takes 2 or 3 arguments");
    std::string attr = str_arg(args.pos[1], "getattr name");
    if (args.pos.size() == 3) {
      try {
        return attribute(args.pos[0], attr, Expr(Expr::Kind::Name, S_.pos));
      } catch (const CompileError&) {
        return args.pos[2];
      }
    }
    return attribute(args.pos[0], attr, Expr(Expr::Kind::Name, S_.pos));
  }
  if (name == "pointer_type") {
    auto a = bind("tl.pointer_type", args, {n("element_ty"), opt("address_space", TValue::integer(1)), opt("const", TValue::boolean(false))});
    TValue d = TValue::dtype_of(dtype_arg(a[0], "pointer_type element type"));
    d.s = "pointer";
    return d;
  }
  if (name == "tl.tensor" || name == "tl.const" || name == "tl.dtype")
    S_.fail(fmt::format("{} is a type: it can be used in annotations and isinstance(), not called", name));
  handled = false;
  return TValue::none();
}

}  // namespace tmetal::frontend
