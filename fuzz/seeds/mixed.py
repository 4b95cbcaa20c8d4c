import triton
import triton.language as tl
@triton.jit
def k(x_ptr, n, B: tl.constexpr):
    o = tl.arange(0, B)
    x = tl.load(x_ptr + o, mask=o < n, other=0.0)
    a = tl.sum(x[:, None] * x[None, :], axis=1)
    for i in range(n):
        a = tl.where(a > i, a, -a)
    while n > 0:
        n = n // 2
    tl.store(x_ptr + o, tl.cumsum(a, 0))
