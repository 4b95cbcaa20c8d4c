# Row-wise softmax of a matrix with short rows (a few hundred columns or fewer): each program takes
# BLOCK_ROWS rows at once as a [BLOCK_ROWS, BLOCK_SIZE] tile and reduces along axis 1, so no lane of the
# threadgroup idles on a row narrower than the threadgroup (with one row per program, a 128-column row
# would leave three of four simdgroups holding copies).
# signature: out_ptr=*fp32:16, in_ptr=*fp32:16, in_row_stride=i32, out_row_stride=i32, n_rows=i32, n_cols=i32
# constexpr: BLOCK_ROWS=16, BLOCK_SIZE=128
# grid: (cdiv(n_rows, BLOCK_ROWS),)
import triton
import triton.language as tl


@triton.jit
def softmax_rows_kernel(out_ptr, in_ptr, in_row_stride, out_row_stride, n_rows, n_cols,
                        BLOCK_ROWS: tl.constexpr, BLOCK_SIZE: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_ROWS + tl.arange(0, BLOCK_ROWS)
    cols = tl.arange(0, BLOCK_SIZE)
    valid = (rows[:, None] < n_rows) & (cols[None, :] < n_cols)
    x = tl.load(in_ptr + rows[:, None] * in_row_stride + cols[None, :], mask=valid, other=-float("inf"))
    # Subtract each row's maximum for numerical stability, then normalise.
    shifted = x - tl.max(x, axis=1)[:, None]
    numerator = tl.exp(shifted)
    denominator = tl.sum(numerator, axis=1)
    y = numerator / denominator[:, None]
    tl.store(out_ptr + rows[:, None] * out_row_stride + cols[None, :], y, mask=valid)
