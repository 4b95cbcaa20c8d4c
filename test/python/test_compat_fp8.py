# fp8 (issue 13): Triton's five fp8 formats as bytes on the device, converted in software, bit-exact against
# an independent NumPy reference built from the formats' definitions (value tables and a nearest-value
# search with ties to even, not the compiler's bit manipulation): decoding every code to fp32 / fp16 / bf16,
# encoding fp32 / fp16 / bf16 values (ties, subnormals, overflow, infinities, NaN) with rtne and rtz,
# arithmetic that Triton keeps in fp8, tl.dot on fp8 operands, and the refusals.
import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl

# name: (exponent bits, mantissa bits, bias, kind); kind: "fn" (NaN only S.1111.111), "ieee" (inf/NaN at
# exponent all ones), "none" (every code finite), "fnuz" (0x80 is NaN, no negative zero).
FORMATS = {
    "float8e4nv": (4, 3, 7, "fn"),
    "float8e5": (5, 2, 15, "ieee"),
    "float8e4b15": (4, 3, 15, "none"),
    "float8e4b8": (4, 3, 8, "fnuz"),
    "float8e5b16": (5, 2, 16, "fnuz"),
}


def decode_table(name):
    """float64 value of each of the 256 codes (NaN where the code is a NaN)."""
    e_bits, m_bits, bias, kind = FORMATS[name]
    out = np.empty(256)
    for code in range(256):
        s, e, m = code >> 7, (code >> m_bits) & ((1 << e_bits) - 1), code & ((1 << m_bits) - 1)
        if e == 0:
            v = 2.0 ** (1 - bias) * (m / 2 ** m_bits)
        else:
            v = 2.0 ** (e - bias) * (1 + m / 2 ** m_bits)
        if kind == "ieee" and e == (1 << e_bits) - 1:
            v = np.inf if m == 0 else np.nan
        if kind == "fn" and (code & 0x7F) == 0x7F:
            v = np.nan
        if kind == "fnuz" and code == 0x80:
            v = np.nan
        out[code] = -v if s else v
    return out


def encode_ref(name, x, rtz=False):
    """Codes of float64 values `x`: nearest finite value (ties to the even code) or toward zero, saturating."""
    _, _, _, kind = FORMATS[name]
    table = decode_table(name)[:128]
    finite = np.isfinite(table)
    maxc = int(np.nonzero(finite)[0].max())
    mags = table[:maxc + 1]
    x = np.asarray(x, np.float64)
    a = np.abs(x)
    c = np.clip(np.searchsorted(mags, a, side="right") - 1, 0, maxc)  # mags[c] <= a
    up = np.minimum(c + 1, maxc)
    if not rtz:
        lo_d, hi_d = a - mags[c], mags[up] - a
        c = np.where((hi_d < lo_d) | ((hi_d == lo_d) & (c % 2 == 1)), up, c)
    c = np.where(a >= mags[maxc], maxc, c)
    sign = np.signbit(x).astype(np.int64) << 7
    codes = c | sign
    if kind == "fnuz":
        codes = np.where(c == 0, 0, codes)
    nan = np.isnan(x)
    if kind == "fnuz":
        codes = np.where(nan, 0x80, codes)
    elif kind == "none":
        codes = np.where(nan, sign | 0x7F, codes)
    else:
        codes = np.where(nan, 0x7F, codes)
    return codes.astype(np.uint8)


def bf16_bits_exact(v32):
    """bf16 bits of float32 values that bf16 holds exactly."""
    return (np.asarray(v32, np.float32).view(np.uint32) >> 16).astype(np.uint16)


