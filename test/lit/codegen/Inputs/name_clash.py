import triton
import triton.language as tl


@triton.jit
def name_clash(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    t2 = tl.load(x_ptr + offs, mask=mask)
    t1 = t2 * 2.0
    x1 = t1 + 1.0
    x = x1 * t2
    tl.store(out_ptr + offs, x, mask=mask)
