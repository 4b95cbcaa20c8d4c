# Triton language features (issue 13), each against a NumPy reference, and the constructs Metal cannot
# lower refused with file:line:col at the user's line: tl.cat / flip / sort (built from tl ops like
# Triton's standard.py), literals used as tensors, tl.pointer_type / element_ty / isinstance / getattr, fp8 names,
# scalar join/interleave, helpers returning tuples, kernels without runtime arguments, and refusals.
import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl


def _err_line(fn, marker):
    import inspect
    lines, start = inspect.getsourcelines(fn.fn)
    for i, line in enumerate(lines):
        if marker in line:
            return start + i
    raise AssertionError(marker)


@triton.jit
def cat_flip_sort_kernel(x_ptr, y_ptr, out_ptr, N: tl.constexpr):
    offs = tl.arange(0, N)
    x = tl.load(x_ptr + offs)
    y = tl.load(y_ptr + offs)
    tl.store(out_ptr + tl.arange(0, 2 * N), tl.cat(x, y, can_reorder=True))
    tl.store(out_ptr + 2 * N + offs, tl.flip(x))
    tl.store(out_ptr + 3 * N + offs, tl.sort(x))
    tl.store(out_ptr + 4 * N + offs, tl.sort(y, descending=True))


@pytest.mark.parametrize("n", [2, 16, 64])
def test_cat_flip_sort_1d(rng, n):
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    out = np.zeros(5 * n, np.float32)
    cat_flip_sort_kernel[(1,)](x, y, out, N=n)
    np.testing.assert_array_equal(out[:2 * n], np.concatenate([x, y]))
    np.testing.assert_array_equal(out[2 * n:3 * n], x[::-1])
    np.testing.assert_array_equal(out[3 * n:4 * n], np.sort(x))
    np.testing.assert_array_equal(out[4 * n:], np.sort(y)[::-1])


@triton.jit
def sort2d_kernel(x_ptr, out_ptr, R: tl.constexpr, C: tl.constexpr):
    offs = tl.arange(0, R)[:, None] * C + tl.arange(0, C)[None, :]
    x = tl.load(x_ptr + offs)
    tl.store(out_ptr + offs, tl.sort(x))
    tl.store(out_ptr + R * C + offs, tl.flip(x, 0))


def test_sort_and_flip_2d_int(rng):
    R, C = 4, 32
    x = rng.integers(-1000, 1000, (R, C)).astype(np.int32)
    out = np.zeros(2 * R * C, np.int32)
    sort2d_kernel[(1,)](x, out, R=R, C=C)
    np.testing.assert_array_equal(out[:R * C].reshape(R, C), np.sort(x, axis=1))
    np.testing.assert_array_equal(out[R * C:].reshape(R, C), x[::-1])


@triton.jit
def literals_kernel(x_ptr, out_ptr, N: tl.constexpr):
    one = 1
    half = 0.5
    tl.static_assert(one.dtype == tl.int32)
    tl.static_assert(half.dtype == tl.float32)
    tl.static_assert(x_ptr.dtype.element_ty == tl.float32)
    tl.static_assert(x_ptr.type.element_ty == tl.float32)
    tl.static_assert(isinstance(N, tl.constexpr) and not isinstance(N, tl.tensor))
    width: tl.constexpr = getattr(tl.float16, "primitive_bitwidth")
    tl.static_assert(width == 16)
    tl.static_assert(tl.float8e4nv != tl.float16 and tl.float8e5 == tl.float8e5)
    offs = tl.arange(0, N)
    x = tl.load(x_ptr + offs)
    tl.static_assert(isinstance(x, tl.tensor))
    acc = one.to(tl.float32) + half.to(tl.float16)
    p = tl.interleave(one, 2)  # two scalars interleave into a [2] tensor
    j = tl.join(3, 4)
    tl.store(out_ptr + offs, x + acc)
    tl.store(out_ptr + N + tl.arange(0, 2), p.to(tl.float32))
    tl.store(out_ptr + N + 2 + tl.arange(0, 2), j.to(tl.float32))


def test_literals_types_and_scalar_join(rng):
    n = 32
    x = rng.standard_normal(n).astype(np.float32)
    out = np.zeros(n + 4, np.float32)
    literals_kernel[(1,)](x, out, N=n)
    np.testing.assert_allclose(out[:n], x + 1.5, rtol=1e-6)
    np.testing.assert_array_equal(out[n:], [1, 2, 3, 4])


