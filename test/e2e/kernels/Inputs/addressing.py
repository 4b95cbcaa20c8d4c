# Address arithmetic for addressing_test.cpp: pointers that leave their buffer by 2^40 elements and come back
# (exact in Triton's 64-bit pointer arithmetic; our 32-bit element offsets wrap and must agree).
import triton
import triton.language as tl


@triton.jit
def far_and_back(x_ptr, y_ptr, n, big, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    far = x_ptr + big
    back = far + offs - big
    x = tl.load(back, mask=offs < n)
    tl.store(y_ptr + offs, x * 2.0, mask=offs < n)


@triton.jit
def pick(a_ptr, b_ptr, c_ptr, flag, BLOCK: tl.constexpr):
    # A pointer chosen at run time between two arguments.
    offs = tl.arange(0, BLOCK)
    p = a_ptr if flag > 0 else b_ptr
    tl.store(c_ptr + offs, tl.load(p + offs) + 1.0)
