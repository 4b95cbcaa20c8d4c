# Out-of-place transpose of an [M, N] matrix, one BLOCK x BLOCK tile per program.
# signature: in_ptr=*fp32:16, out_ptr=*fp32:16, M=i32, N=i32, stride_in=i32:16, stride_out=i32:16
# constexpr: BLOCK=32
# grid: (cdiv(M, BLOCK), cdiv(N, BLOCK))
import triton
import triton.language as tl


@triton.jit
def transpose_kernel(in_ptr, out_ptr, M, N, stride_in, stride_out, BLOCK: tl.constexpr):
    rows = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    cols = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    tile = tl.load(in_ptr + rows[:, None] * stride_in + cols[None, :], mask=(rows[:, None] < M) & (cols[None, :] < N))
    flipped = tl.trans(tile)
    tl.store(out_ptr + cols[:, None] * stride_out + rows[None, :], flipped, mask=(cols[:, None] < N) & (rows[None, :] < M))