@triton.jit
def _minmax_pair(x):
    return tl.min(x, 0), tl.max(x, 0)


@triton.jit
def tuple_helper_kernel(x_ptr, out_ptr, N: tl.constexpr):
    x = tl.load(x_ptr + tl.arange(0, N))
    lo, hi = _minmax_pair(x)
    tl.store(out_ptr, lo)
    tl.store(out_ptr + 1, hi)


def test_helper_returning_tuple(rng):
    x = rng.standard_normal(64).astype(np.float32)
    out = np.zeros(2, np.float32)
    tuple_helper_kernel[(1,)](x, out, N=64)
    np.testing.assert_array_equal(out, [x.min(), x.max()])


@triton.jit
def no_runtime_args_kernel(N: tl.constexpr):
    x = tl.arange(0, N)
    tl.static_assert(N > 0)


def test_kernel_without_runtime_arguments():
    k = no_runtime_args_kernel.warmup(N=16, grid=(1,))
    assert "kernel void" in k.asm["msl"]
    no_runtime_args_kernel[(2,)](N=16)


@triton.jit
def _store_through(p, v):
    tl.store(p, v)


@triton.jit
def scalar_ptr_helper_in_if_kernel(out_ptr, flag):
    pid = tl.program_id(0)
    if flag > 0:
        _store_through(out_ptr + pid, pid * 10 + 1)
    else:
        _store_through(out_ptr + pid + 4, pid * 10 + 2)


def test_scalar_pointer_through_helper_in_if():
    out = np.zeros(8, np.int32)
    scalar_ptr_helper_in_if_kernel[(4,)](out, 1)
    scalar_ptr_helper_in_if_kernel[(4,)](out, 0)
    np.testing.assert_array_equal(out, [1, 11, 21, 31, 2, 12, 22, 32])


@triton.jit
def float_mask_kernel(x_ptr, N: tl.constexpr):
    offs = tl.arange(0, N)
    m = offs.to(tl.float32)
    x = tl.load(x_ptr + offs, mask=m)  # ERROR float-mask
    tl.store(x_ptr + offs, x)


@triton.jit
def inline_asm_kernel(x_ptr, N: tl.constexpr):
    x = tl.load(x_ptr + tl.arange(0, N))
    y = tl.inline_asm_elementwise("mov.b32 $0, $1;", "=r,r", [x], dtype=tl.float32, is_pure=True, pack=1)  # ERROR asm
    tl.store(x_ptr + tl.arange(0, N), y)


@triton.jit
def atomic_cas64_kernel(x_ptr):
    tl.atomic_cas(x_ptr, 0, 1)  # ERROR cas64


@triton.jit
def int32_to_pointer_kernel(ptrs, out_ptr):
    a_ptr = tl.load(ptrs).to(tl.pointer_type(tl.float16))  # ERROR int32-to-ptr
    tl.store(out_ptr, tl.load(a_ptr))


@triton.jit
def int_tensor_to_pointer_kernel(ptrs, out_ptr):
    p = tl.load(ptrs + tl.arange(0, 2)).to(tl.pointer_type(tl.float16))  # ERROR tensor-to-ptr
    tl.store(out_ptr + tl.arange(0, 2), tl.load(p))


@pytest.mark.parametrize("kernel,marker,args,match", [
    (float_mask_kernel, "ERROR float-mask", lambda: (np.zeros(8, np.float32),), "mask of tl.load must be boolean"),
    (inline_asm_kernel, "ERROR asm", lambda: (np.zeros(8, np.float32),), "inline_asm_elementwise is not supported"),
    (atomic_cas64_kernel, "ERROR cas64", lambda: (np.zeros(2, np.int64),), "64-bit atomic_cas"),
    # Pointers from integers (tutorial 08, test_tutorial_08_grouped_gemm.py) need 64-bit scalar addresses.
    (int32_to_pointer_kernel, "ERROR int32-to-ptr", lambda: (np.zeros(2, np.int32), np.zeros(2, np.float16)),
     "only 64-bit integers .* can be cast to a pointer"),
    (int_tensor_to_pointer_kernel, "ERROR tensor-to-ptr", lambda: (np.zeros(2, np.int64), np.zeros(2, np.float16)),
     "casting a tensor of integers .* to pointers is not supported yet"),
])
def test_unlowerable_constructs_are_errors_at_the_user_line(kernel, marker, args, match):
    kw = {"N": 8} if "N" in kernel.arg_names else {}
    with pytest.raises(triton.CompilationError, match=match) as e:
        kernel[(1,)](*args(), **kw)
    assert e.value.lineno == _err_line(kernel, marker), str(e.value)


