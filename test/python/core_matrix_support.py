# Shared part of the acceptance matrix (test_core_matrix_*.py): Triton's promotion rules, NumPy
# references, operand generators, and the kernels, each evaluating many cases per compiled object.
import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl

DTYPES = ["int8", "int16", "int32", "uint8", "uint32", "float16", "float32", "bfloat16"]
TL = {"int8": tl.int8, "int16": tl.int16, "int32": tl.int32, "uint8": tl.uint8, "uint32": tl.uint32,
      "float16": tl.float16, "float32": tl.float32, "bfloat16": tl.bfloat16}
BINOPS = ["+", "-", "*", "/", "%", "//", "&", "|", "^", "<<", ">>", "<", "<=", ">", ">=", "==", "!=",
          "minimum", "maximum"]
SHAPES = [37, 1000]
BLOCK = 256


# ---------------------------------------------------------------- Triton's promotion rules (semantic.py)
def _is_float(d):
    return d in ("float16", "float32", "bfloat16")


def _bits(d):
    return {"int8": 8, "int16": 16, "int32": 32, "uint8": 8, "uint32": 32, "float16": 16, "float32": 32,
            "bfloat16": 16}[d]


def _unsigned(d):
    return d.startswith("uint")


def integer_promote(a, b):
    if _unsigned(a) == _unsigned(b):
        return a if _bits(a) > _bits(b) else b
    if _unsigned(a):
        return a if _bits(a) >= _bits(b) else b
    return b if _bits(b) >= _bits(a) else a


def computation_type(a, b, div_or_mod):
    if a == "float32" or b == "float32":
        return "float32"
    if a == "float16" or b == "float16":
        return "float32" if div_or_mod else "float16"
    if a == "bfloat16" and b == "bfloat16":
        return "float32" if div_or_mod else "bfloat16"
    if a == "bfloat16" or b == "bfloat16":
        return "float32"
    if div_or_mod and _unsigned(a) != _unsigned(b):
        return None  # Triton raises: different signedness
    return integer_promote(a, b)


def op_applies(op, a, b):
    ints = not _is_float(a) and not _is_float(b)
    if op in ("&", "|", "^", "<<", ">>", "//"):
        return ints and (op != "//" or _unsigned(a) == _unsigned(b))
    if op in ("/", "%"):
        return computation_type(a, b, True) is not None
    return True


# ---------------------------------------------------------------- NumPy reference
def _np(d):
    return np.float32 if d == "bfloat16" else np.dtype(d).type


def bf16_round(v):
    """Rounds float32 values to bfloat16 (round to nearest even), returned as float32."""
    u = np.asarray(v, np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000
    return u.astype(np.uint32).view(np.float32)


def to_type(v, d):
    if d == "bfloat16":
        return bf16_round(np.asarray(v, np.float32))
    return np.asarray(v).astype(_np(d))


def ref_binop(op, x, y, a, b):
    """float64 (or exact) reference of `x op y` for dtypes a, b: operands cast to Triton's computation
    type and the operation done (and rounded) in that type."""
    with np.errstate(all="ignore"):
        if op == "/":
            ct = computation_type(a, b, True)
            if not _is_float(ct):
                ct = "float32"
            xs, ys = to_type(x, ct), to_type(y, ct)
            return to_type(xs.astype(np.float64) / ys.astype(np.float64), ct), ct
        if op in ("%", "//"):
            ct = computation_type(a, b, True)
            xs, ys = to_type(x, ct), to_type(y, ct)
            if _is_float(ct):
                return to_type(np.fmod(xs.astype(np.float64), ys.astype(np.float64)), ct), ct
            x64, y64 = xs.astype(np.int64), ys.astype(np.int64)
            q = np.trunc(x64 / y64).astype(np.int64)  # C: truncation
            return to_type(q if op == "//" else x64 - q * y64, ct), ct
        if op in ("&", "|", "^", "<<", ">>"):
            ct = integer_promote(a, b)
            xs, ys = to_type(x, ct), to_type(y, ct)
            f = {"&": np.bitwise_and, "|": np.bitwise_or, "^": np.bitwise_xor, "<<": np.left_shift,
                 ">>": np.right_shift}[op]
            return f(xs, ys).astype(_np(ct)), ct
        ct = computation_type(a, b, False)
        xs, ys = to_type(x, ct), to_type(y, ct)
        if op in ("<", "<=", ">", ">=", "==", "!="):
            f = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "==": np.equal,
                 "!=": np.not_equal}[op]
            return f(xs, ys), "int1"
        if op in ("minimum", "maximum"):
            return (np.minimum if op == "minimum" else np.maximum)(xs, ys), ct
        if _is_float(ct):
            f = {"+": np.add, "-": np.subtract, "*": np.multiply}[op]
            return to_type(f(xs.astype(np.float64), ys.astype(np.float64)), ct), ct
        f = {"+": np.add, "-": np.subtract, "*": np.multiply}[op]
        return f(xs, ys).astype(_np(ct)), ct


