# Inclusive prefix sum along each row of a [n_rows, n_cols] matrix (n_cols <= BLOCK_COLS), BLOCK_ROWS rows
# per program.
# signature: x_ptr=*fp32:16, y_ptr=*fp32:16, n_rows=i32, n_cols=i32, row_stride=i32:16
# constexpr: BLOCK_ROWS=16, BLOCK_COLS=256
# grid: (cdiv(n_rows, BLOCK_ROWS),)
import triton
import triton.language as tl


@triton.jit
def cumsum_rows_kernel(x_ptr, y_ptr, n_rows, n_cols, row_stride, BLOCK_ROWS: tl.constexpr, BLOCK_COLS: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_ROWS + tl.arange(0, BLOCK_ROWS)
    cols = tl.arange(0, BLOCK_COLS)
    offsets = rows[:, None] * row_stride + cols[None, :]
    valid = (rows[:, None] < n_rows) & (cols[None, :] < n_cols)
    x = tl.load(x_ptr + offsets, mask=valid, other=0.0)
    tl.store(y_ptr + offsets, tl.cumsum(x, axis=1), mask=valid)
