# RUN: not %triton-metal compile %s --kernel k --signature 'x_ptr=*fp32, y_ptr=*fp32, n=i32' --constexpr BLOCK=64 2>&1 | FileCheck %s
# RUN: %triton-metal compile %s --kernel k --signature 'x_ptr=*fp32, y_ptr=*fp32, n=i32' --constexpr BLOCK=64; test $? -eq 1
import triton
import triton.language as tl


@triton.jit
def k(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs) & 1

# CHECK: bitwise-float.py:[[@LINE-2]]:31: error: bitwise operator '&' needs integer operands