# ---------------------------------------------------------------- operands
def operands(d, n, seed, divisor=False, shift=False):
    rng = np.random.default_rng(seed)
    if shift:
        v = rng.integers(0, 8, n)
    elif _is_float(d):
        v = rng.uniform(-8, 8, n)
        v[np.abs(v) < 0.25] = 0.5 if divisor else v[np.abs(v) < 0.25]
    elif _unsigned(d):
        v = rng.integers(1 if divisor else 0, 120, n)
    else:
        v = rng.integers(-60, 60, n)
        if divisor:
            v[v == 0] = 7
    v = v.astype(np.float64)
    if d == "bfloat16":
        v = bf16_round(v.astype(np.float32)).astype(np.float64)
    if d == "float16":
        v = v.astype(np.float16).astype(np.float64)
    return v


def as_device_array(v, d):
    if d == "bfloat16":
        bits = (bf16_round(v.astype(np.float32)).view(np.uint32) >> 16).astype(np.uint16)
        return triton.reinterpret(bits, tl.bfloat16)
    return v.astype(_np(d))


# ---------------------------------------------------------------- kernels
@triton.jit
def _all_binops(x, y, out_ptr, offs, m, n, J: tl.constexpr, NOPS: tl.constexpr, INTS: tl.constexpr,
                DIVMOD: tl.constexpr, IDIV: tl.constexpr):
    base = out_ptr + J * NOPS * n + offs
    tl.store(base + 0 * n, (x + y).to(tl.float32), mask=m)
    tl.store(base + 1 * n, (x - y).to(tl.float32), mask=m)
    tl.store(base + 2 * n, (x * y).to(tl.float32), mask=m)
    if DIVMOD:
        tl.store(base + 3 * n, (x / y).to(tl.float32), mask=m)
        tl.store(base + 4 * n, (x % y).to(tl.float32), mask=m)
    if IDIV:
        tl.store(base + 5 * n, (x // y).to(tl.float32), mask=m)
    if INTS:
        tl.store(base + 6 * n, (x & y).to(tl.float32), mask=m)
        tl.store(base + 7 * n, (x | y).to(tl.float32), mask=m)
        tl.store(base + 8 * n, (x ^ y).to(tl.float32), mask=m)
    tl.store(base + 11 * n, (x < y).to(tl.float32), mask=m)
    tl.store(base + 12 * n, (x <= y).to(tl.float32), mask=m)
    tl.store(base + 13 * n, (x > y).to(tl.float32), mask=m)
    tl.store(base + 14 * n, (x >= y).to(tl.float32), mask=m)
    tl.store(base + 15 * n, (x == y).to(tl.float32), mask=m)
    tl.store(base + 16 * n, (x != y).to(tl.float32), mask=m)
    tl.store(base + 17 * n, tl.minimum(x, y).to(tl.float32), mask=m)
    tl.store(base + 18 * n, tl.maximum(x, y).to(tl.float32), mask=m)


@triton.jit
def _shifts(x, s, out_ptr, offs, m, n, J: tl.constexpr, NOPS: tl.constexpr, INTS: tl.constexpr):
    if INTS:
        base = out_ptr + J * NOPS * n + offs
        tl.store(base + 9 * n, (x << s).to(tl.float32), mask=m)
        tl.store(base + 10 * n, (x >> s).to(tl.float32), mask=m)


@triton.jit
def binop_matrix_kernel(x_ptr, y0, y1, y2, y3, y4, y5, y6, y7, s0, s1, s2, s3, s4, s5, s6, s7, out_ptr, n,
                        BLOCK: tl.constexpr, NOPS: tl.constexpr, INTS: tl.constexpr, DIVMOD: tl.constexpr,
                        IDIV: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=1)
    _all_binops(x, tl.load(y0 + offs, mask=m, other=1), out_ptr, offs, m, n, 0, NOPS, INTS & 1, DIVMOD & 1, IDIV & 1)
    _all_binops(x, tl.load(y1 + offs, mask=m, other=1), out_ptr, offs, m, n, 1, NOPS, INTS & 2, DIVMOD & 2, IDIV & 2)
    _all_binops(x, tl.load(y2 + offs, mask=m, other=1), out_ptr, offs, m, n, 2, NOPS, INTS & 4, DIVMOD & 4, IDIV & 4)
    _all_binops(x, tl.load(y3 + offs, mask=m, other=1), out_ptr, offs, m, n, 3, NOPS, INTS & 8, DIVMOD & 8, IDIV & 8)
    _all_binops(x, tl.load(y4 + offs, mask=m, other=1), out_ptr, offs, m, n, 4, NOPS, INTS & 16, DIVMOD & 16,
                IDIV & 16)
    _all_binops(x, tl.load(y5 + offs, mask=m, other=1), out_ptr, offs, m, n, 5, NOPS, INTS & 32, DIVMOD & 32,
                IDIV & 32)
    _all_binops(x, tl.load(y6 + offs, mask=m, other=1), out_ptr, offs, m, n, 6, NOPS, INTS & 64, DIVMOD & 64,
                IDIV & 64)
    _all_binops(x, tl.load(y7 + offs, mask=m, other=1), out_ptr, offs, m, n, 7, NOPS, INTS & 128, DIVMOD & 128,
                IDIV & 128)
    _shifts(x, tl.load(s0 + offs, mask=m, other=0), out_ptr, offs, m, n, 0, NOPS, INTS & 1)
    _shifts(x, tl.load(s1 + offs, mask=m, other=0), out_ptr, offs, m, n, 1, NOPS, INTS & 2)
    _shifts(x, tl.load(s2 + offs, mask=m, other=0), out_ptr, offs, m, n, 2, NOPS, INTS & 4)
    _shifts(x, tl.load(s3 + offs, mask=m, other=0), out_ptr, offs, m, n, 3, NOPS, INTS & 8)
    _shifts(x, tl.load(s4 + offs, mask=m, other=0), out_ptr, offs, m, n, 4, NOPS, INTS & 16)
    _shifts(x, tl.load(s5 + offs, mask=m, other=0), out_ptr, offs, m, n, 5, NOPS, INTS & 32)
    _shifts(x, tl.load(s6 + offs, mask=m, other=0), out_ptr, offs, m, n, 6, NOPS, INTS & 64)
    _shifts(x, tl.load(s7 + offs, mask=m, other=0), out_ptr, offs, m, n, 7, NOPS, INTS & 128)


_memo = {}


def binop_results(a, n):
    """Runs the kernel for left-hand dtype `a` at length n once: {(b, op): (got float32, operands)}."""
    key = ("bin", a, n)
    if key in _memo:
        return _memo[key]
    x = operands(a, n, 1)
    ys = [operands(b, n, 2 + j, divisor=True) for j, b in enumerate(DTYPES)]
    ss = [operands(b, n, 20 + j, shift=True) for j, b in enumerate(DTYPES)]
    ints = divmod_ = idiv = 0
    for j, b in enumerate(DTYPES):
        ints |= (op_applies("&", a, b)) << j
        divmod_ |= (op_applies("%", a, b)) << j
        idiv |= (op_applies("//", a, b)) << j
    out = np.full(len(DTYPES) * len(BINOPS) * n, np.nan, np.float32)
    binop_matrix_kernel[(triton.cdiv(n, BLOCK),)](
        as_device_array(x, a), *[as_device_array(y, b) for y, b in zip(ys, DTYPES)],
        *[as_device_array(s, b) for s, b in zip(ss, DTYPES)], out, n,
        BLOCK=BLOCK, NOPS=len(BINOPS), INTS=ints, DIVMOD=divmod_, IDIV=idiv)
    res = {}
    for j, b in enumerate(DTYPES):
        for k, op in enumerate(BINOPS):
            got = out[(j * len(BINOPS) + k) * n:(j * len(BINOPS) + k + 1) * n]
            res[(b, op)] = (got, x, ss[j] if op in ("<<", ">>") else ys[j])
    _memo[key] = res
    return res


TOL = {"float32": 2e-6, "float16": 1e-3, "bfloat16": 8e-3}


# ---------------------------------------------------------------- binary cases (two test files, split by the
# left-hand dtype so that each CTest test stays well under a minute cold)
def bin_cases(lhs_dtypes):
    for n in SHAPES:
        for a in lhs_dtypes:
            for b in DTYPES:
                for op in BINOPS:
                    if op_applies(op, a, b):
                        yield pytest.param(op, a, b, n, id=f"{a}{op}{b}-n{n}")


def binary_matrix(lhs_dtypes):
    """The parametrized binary-operator test for these left-hand dtypes, and its case generator."""
    def cases():
        return bin_cases(lhs_dtypes)

    @pytest.mark.parametrize("op,a,b,n", list(cases()))
    def test_binary_op(op, a, b, n):
        check_binary_case(op, a, b, n)
    return test_binary_op, cases


def reduce_matrix(dtypes):
    """The parametrized reduction/scan test for these dtypes, and its case generator."""
    def cases():
        return red_cases(dtypes)

    @pytest.mark.parametrize("op,d,shape,axis", list(cases()))
    def test_reduction(op, d, shape, axis):
        check_reduce_case(op, d, shape, axis)
    return test_reduction, cases


def check_binary_case(op, a, b, n):
    got, x, y = binop_results(a, n)[(b, op)]
    want, rt = ref_binop(op, x, y, a, b)
    want = np.asarray(want).astype(np.float64)
    if rt in TOL:
        np.testing.assert_allclose(got.astype(np.float64), want, rtol=TOL[rt], atol=TOL[rt])
    else:
        np.testing.assert_array_equal(got.astype(np.float64), want.astype(np.float32).astype(np.float64))


# ---------------------------------------------------------------- unary functions
UNARY = ["neg", "abs", "exp", "exp2", "log", "log2", "sqrt", "rsqrt", "sin", "cos", "floor", "ceil", "sigmoid",
         "erf", "invert", "not"]


def unary_applies(op, d):
    if op in ("invert",):
        return not _is_float(d)
    if op in ("exp", "exp2", "log", "log2", "sqrt", "rsqrt", "sin", "cos", "floor", "ceil", "sigmoid", "erf"):
        return _is_float(d)
    if op == "neg":
        return not _unsigned(d)
    return True


@triton.jit
def unary_matrix_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr, FLOAT: tl.constexpr, SIGNED: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=1)
    if SIGNED:
        tl.store(out_ptr + 0 * n + offs, (-x).to(tl.float32), mask=m)
    tl.store(out_ptr + 1 * n + offs, tl.abs(x).to(tl.float32), mask=m)
    if FLOAT:
        tl.store(out_ptr + 2 * n + offs, tl.exp(x).to(tl.float32), mask=m)
        tl.store(out_ptr + 3 * n + offs, tl.exp2(x).to(tl.float32), mask=m)
        tl.store(out_ptr + 4 * n + offs, tl.log(tl.abs(x)).to(tl.float32), mask=m)
        tl.store(out_ptr + 5 * n + offs, tl.log2(tl.abs(x)).to(tl.float32), mask=m)
        tl.store(out_ptr + 6 * n + offs, tl.sqrt(tl.abs(x)).to(tl.float32), mask=m)
        tl.store(out_ptr + 7 * n + offs, tl.rsqrt(tl.abs(x)).to(tl.float32), mask=m)
        tl.store(out_ptr + 8 * n + offs, tl.sin(x).to(tl.float32), mask=m)
        tl.store(out_ptr + 9 * n + offs, tl.cos(x).to(tl.float32), mask=m)
        tl.store(out_ptr + 10 * n + offs, tl.floor(x).to(tl.float32), mask=m)
        tl.store(out_ptr + 11 * n + offs, tl.ceil(x).to(tl.float32), mask=m)
        tl.store(out_ptr + 12 * n + offs, tl.sigmoid(x).to(tl.float32), mask=m)
        tl.store(out_ptr + 13 * n + offs, tl.erf(x).to(tl.float32), mask=m)
    else:
        tl.store(out_ptr + 14 * n + offs, (~x).to(tl.float32), mask=m)
    tl.store(out_ptr + 15 * n + offs, (x == 0).to(tl.float32), mask=m)


def unary_results(d, n):
    key = ("un", d, n)
    if key not in _memo:
        x = operands(d, n, 5, divisor=True)
        out = np.full(len(UNARY) * n, np.nan, np.float32)
        unary_matrix_kernel[(triton.cdiv(n, BLOCK),)](as_device_array(x, d), out, n, BLOCK=BLOCK,
                                                      FLOAT=_is_float(d), SIGNED=not _unsigned(d))
        _memo[key] = (out, x)
    return _memo[key]


def ref_unary(op, x, d):
    import math
    xd = to_type(x, d).astype(np.float64)
    f = {"neg": lambda v: -v, "abs": np.abs, "exp": np.exp, "exp2": np.exp2, "log": lambda v: np.log(np.abs(v)),
         "log2": lambda v: np.log2(np.abs(v)), "sqrt": lambda v: np.sqrt(np.abs(v)),
         "rsqrt": lambda v: 1 / np.sqrt(np.abs(v)), "sin": np.sin, "cos": np.cos, "floor": np.floor,
         "ceil": np.ceil, "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
         "erf": np.vectorize(math.erf), "not": lambda v: (v == 0).astype(np.float64)}
    if op == "invert":
        return (~to_type(x, d)).astype(np.float64)
    if op in ("neg", "abs") and not _is_float(d):
        return f[op](to_type(x, d)).astype(_np(d)).astype(np.float64)
    return f[op](xd)


# ---------------------------------------------------------------- reductions and scans
RED_SHAPES = [(4, 32), (16, 128)]
REDUCE_OPS = ["sum", "max", "min", "argmax", "argmin", "xor_sum", "cumsum", "cumprod"]


@triton.jit
def _reduce_along(x, out_ptr, rows, cols, R: tl.constexpr, C: tl.constexpr, AXIS: tl.constexpr, INT: tl.constexpr):
    K: tl.constexpr = C if AXIS == 0 else R
    o = tl.arange(0, K)
    tl.store(out_ptr + 0 * K + o, tl.sum(x, axis=AXIS).to(tl.float32))
    tl.store(out_ptr + 1 * K + o, tl.max(x, axis=AXIS).to(tl.float32))
    tl.store(out_ptr + 2 * K + o, tl.min(x, axis=AXIS).to(tl.float32))
    tl.store(out_ptr + 3 * K + o, tl.argmax(x, axis=AXIS).to(tl.float32))
    tl.store(out_ptr + 4 * K + o, tl.argmin(x, axis=AXIS).to(tl.float32))
    if INT:
        tl.store(out_ptr + 5 * K + o, tl.xor_sum(x, axis=AXIS).to(tl.float32))
    full = out_ptr + 8 * K + rows * C + cols
    tl.store(full, tl.cumsum(x, axis=AXIS).to(tl.float32))
    tl.store(full + R * C, tl.cumprod(x, axis=AXIS).to(tl.float32))


@triton.jit
def reduce_matrix_kernel(x0_ptr, x1_ptr, out0_ptr, out1_ptr, R: tl.constexpr, C: tl.constexpr, INT: tl.constexpr):
    # Both axes in one compiled object, each on its own random input.
    rows = tl.arange(0, R)[:, None]
    cols = tl.arange(0, C)[None, :]
    _reduce_along(tl.load(x0_ptr + rows * C + cols), out0_ptr, rows, cols, R, C, 0, INT)
    _reduce_along(tl.load(x1_ptr + rows * C + cols), out1_ptr, rows, cols, R, C, 1, INT)


def _reduce_input(d, shape, axis):
    R, C = shape
    rng = np.random.default_rng(R * 1000 + C + axis)
    if _is_float(d):
        v = rng.uniform(0.8, 1.25, R * C) * rng.choice([-1, 1], R * C)
    else:
        v = rng.integers(0 if _unsigned(d) else -3, 4, R * C).astype(np.float64)
    return to_type(v, d).astype(np.float64)


def reduce_results(d, shape, axis):
    key = ("red", d, shape, axis)
    if key not in _memo:
        R, C = shape
        vs = [_reduce_input(d, shape, ax) for ax in (0, 1)]
        outs = [np.full(8 * (C if ax == 0 else R) + 2 * R * C, np.nan, np.float32) for ax in (0, 1)]
        reduce_matrix_kernel[(1,)](as_device_array(vs[0], d), as_device_array(vs[1], d), outs[0], outs[1], R=R, C=C,
                                   INT=not _is_float(d))
        for ax in (0, 1):
            _memo[("red", d, shape, ax)] = (outs[ax], vs[ax].reshape(R, C))
    return _memo[key]


def ref_reduce(op, x, d, axis):
    if op == "sum":
        if _is_float(d):
            return x.sum(axis=axis)  # f16/bf16 sums accumulate in their type: compared with the type's tolerance
        acc = "int32" if not _unsigned(d) else "uint32"
        return to_type(x, d).astype(_np(acc)).sum(axis=axis, dtype=_np(acc)).astype(np.float64)
    if op == "max":
        return x.max(axis=axis)
    if op == "min":
        return x.min(axis=axis)
    if op in ("argmax", "argmin"):
        return (x.argmax(axis=axis) if op == "argmax" else x.argmin(axis=axis)).astype(np.float64)  # first index
    if op == "xor_sum":
        return np.bitwise_xor.reduce(to_type(x, d), axis=axis).astype(np.float64)
    if op == "cumsum":
        if _is_float(d):
            return np.cumsum(x, axis=axis)
        acc = np.int32 if not _unsigned(d) else np.uint32
        return np.cumsum(to_type(x, d).astype(acc), axis=axis, dtype=acc).astype(np.float64)
    if op == "cumprod":
        if _is_float(d):
            return np.cumprod(x, axis=axis)
        return np.cumprod(to_type(x, d), axis=axis, dtype=_np(d)).astype(np.float64)




# ---------------------------------------------------------------- reduction cases (two test files, split by dtype)
def red_cases(dtypes):
    for shape in RED_SHAPES:
        for axis in (0, 1):
            for d in dtypes:
                for op in REDUCE_OPS:
                    if op == "xor_sum" and _is_float(d):
                        continue
                    yield pytest.param(op, d, shape, axis, id=f"{op}-{d}-{shape[0]}x{shape[1]}-ax{axis}")


def check_reduce_case(op, d, shape, axis):
    out, x = reduce_results(d, shape, axis)
    R, C = shape
    K = C if axis == 0 else R
    if op in ("cumsum", "cumprod"):
        i = 0 if op == "cumsum" else 1
        got = out[8 * K + i * R * C:8 * K + (i + 1) * R * C].reshape(R, C).astype(np.float64)
    else:
        i = REDUCE_OPS.index(op)
        got = out[i * K:(i + 1) * K].astype(np.float64)
    want = ref_reduce(op, x, d, axis)
    if _is_float(d) and op in ("sum", "cumsum", "cumprod"):
        # sum keeps f16/bf16 (Triton's standard.py); cumsum/cumprod widen bf16 to f32; f16 scans stay f16
        tol = {"float32": 1e-5, "float16": 4e-3 * max(R, C) ** 0.5,
               "bfloat16": (1e-5 if op != "sum" else 2e-2 * max(R, C) ** 0.5)}[d]
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())
    else:
        np.testing.assert_array_equal(got, want.astype(np.float32).astype(np.float64))
