# RUN: not %triton-metal compile %s --kernel k --signature 'x_ptr=*fp32, y_ptr=*fp32, n=i32' --constexpr BLOCK=64 2>&1 | FileCheck %s
# RUN: %triton-metal compile %s --kernel k --signature 'x_ptr=*fp32, y_ptr=*fp32, n=i32' --constexpr BLOCK=64; test $? -eq 1
import triton
import triton.language as tl


@triton.jit
def k(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    try:
        x = 1
    except Exception:
        x = 2

# CHECK: try.py:[[@LINE-5]]:5: error: 'try' statements are not supported in Triton kernels
