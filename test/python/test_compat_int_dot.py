# int8 tl.dot with int32 accumulation (issue 13), exact against NumPy's int64 matmul: Metal's simdgroup_matrix
# has no integer types and fp32 stops being exact past 2^24, so the lowering (lib/codegen/emit_dot_int.cpp)
# multiplies and adds integers. Sums past 2^24 (where a float path would round), K staged in chunks, a K loop
# with masks, an explicit accumulator, and the refusals Triton has (only int8, int32 accumulators).
import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl


@triton.jit
def int8_dot_kernel(a_ptr, b_ptr, c_ptr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr):
    a = tl.load(a_ptr + tl.arange(0, M)[:, None] * K + tl.arange(0, K)[None, :])
    b = tl.load(b_ptr + tl.arange(0, K)[:, None] * N + tl.arange(0, N)[None, :])
    c = tl.dot(a, b)
    tl.static_assert(c.dtype == tl.int32)
    tl.store(c_ptr + tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :], c)


def _ref(a, b):
    return (a.astype(np.int64) @ b.astype(np.int64)).astype(np.int32)


@pytest.mark.parametrize("m,n,k", [(32, 32, 32), (16, 64, 128), (16, 16, 2048)])
def test_int8_dot_exact(rng, m, n, k):
    a = rng.integers(-128, 128, (m, k)).astype(np.int8)
    b = rng.integers(-128, 128, (k, n)).astype(np.int8)
    if k == 2048:  # one row and column of extremes: |sum| > 2^24 and odd, which fp32 cannot hold
        a[0] = rng.choice(np.array([-128, -127], np.int8), k)
        b[:, 0] = -128
        b[1, 0] = -127
    c = np.zeros((m, n), np.int32)
    int8_dot_kernel[(1,)](a, b, c, M=m, N=n, K=k)
    ref = _ref(a, b)
    if k == 2048:
        assert abs(int(ref[0, 0])) > 2**24 and int(ref[0, 0]) % 2 == 1
    np.testing.assert_array_equal(c, ref)


@triton.jit
def int8_matmul_kernel(a_ptr, b_ptr, c_ptr, M, N, K, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.int32)
    for k0 in range(0, K, BLOCK_K):
        rk = k0 + tl.arange(0, BLOCK_K)
        a = tl.load(a_ptr + rm[:, None] * K + rk[None, :], mask=(rm[:, None] < M) & (rk[None, :] < K), other=0)
        b = tl.load(b_ptr + rk[:, None] * N + rn[None, :], mask=(rk[:, None] < K) & (rn[None, :] < N), other=0)
        acc = tl.dot(a, b, acc)
    tl.store(c_ptr + rm[:, None] * N + rn[None, :], acc, mask=(rm[:, None] < M) & (rn[None, :] < N))


def test_int8_matmul_k_loop_with_masks(rng):
    M, N, K = 70, 45, 300
    a = rng.integers(-128, 128, (M, K)).astype(np.int8)
    b = rng.integers(-128, 128, (K, N)).astype(np.int8)
    c = np.zeros((M, N), np.int32)
    int8_matmul_kernel[(triton.cdiv(M, 32), triton.cdiv(N, 32))](a, b, c, M, N, K, BLOCK_M=32, BLOCK_N=32, BLOCK_K=64)
    np.testing.assert_array_equal(c, _ref(a, b))


@triton.jit
def int16_dot_kernel(a_ptr, c_ptr):
    r = tl.arange(0, 16)
    a = tl.load(a_ptr + r[:, None] * 16 + r[None, :])
    tl.store(c_ptr + r[:, None] * 16 + r[None, :], tl.dot(a, a))  # ERROR int16


def test_non_int8_integer_dot_refused_at_the_line():
    with pytest.raises(triton.CompilationError, match="integer tl.dot needs int8 operands") as e:
        int16_dot_kernel[(1,)](np.ones((16, 16), np.int16), np.zeros((16, 16), np.int32))
    import inspect
    lines, start = inspect.getsourcelines(int16_dot_kernel.fn)
    assert e.value.lineno == start + next(i for i, l in enumerate(lines) if "ERROR int16" in l)
