# Triton's random numbers (issue 13): tl.randint / randint4x / rand / rand4x / randn / randn4x, bit-exact
# with NumPy ports of random.py: Philox-4x32 for 32-bit offsets (a seed >= 2^32 keys both halves) and
# Philox-4x64 with its own constants for 64-bit offsets, the uniform scaling and the Box-Muller transform.
import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl


# A NumPy port of Triton's random.py (philox_impl with 10 rounds, uint_to_uniform_float, Box-Muller).
def _umulhi(a, b):
    return ((a.astype(np.uint64) * np.uint64(b)) >> np.uint64(32)).astype(np.uint32)


def philox_ref(seed, offsets, rounds=10):
    c0 = offsets.astype(np.int32).view(np.uint32).copy()
    c1 = np.zeros_like(c0)
    c2 = np.zeros_like(c0)
    c3 = np.zeros_like(c0)
    k0 = np.uint32(seed & 0xFFFFFFFF)
    k1 = np.uint32((seed >> 32) & 0xFFFFFFFF)
    with np.errstate(over="ignore"):
        for _ in range(rounds):
            p0, p2 = c0, c2
            c0 = _umulhi(p2, 0xCD9E8D57) ^ c1 ^ k0
            c2 = _umulhi(p0, 0xD2511F53) ^ c3 ^ k1
            c1 = (p2.astype(np.uint64) * 0xCD9E8D57 & 0xFFFFFFFF).astype(np.uint32)
            c3 = (p0.astype(np.uint64) * 0xD2511F53 & 0xFFFFFFFF).astype(np.uint32)
            k0 = np.uint32((int(k0) + 0x9E3779B9) & 0xFFFFFFFF)
            k1 = np.uint32((int(k1) + 0xBB67AE85) & 0xFFFFFFFF)
    return c0, c1, c2, c3


def uniform_ref(u):
    x = u.view(np.int32).astype(np.int64)
    x = np.where(x < 0, -x - 1, x)
    return x.astype(np.float32) * np.float32(4.6566127342e-10)


@triton.jit
def random_kernel(int_ptr, u_ptr, n_ptr, seed, N: tl.constexpr):
    offs = tl.arange(0, N)
    tl.store(int_ptr + offs, tl.randint(seed, offs))
    tl.store(u_ptr + offs, tl.rand(seed, offs))
    tl.store(n_ptr + offs, tl.randn(seed, offs))


@pytest.mark.parametrize("seed", [0, 12345, 2**40 + 7])
def test_philox_bit_exact(seed):
    n = 1024
    ints = np.zeros(n, np.uint32)
    u = np.zeros(n, np.float32)
    z = np.zeros(n, np.float32)
    random_kernel[(1,)](ints, u, z, seed, N=n)
    c0, c1, _, _ = philox_ref(seed, np.arange(n))
    np.testing.assert_array_equal(ints, c0)
    np.testing.assert_array_equal(u, uniform_ref(c0))
    assert 0 <= u.min() and u.max() < 1
    u1 = np.maximum(np.float64(1e-7), uniform_ref(c0).astype(np.float64))
    ref = np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * uniform_ref(c1).astype(np.float64))
    np.testing.assert_allclose(z, ref, rtol=1e-4, atol=1e-4)  # fast-math log/cos/sqrt


M64 = (1 << 64) - 1


def philox64_ref(seed, offsets, rounds=10):
    """Philox-4x64 as random.py runs it for 64-bit offsets: key (seed, 0), its own constants (Python ints)."""
    c = [[int(o) & M64 for o in offsets], [0] * len(offsets), [0] * len(offsets), [0] * len(offsets)]
    k0, k1 = seed & M64, 0
    A, B = 0xD2E7470EE14C6C93, 0xCA5A826395121157
    for _ in range(rounds):
        c0, c1, c2, c3 = c
        c = [[((B * x2) >> 64) ^ x1 ^ k0 for x1, x2 in zip(c1, c2)], [(B * x2) & M64 for x2 in c2],
             [((A * x0) >> 64) ^ x3 ^ k1 for x0, x3 in zip(c0, c3)], [(A * x0) & M64 for x0 in c0]]
        k0, k1 = (k0 + 0x9E3779B97F4A7C15) & M64, (k1 + 0xBB67AE8584CAA73B) & M64
    return [np.array(v, dtype=np.uint64) for v in c]


def uniform64_ref(u):
    x = u.view(np.int64)
    x = np.where(x < 0, -(x + 1), x)  # -x - 1 without overflow at INT64_MIN
    return x.astype(np.float32) * np.float32(1.0842020432385337e-19)


@triton.jit
def random64_kernel(i0_ptr, i1_ptr, i2_ptr, i3_ptr, u_ptr, n_ptr, seed, base, N: tl.constexpr):
    offs = base + tl.arange(0, N).to(tl.int64)  # 64-bit offsets select Philox-4x64
    r0, r1, r2, r3 = tl.randint4x(seed, offs)
    tl.static_assert(r0.dtype == tl.uint64)
    tl.store(i0_ptr + tl.arange(0, N), r0)
    tl.store(i1_ptr + tl.arange(0, N), r1)
    tl.store(i2_ptr + tl.arange(0, N), r2)
    tl.store(i3_ptr + tl.arange(0, N), r3)
    tl.store(u_ptr + tl.arange(0, N), tl.rand(seed, offs))
    n0, n1, n2, n3 = tl.randn4x(seed, offs)
    tl.store(n_ptr + tl.arange(0, N), n3)


@pytest.mark.parametrize("seed,base", [(5, 0), (2**40 + 7, 2**35), (2**63 + 11, 2**62)])
def test_philox64_bit_exact(seed, base):
    n = 256
    ints = [np.zeros(n, np.uint64) for _ in range(4)]
    u = np.zeros(n, np.float32)
    z = np.zeros(n, np.float32)
    random64_kernel[(1,)](*ints, u, z, seed, base, N=n)
    ref = philox64_ref(seed, base + np.arange(n))
    for got, want in zip(ints, ref):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(u, uniform64_ref(ref[0]))
    assert 0 <= u.min() and u.max() < 1
    u3 = np.maximum(1e-7, uniform64_ref(ref[2]).astype(np.float64))
    ref_n3 = np.sqrt(-2 * np.log(u3)) * np.sin(2 * np.pi * uniform64_ref(ref[3]).astype(np.float64))
    np.testing.assert_allclose(z, ref_n3, rtol=1e-4, atol=1e-4)


@triton.jit
def random4x_kernel(u_ptr, seed, N: tl.constexpr):
    offs = tl.arange(0, N)
    a, b, c, d = tl.rand4x(seed, offs)
    tl.store(u_ptr + offs, a)
    tl.store(u_ptr + N + offs, d)


def test_rand4x_32bit_matches_randint4x_words():
    n, seed = 128, 2**33 + 5  # a seed >= 2^32: its high half keys the second word
    u = np.zeros(2 * n, np.float32)
    random4x_kernel[(1,)](u, seed, N=n)
    c0, _, _, c3 = philox_ref(seed, np.arange(n))
    np.testing.assert_array_equal(u[:n], uniform_ref(c0))
    np.testing.assert_array_equal(u[n:], uniform_ref(c3))
