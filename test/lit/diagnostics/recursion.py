# RUN: not %triton-metal compile %s --kernel k --signature 'x_ptr=*fp32, y_ptr=*fp32, n=i32' --constexpr BLOCK=64 2>&1 | FileCheck %s
# RUN: %triton-metal compile %s --kernel k --signature 'x_ptr=*fp32, y_ptr=*fp32, n=i32' --constexpr BLOCK=64; test $? -eq 1
import triton
import triton.language as tl
@triton.jit
def helper(v):
    return helper(v)


@triton.jit
def k(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    y = helper(offs)

# CHECK: recursion.py:{{[0-9]+}}:12: error: recursive call of @jit function 'helper' is not supported
