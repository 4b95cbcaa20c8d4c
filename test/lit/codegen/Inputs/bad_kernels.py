# Kernels that must fail to lower with a clear message (used by errors.test).
import triton
import triton.language as tl


@triton.jit
def dot_4(a_ptr, c_ptr):
    r = tl.arange(0, 4)
    a = tl.load(a_ptr + r[:, None] * 4 + r[None, :])
    c = tl.dot(a, a)
    tl.store(c_ptr + r[:, None] * 4 + r[None, :], c)


@triton.jit
def big_dot(a_ptr, c_ptr, B: tl.constexpr):
    r = tl.arange(0, B)
    a = tl.load(a_ptr + r[:, None] * B + r[None, :])
    c = tl.dot(a, a)
    tl.store(c_ptr + r[:, None] * B + r[None, :], c)


@triton.jit
def cancel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m)
    tl.store(y_ptr + offs, (x + 100000000.0) - 100000000.0, mask=m)
