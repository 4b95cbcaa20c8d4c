# Column-major tiles for coalesced_access_test.cpp: loads and stores whose pointers are contiguous down the
# columns (dim 0), which coalesce-accesses reads and writes along dim 0.
import triton
import triton.language as tl


@triton.jit
def column_major_rows(x_ptr, y_ptr, M, N, ld_x, ld_y, BM: tl.constexpr, BN: tl.constexpr, Y_COL_MAJOR: tl.constexpr):
    # x is column-major [M, N] (element (i, j) at i + j * ld_x); y[i, j] = 2 x[i, j] + sum_j x[i, j], stored
    # column-major (i + j * ld_y) or row-major (i * ld_y + j). One program per BM rows; BN >= N.
    rows = tl.program_id(0) * BM + tl.arange(0, BM)
    cols = tl.arange(0, BN)
    inside = (rows[:, None] < M) & (cols[None, :] < N)
    x = tl.load(x_ptr + rows[:, None] + cols[None, :] * ld_x, mask=inside, other=0.0).to(tl.float32)
    y = 2.0 * x + tl.sum(x, axis=1)[:, None]
    if Y_COL_MAJOR:
        tl.store(y_ptr + rows[:, None] + cols[None, :] * ld_y, y.to(y_ptr.dtype.element_ty), mask=inside)
    else:
        tl.store(y_ptr + rows[:, None] * ld_y + cols[None, :], y.to(y_ptr.dtype.element_ty), mask=inside)
