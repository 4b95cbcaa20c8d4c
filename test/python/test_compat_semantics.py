# Regression tests of results that were silently wrong (issue 13), each against a NumPy float64 or exact
# reference on random data: an early `return` inside a runtime `if`, `%` and `//` on every dtype pair
# (Triton follows C: truncation for integers, fmod for floats, since triton-lang/triton#4955), unsigned
# atomic min/max, the accumulation types of scans and reductions (Triton's standard.py), a dot whose output
# is stored and read back by the same program, and tl.expand_dims axes.
import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl


@triton.jit
def early_return_kernel(x_ptr, out_ptr, n, limit, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    if pid >= limit:
        return
    x = tl.load(x_ptr + offs, mask=offs < n)
    tl.store(out_ptr + offs, x * 2.0, mask=offs < n)


@triton.jit
def _helper_early_return(x_ptr, out_ptr, offs, n, pid, limit):
    if pid >= limit:
        return
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=offs < n) + 1.0, mask=offs < n)


@triton.jit
def early_return_in_helper_kernel(x_ptr, out_ptr, n, limit, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    _helper_early_return(x_ptr, out_ptr, offs, n, pid, limit)
    tl.store(out_ptr + n + offs, tl.load(x_ptr + offs, mask=offs < n) * 3.0, mask=offs < n)


@pytest.mark.parametrize("limit", [0, 2, 4])
def test_early_return_in_runtime_if(rng, limit):
    n, block = 1000, 256
    x = rng.standard_normal(n).astype(np.float32)
    out = np.full(n, -7.0, np.float32)
    early_return_kernel[(4,)](x, out, n, limit, BLOCK=block)
    expect = np.where(np.arange(n) // block < limit, 2.0 * x, -7.0)
    np.testing.assert_array_equal(out, expect.astype(np.float32))


def test_early_return_in_helper_only_leaves_the_helper(rng):
    n, block = 1000, 256
    x = rng.standard_normal(n).astype(np.float32)
    out = np.full(2 * n, -7.0, np.float32)
    early_return_in_helper_kernel[(4,)](x, out, n, 2, BLOCK=block)
    taken = np.arange(n) // block < 2
    np.testing.assert_array_equal(out[:n], np.where(taken, x + 1.0, -7.0).astype(np.float32))
    np.testing.assert_array_equal(out[n:], (x * 3.0).astype(np.float32))


@triton.jit
def early_return_in_constexpr_if_kernel(x_ptr, out_ptr, n, limit, BLOCK: tl.constexpr, GUARD: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    if GUARD:  # compile-time: its body is inlined, the early exit must still see the statements after it
        if pid >= limit:
            return
    x = tl.load(x_ptr + offs, mask=offs < n)
    tl.store(out_ptr + offs, x * 2.0, mask=offs < n)


@pytest.mark.parametrize("limit", [0, 3])
def test_early_return_inside_constexpr_if(rng, limit):
    n, block = 1000, 256
    x = rng.standard_normal(n).astype(np.float32)
    out = np.full(n, -7.0, np.float32)
    early_return_in_constexpr_if_kernel[(4,)](x, out, n, limit, BLOCK=block, GUARD=True)
    expect = np.where(np.arange(n) // block < limit, 2.0 * x, -7.0)
    np.testing.assert_array_equal(out, expect.astype(np.float32))


@triton.jit
def dot_store_load_kernel(a_ptr, b_ptr, c_ptr, row_ptr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr):
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    rk = tl.arange(0, K)
    a = tl.load(a_ptr + rm[:, None] * K + rk[None, :])
    b = tl.load(b_ptr + rk[:, None] * N + rn[None, :])
    c = tl.dot(a, b)
    tl.store(c_ptr + rm[:, None] * N + rn[None, :], c)
    # Read a row of the stored product back (other threads stored it) and a transposed view.
    row = tl.load(c_ptr + 3 * N + rn)
    col = tl.load(c_ptr + rm * N + 5)
    tl.store(row_ptr + rn, row * 2.0)
    tl.store(row_ptr + N + rm, col)


def test_dot_output_read_back_after_store(rng):
    M, N, K = 32, 32, 16
    a = rng.standard_normal((M, K)).astype(np.float32)
    b = rng.standard_normal((K, N)).astype(np.float32)
    c = np.zeros((M, N), np.float32)
    rows = np.zeros(N + M, np.float32)
    dot_store_load_kernel[(1,)](a, b, c, rows, M=M, N=N, K=K)
    ref = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_allclose(c, ref, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(rows[:N], 2 * ref[3], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(rows[N:], ref[:, 5], rtol=1e-4, atol=1e-4)


@triton.jit
def carried_store_load_kernel(x_ptr, out_ptr, N: tl.constexpr, STEPS: tl.constexpr):
    # Loop-carried pointers into one buffer: each iteration stores a block, then reads it back reversed (each
    # element stored by another thread) through the same carried pointer; the buffers are told apart through
    # the iteration arguments, so the barrier between the store and the load must stay.
    offs = tl.arange(0, N)
    p = x_ptr
    q = out_ptr
    for i in range(STEPS):
        v = tl.load(p + offs)
        tl.store(q + offs, v + 1.0)
        w = tl.load(q + (N - 1 - offs))
        tl.store(q + N + offs, w * 2.0)
        p += N
        q += 2 * N


def test_loop_carried_store_read_back(rng):
    N, STEPS = 256, 3
    x = rng.standard_normal(N * STEPS).astype(np.float32)
    out = np.zeros(2 * N * STEPS, np.float32)
    carried_store_load_kernel[(1,)](x, out, N=N, STEPS=STEPS)
    for s in range(STEPS):
        blk = x[s * N:(s + 1) * N].astype(np.float64) + 1.0
        np.testing.assert_allclose(out[2 * s * N:(2 * s + 1) * N], blk, rtol=1e-6)
        np.testing.assert_allclose(out[(2 * s + 1) * N:(2 * s + 2) * N], 2.0 * blk[::-1], rtol=1e-6)


@triton.jit
def divmod_kernel(a_ptr, b_ptr, mod_ptr, div_ptr, n, BLOCK: tl.constexpr, INT: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    a = tl.load(a_ptr + offs, mask=m, other=1)
    b = tl.load(b_ptr + offs, mask=m, other=1)
    r = a % b
    tl.store(mod_ptr + offs, r.to(mod_ptr.dtype.element_ty), mask=m)
    if INT:
        tl.store(div_ptr + offs, (a // b).to(div_ptr.dtype.element_ty), mask=m)


def _signed_operands(rng, dt, n):
    info = np.iinfo(dt)
    hi = min(info.max, 1000)
    a = rng.integers(-hi if info.min < 0 else 0, hi, n).astype(dt)
    b = rng.integers(-50 if info.min < 0 else 1, 50, n).astype(dt)
    b[b == 0] = 3
    return a, b


def _c_div_mod(a, b):
    a64, b64 = a.astype(np.int64), b.astype(np.int64)
    q = np.trunc(a64 / b64).astype(np.int64)  # C: truncation toward zero
    return q, a64 - q * b64


@pytest.mark.parametrize("dt", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64])
def test_integer_div_mod_follow_c(rng, dt):
    n = 777
    a, b = _signed_operands(rng, dt, n)
    # Triton promotes 8/16-bit integers only with other operands; a % b keeps the common type.
    mod, div = np.zeros(n, dt), np.zeros(n, dt)
    divmod_kernel[(triton.cdiv(n, 256),)](a, b, mod, div, n, BLOCK=256, INT=True)
    q, r = _c_div_mod(a, b)
    np.testing.assert_array_equal(div.astype(np.int64), q)
    np.testing.assert_array_equal(mod.astype(np.int64), r)
    if np.iinfo(dt).min < 0:
        assert (np.sign(mod[mod != 0]) == np.sign(a[mod != 0])).all()  # the sign of the dividend, as in C


@pytest.mark.parametrize("dt", [np.float32, np.float16])
def test_float_mod_is_fmod(rng, dt):
    n = 600
    a = (rng.standard_normal(n) * 10).astype(dt)
    b = (rng.standard_normal(n) * 3).astype(dt)
    b[np.abs(b) < 0.1] = 0.5
    mod = np.zeros(n, np.float32)
    divmod_kernel[(3,)](a, b, mod, mod, n, BLOCK=256, INT=False)
    # fp16 % fp16 computes in fp32 (Triton's div_or_mod promotion), then fmod.
    expect = np.fmod(a.astype(np.float32), b.astype(np.float32))
    np.testing.assert_allclose(mod, expect, rtol=1e-6, atol=1e-6)
    assert ((mod < 0) == (a < 0))[np.abs(mod) > 1e-6].all()


def test_bf16_mod_is_fmod_in_f32(rng):
    n = 512
    a32 = (rng.standard_normal(n) * 10).astype(np.float32)
    b32 = (rng.standard_normal(n) * 3).astype(np.float32)
    b32[np.abs(b32) < 0.1] = 0.5
    to_bf16 = lambda v: (v.view(np.uint32) >> 16).astype(np.uint16)
    from_bf16 = lambda u: (u.astype(np.uint32) << 16).view(np.float32)
    a, b = to_bf16(a32), to_bf16(b32)
    mod = np.zeros(n, np.float32)
    divmod_kernel[(2,)](triton.reinterpret(a, tl.bfloat16), triton.reinterpret(b, tl.bfloat16), mod, mod, n,
                        BLOCK=256, INT=False)
    np.testing.assert_allclose(mod, np.fmod(from_bf16(a), from_bf16(b)), rtol=1e-6, atol=1e-6)


def test_atomic_min_max_uint32_compare_unsigned(rng, atomic_minmax):
    n = 1000
    v = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    v[:4] = [2**31 + 5, 2**32 - 1, 1, 2**31 - 1]
    mx = np.zeros(4, np.uint32)
    mn = np.full(4, 2**32 - 1, np.uint32)
    atomic_minmax(mx, mn, v, 4)
    for k in range(4):
        np.testing.assert_equal(mx[k], v[k::4].max())
        np.testing.assert_equal(mn[k], v[k::4].min())


def test_atomic_min_max_int32_compare_signed(rng, atomic_minmax):
    n = 1000
    v = rng.integers(-2**31, 2**31, n, dtype=np.int64).astype(np.int32)
    mx = np.full(4, -2**31, np.int32)
    mn = np.full(4, 2**31 - 1, np.int32)
    atomic_minmax(mx, mn, v, 4)
    for k in range(4):
        assert mx[k] == v[k::4].max() and mn[k] == v[k::4].min()


@triton.jit
def scan_reduce_kernel(x_ptr, cs_ptr, cp_ptr, mx_ptr, s_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    cs = tl.cumsum(x, 0)
    tl.store(cs_ptr + offs, cs.to(tl.float32))
    tl.static_assert(cs.dtype == tl.float32)
    cp = tl.cumprod(x, 0)
    tl.store(cp_ptr + offs, cp.to(tl.float32))
    mx = tl.max(x, 0)
    tl.static_assert(mx.dtype == tl.float32)
    tl.store(mx_ptr, mx)
    s = tl.sum(x, 0)
    tl.static_assert(s.dtype == x.dtype)
    tl.store(s_ptr, s.to(tl.float32))


def _bf16(v):
    return ((v.astype(np.float32).view(np.uint32) + 0x8000) >> 16).astype(np.uint16)


def _from_bf16(u):
    return (u.astype(np.uint32) << 16).view(np.float32)


def test_bf16_cumsum_cumprod_accumulate_in_f32(rng):
    # 1024 values near 1: a bf16 running sum (8 bits of mantissa) would stall once it passes 256.
    block = 1024
    x = _bf16(1.0 + 0.01 * rng.standard_normal(block))
    xf = _from_bf16(x).astype(np.float64)
    cs, cp, mx, s = (np.zeros(block, np.float32), np.zeros(block, np.float32), np.zeros(1, np.float32),
                     np.zeros(1, np.float32))
    scan_reduce_kernel[(1,)](triton.reinterpret(x, tl.bfloat16), cs, cp, mx, s, BLOCK=block)
    np.testing.assert_allclose(cs, np.cumsum(xf), rtol=1e-4)
    np.testing.assert_allclose(cp[:64], np.cumprod(xf)[:64], rtol=1e-4)
    assert mx[0] == xf.max()


@triton.jit
def f16_scan_kernel(x_ptr, cs_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    cs = tl.cumsum(x, 0)
    tl.static_assert(cs.dtype == tl.float16)  # Triton does not widen f16 scans (only bf16)
    tl.store(cs_ptr + offs, cs)
    mx = tl.max(x, 0)
    tl.static_assert(mx.dtype == tl.float32)  # ... but widens every type below 32 bits for max/min


def test_f16_scan_keeps_f16_like_triton(rng):
    block = 64
    x = (rng.random(block) + 0.5).astype(np.float16)
    cs = np.zeros(block, np.float16)
    f16_scan_kernel[(1,)](x, cs, BLOCK=block)
    np.testing.assert_allclose(cs.astype(np.float64), np.cumsum(x.astype(np.float64)), rtol=2e-3)


@triton.jit
def int8_reduce_kernel(x_ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    s = tl.sum(x, 0)
    tl.static_assert(s.dtype == tl.int32)
    cs = tl.cumsum(x, 0)
    tl.static_assert(cs.dtype == tl.int32)
    mx = tl.max(x, 0)
    tl.static_assert(mx.dtype == tl.int32)
    tl.store(out_ptr + offs, cs)
    tl.store(out_ptr + BLOCK, s)
    tl.store(out_ptr + BLOCK + 1, mx)


def test_int8_reductions_widen_to_int32(rng):
    block = 256
    x = rng.integers(-128, 128, block).astype(np.int8)
    out = np.zeros(block + 2, np.int32)
    int8_reduce_kernel[(1,)](x, out, BLOCK=block)
    np.testing.assert_array_equal(out[:block], np.cumsum(x.astype(np.int64)))
    assert out[block] == x.astype(np.int64).sum() and out[block + 1] == x.max()


@triton.jit
def expand_dims_kernel(out_ptr, A: tl.constexpr, B: tl.constexpr):
    x = tl.arange(0, A)[:, None] * B + tl.arange(0, B)[None, :]
    y = tl.expand_dims(x, (-1, -2))  # normalized against rank 4: axes 2 and 3 -> [A, B, 1, 1]
    tl.static_assert(y.shape[0] == A and y.shape[1] == B and y.shape[2] == 1 and y.shape[3] == 1)
    z = tl.reshape(y, (A * B,))
    tl.store(out_ptr + tl.arange(0, A * B), z)


def test_expand_dims_negative_axes_normalized_against_result_rank():
    out = np.zeros(32, np.int32)
    expand_dims_kernel[(1,)](out, A=4, B=8)
    np.testing.assert_array_equal(out, np.arange(32))


@triton.jit
def expand_dims_duplicate_kernel(out_ptr):
    x = tl.arange(0, 4)
    y = tl.expand_dims(x, (0, -3))  # ERROR-MARK
    tl.store(out_ptr + tl.arange(0, 4), tl.reshape(y, (4,)))


def test_expand_dims_duplicate_axes_refused():
    with pytest.raises(triton.CompilationError, match="duplicate axes"):
        expand_dims_duplicate_kernel[(1,)](np.zeros(4, np.int32))
