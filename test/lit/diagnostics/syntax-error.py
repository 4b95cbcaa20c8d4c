# RUN: not %triton-metal compile %s --kernel k --signature 'x_ptr=*fp32' 2>&1 | FileCheck %s
import triton
import triton.language as tl


@triton.jit
def k(x_ptr):
    v = (tl.load(x_ptr) +
# CHECK: syntax-error.py:{{[0-9]+}}:{{[0-9]+}}: error: invalid syntax
