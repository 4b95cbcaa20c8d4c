# Kernels whose shape-changing ops need layout conversions (test/lit/gpu/layout-conversions.test).
import triton
import triton.language as tl


@triton.jit
def outer_kernel(x_ptr, y_ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    y = tl.load(y_ptr + offs)
    xs = x[:, None] * 2.0
    out = xs + y[None, :]
    tl.store(out_ptr + offs[:, None] * BLOCK + offs[None, :], out)
