# Row-wise softmax of a 2-D matrix, one row per program, fused into a single pass over the row.
# signature: out_ptr=*fp32:16, in_ptr=*fp32:16, in_row_stride=i32, out_row_stride=i32, n_rows=i32, n_cols=i32
# constexpr: BLOCK_SIZE=1024
# grid: (n_rows,)
import triton
import triton.language as tl


@triton.jit
def softmax_kernel(out_ptr, in_ptr, in_row_stride, out_row_stride, n_rows, n_cols, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_SIZE)
    valid = cols < n_cols
    row_in = in_ptr + row * in_row_stride
    x = tl.load(row_in + cols, mask=valid, other=-float("inf"))
    # Subtract the row maximum for numerical stability, then normalise.
    shifted = x - tl.max(x, axis=0)
    numerator = tl.exp(shifted)
    denominator = tl.sum(numerator, axis=0)
    y = numerator / denominator
    row_out = out_ptr + row * out_row_stride
    tl.store(row_out + cols, y, mask=valid)