def bf16_round_bits(v32):
    u = np.asarray(v32, np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def samples(name, rng):
    """fp32 inputs: every value of the format, the midpoints between neighbours (ties) and one fp32 ulp
    either side, random magnitudes from far below the smallest subnormal to far above the maximum, signed
    zeros, infinities and NaN."""
    t = decode_table(name)[:128]
    t = t[np.isfinite(t)]
    mids = (t[:-1] + t[1:]) / 2
    m32 = mids.astype(np.float32)
    near = np.concatenate([np.nextafter(m32, np.float32(np.inf)), np.nextafter(m32, np.float32(0))])
    rand = np.exp2(rng.uniform(-30, 20, 600)).astype(np.float32)
    special = np.array([0.0, np.inf, np.nan, t.max() * 1.01, t.max() * 4, 3e38], np.float32)
    v = np.concatenate([t.astype(np.float32), m32, near, rand, special])
    return np.concatenate([v, -v]).astype(np.float32)


def fp8(arr, name):
    return triton.reinterpret(np.ascontiguousarray(arr, np.uint8), getattr(tl, name))


@triton.jit
def decode_kernel(x_ptr, f32_ptr, f16_ptr, bf16_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m)
    tl.store(f32_ptr + offs, x.to(tl.float32), mask=m)
    tl.store(f16_ptr + offs, x.to(tl.float16), mask=m)
    tl.store(bf16_ptr + offs, x.to(tl.bfloat16), mask=m)


@pytest.mark.parametrize("name", list(FORMATS))
def test_decode_every_code(name):
    codes = np.arange(256, dtype=np.uint8)
    f32 = np.zeros(256, np.float32)
    f16 = np.zeros(256, np.float16)
    bf = np.zeros(256, np.uint16)
    decode_kernel[(2,)](fp8(codes, name), f32, f16, triton.reinterpret(bf, tl.bfloat16), 256, BLOCK=128)
    ref = decode_table(name)
    nan = np.isnan(ref)
    assert np.array_equal(np.isnan(f32), nan) and np.array_equal(np.isnan(f16), nan)
    np.testing.assert_array_equal(f32[~nan].astype(np.float64), ref[~nan])
    np.testing.assert_array_equal(np.signbit(f32[~nan]), np.signbit(ref[~nan]))  # -0 stays -0
    np.testing.assert_array_equal(f16[~nan].view(np.uint16), ref[~nan].astype(np.float16).view(np.uint16))
    np.testing.assert_array_equal(bf[~nan], bf16_bits_exact(ref[~nan].astype(np.float32)))
    assert np.all((bf[nan] & 0x7F80) == 0x7F80) and np.all((bf[nan] & 0x7F) != 0)


@triton.jit
def encode_kernel(f32_ptr, f16_ptr, bf16_ptr, o32_ptr, o16_ptr, obf_ptr, oz_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    ty = o32_ptr.dtype.element_ty
    tl.store(o32_ptr + offs, tl.load(f32_ptr + offs, mask=m).to(ty), mask=m)
    tl.store(o16_ptr + offs, tl.load(f16_ptr + offs, mask=m), mask=m)  # the store converts to the pointee type
    tl.store(obf_ptr + offs, tl.load(bf16_ptr + offs, mask=m).to(ty, fp_downcast_rounding="rtne"), mask=m)
    tl.store(oz_ptr + offs, tl.load(f32_ptr + offs, mask=m).to(ty, fp_downcast_rounding="rtz"), mask=m)


@pytest.mark.parametrize("name", list(FORMATS))
def test_encode_rtne_rtz_from_f32_f16_bf16(name, rng):
    x32 = samples(name, rng)
    x16 = x32.astype(np.float16)
    xbf_bits = bf16_round_bits(x32)
    xbf = (xbf_bits.astype(np.uint32) << 16).view(np.float32)
    n = x32.size
    outs = [np.zeros(n, np.uint8) for _ in range(4)]
    encode_kernel[(triton.cdiv(n, 256),)](x32, x16, triton.reinterpret(xbf_bits, tl.bfloat16),
                                          *[fp8(o, name) for o in outs], n, BLOCK=256)
    # reinterpret views share memory with `outs`
    for got, src, rtz, what in [(outs[0], x32, False, "f32"), (outs[1], x16, False, "f16"), (outs[2], xbf, False, "bf16"),
                                (outs[3], x32, True, "f32 rtz")]:
        ref = encode_ref(name, src.astype(np.float64), rtz)
        bad = np.nonzero(got != ref)[0]
        assert bad.size == 0, f"{name} from {what}: {bad.size} wrong, e.g. {src[bad[:4]]} -> {got[bad[:4]]} (expected {ref[bad[:4]]})"


@triton.jit
def fp8_arith_kernel(a_ptr, b_ptr, sum_ptr, prod_ptr, cmp_ptr, mix_ptr, neg_ptr, max_ptr, sel_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    a = tl.load(a_ptr + offs, mask=m)
    b = tl.load(b_ptr + offs, mask=m)
    s = a + b
    tl.static_assert(s.dtype == a.dtype)  # fp8 op fp8 of one format stays fp8 (Triton's computation_type)
    tl.store(sum_ptr + offs, s, mask=m)
    tl.store(prod_ptr + offs, a * 1.5, mask=m)
    tl.store(cmp_ptr + offs, (a < b).to(tl.int8), mask=m)
    mix = a + b.to(tl.float32)
    tl.static_assert(mix.dtype == tl.float32)
    tl.store(mix_ptr + offs, mix, mask=m)
    tl.store(neg_ptr + offs, -a, mask=m)
    tl.store(max_ptr + offs, tl.maximum(a, b), mask=m)
    tl.store(sel_ptr + offs, tl.where(a > 0, a, 0.0), mask=m)


@pytest.mark.parametrize("name", ["float8e4nv", "float8e5"])
def test_fp8_arithmetic_rounds_once_to_fp8(name, rng):
    table = decode_table(name)
    ok = np.nonzero(np.isfinite(table))[0]
    n = 1000
    ca, cb = rng.choice(ok, n).astype(np.uint8), rng.choice(ok, n).astype(np.uint8)
    a, b = table[ca].astype(np.float32), table[cb].astype(np.float32)
    outs = {k: np.zeros(n, np.uint8) for k in ("sum", "prod", "neg", "max", "sel")}
    cmp = np.zeros(n, np.int8)
    mix = np.zeros(n, np.float32)
    fp8_arith_kernel[(triton.cdiv(n, 256),)](fp8(ca, name), fp8(cb, name), fp8(outs["sum"], name), fp8(outs["prod"], name), cmp, mix,
                                            fp8(outs["neg"], name), fp8(outs["max"], name), fp8(outs["sel"], name), n, BLOCK=256)
    np.testing.assert_array_equal(outs["sum"], encode_ref(name, (a + b).astype(np.float64)))
    np.testing.assert_array_equal(outs["prod"], encode_ref(name, (a * np.float32(1.5)).astype(np.float64)))
    np.testing.assert_array_equal(cmp, (a < b).astype(np.int8))
    np.testing.assert_array_equal(mix, a + b)
    np.testing.assert_array_equal(outs["neg"], encode_ref(name, -a.astype(np.float64)))
    np.testing.assert_array_equal(outs["max"], encode_ref(name, np.maximum(a, b).astype(np.float64)))
    np.testing.assert_array_equal(outs["sel"], encode_ref(name, np.where(a > 0, a, 0).astype(np.float64)))


@triton.jit
def fp8_dot_kernel(a_ptr, b_ptr, c_ptr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr):
    rm, rn, rk = tl.arange(0, M), tl.arange(0, N), tl.arange(0, K)
    a = tl.load(a_ptr + rm[:, None] * K + rk[None, :])
    b = tl.load(b_ptr + rk[:, None] * N + rn[None, :])
    tl.store(c_ptr + rm[:, None] * N + rn[None, :], tl.dot(a, b))


def test_fp8_dot_against_float64(rng):
    M = N = K = 32
    ca = encode_ref("float8e4nv", rng.standard_normal(M * K))
    cb = encode_ref("float8e5", rng.standard_normal(K * N))
    c = np.zeros((M, N), np.float32)
    fp8_dot_kernel[(1,)](fp8(ca, "float8e4nv"), fp8(cb, "float8e5"), c, M=M, N=N, K=K)
    ref = decode_table("float8e4nv")[ca].reshape(M, K) @ decode_table("float8e5")[cb].reshape(K, N)
    np.testing.assert_allclose(c, ref, rtol=1e-5, atol=1e-5)


@triton.jit
def fp8_int_mix_kernel(a_ptr, i_ptr, out_ptr):
    a = tl.load(a_ptr + tl.arange(0, 16))
    i = tl.load(i_ptr + tl.arange(0, 16))
    tl.store(out_ptr + tl.arange(0, 16), a + i)  # ERROR mix


@triton.jit
def fp8_atomic_kernel(a_ptr):
    tl.atomic_add(a_ptr + tl.arange(0, 16), 1.0)  # ERROR atomic


def test_fp8_misuse_is_refused_at_the_line():
    a = fp8(np.zeros(16, np.uint8), "float8e4nv")
    with pytest.raises(triton.CompilationError, match=r"unexpected types fp8e4nv and int32") as e:
        fp8_int_mix_kernel[(1,)](a, np.zeros(16, np.int32), np.zeros(16, np.float32))
    assert "fp8_int_mix_kernel" in str(e.value) or ":" in str(e.value)
    with pytest.raises(triton.CompilationError, match=r"atomic_add on fp8e4nv is not supported"):
        fp8_atomic_kernel[(1,)](a)


@triton.jit
def dtype_names_kernel(x_ptr, out_ptr):
    x = tl.load(x_ptr)
    r = 0
    if x.dtype == tl.float8e4nv:
        r += 1
    if x.dtype != tl.float8e5:
        r += 2
    if x.dtype.is_fp8():
        r += 4
    if tl.float8e4b15.primitive_bitwidth == 8:
        r += 8
    tl.store(out_ptr, r)


def test_fp8_dtypes_name_and_compare():
    out = np.zeros(1, np.int32)
    dtype_names_kernel[(1,)](fp8(np.zeros(1, np.uint8), "float8e4nv"), out)
    assert out[0] == 15
    assert tl.float8e4nv != tl.float8e5 and tl.float8e4nv.is_floating()