@triton.jit
def split_pair_kernel(x_ptr, out_ptr):
    a, b = tl.split(tl.load(x_ptr + tl.arange(0, 2)))
    tl.store(out_ptr, b)
    tl.store(out_ptr + 1, a)


def test_split_of_a_pair_gives_scalars():
    out = np.zeros(2, np.float32)
    split_pair_kernel[(1,)](np.array([3.5, -1.25], np.float32), out)
    np.testing.assert_array_equal(out, [-1.25, 3.5])


def test_f32_atomic_min_max_emulated_with_cas(rng, atomic_minmax):
    n = 1000
    v = rng.standard_normal(n).astype(np.float32)
    mx = np.full(3, -np.inf, np.float32)
    mn = np.full(3, np.inf, np.float32)
    atomic_minmax(mx, mn, v, 3)
    for k in range(3):
        assert mx[k] == v[k::3].max() and mn[k] == v[k::3].min()


@triton.jit
def f16_atomic_add_kernel(x_ptr, N: tl.constexpr):
    tl.atomic_add(x_ptr + tl.arange(0, N), tl.full((N,), 1.0, tl.float16))  # ERROR f16-atomic


def test_f16_atomic_add_refused_at_the_line():
    with pytest.raises(triton.CompilationError, match="f16") as e:
        f16_atomic_add_kernel[(1,)](np.zeros(8, np.float16), N=8)
    assert e.value.lineno == _err_line(f16_atomic_add_kernel, "ERROR f16-atomic"), str(e.value)


@triton.jit
def none_tuple_constexpr_kernel(x_ptr, N: tl.constexpr, SCALE: tl.constexpr, SHIFTS: tl.constexpr):
    offs = tl.arange(0, N)
    x = tl.load(x_ptr + offs)
    if SCALE is not None:
        x = x * SCALE
    tl.store(x_ptr + offs, x + SHIFTS[0] * SHIFTS[1] + len(SHIFTS))


def test_none_and_tuples_as_constexprs(rng):
    x = rng.standard_normal(8).astype(np.float32)
    y = x.copy()
    none_tuple_constexpr_kernel[(1,)](y, N=8, SCALE=None, SHIFTS=(2, 3))
    np.testing.assert_allclose(y, x + 8, rtol=1e-6)
    y = x.copy()
    none_tuple_constexpr_kernel[(1,)](y, N=8, SCALE=0.5, SHIFTS=(1, -1, 0))
    np.testing.assert_allclose(y, 0.5 * x + 2, rtol=1e-6)


@triton.jit
def batched_dot_kernel(a_ptr, b_ptr, c_ptr, B: tl.constexpr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr):
    rb = tl.arange(0, B)[:, None, None]
    rm = tl.arange(0, M)[None, :, None]
    rn = tl.arange(0, N)[None, None, :]
    rk_col = tl.arange(0, K)[None, None, :]
    rk_row = tl.arange(0, K)[None, :, None]
    a = tl.load(a_ptr + rb * M * K + rm * K + rk_col)
    b = tl.load(b_ptr + rb * K * N + rk_row * N + rn)
    acc = tl.full((B, M, N), 1.0, tl.float32)
    c = tl.dot(a, b, acc)
    tl.store(c_ptr + rb * M * N + rm * N + rn, c)


def test_batched_3d_dot(rng):
    B, M, N, K = 2, 16, 16, 16
    a = rng.standard_normal((B, M, K)).astype(np.float32)
    b = rng.standard_normal((B, K, N)).astype(np.float32)
    c = np.zeros((B, M, N), np.float32)
    batched_dot_kernel[(1,)](a, b, c, B=B, M=M, N=N, K=K)
    np.testing.assert_allclose(c, np.einsum("bmk,bkn->bmn", a.astype(np.float64), b.astype(np.float64)) + 1,
                               rtol=1e-4, atol=1e-4)
