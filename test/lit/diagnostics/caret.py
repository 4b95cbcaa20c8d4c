# The diagnostic shows the source line and a caret under the offending column.
# RUN: not %triton-metal compile %s --kernel k --signature 'x_ptr=*fp32' 2>&1 | FileCheck %s --strict-whitespace
import triton
import triton.language as tl


@triton.jit
def k(x_ptr):
    v = tl.load(x_ptr) + x_ptr
# CHECK: caret.py:[[@LINE-1]]:24: error: invalid operands of type pointer<fp32> and fp32
# CHECK-NEXT: {{^}}    v = tl.load(x_ptr) + x_ptr{{$}}
# CHECK-NEXT: {{^}}                       ^{{$}}
