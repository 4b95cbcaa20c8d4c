# Small kernels exercising constructs the examples do not: argmax/argmin, integer ops and casts, atomics,
# tl.join, tl.histogram, while loops, reverse scans, a transpose inside a loop. Used by ops_test.cpp and shapes_test.cpp.
import triton
import triton.language as tl


@triton.jit
def arg_extrema(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    hi = tl.argmax(tl.where(offs < n, x, -float("inf")), axis=0)
    lo = tl.argmin(tl.where(offs < n, x, float("inf")), axis=0)
    tl.store(out_ptr, hi)
    tl.store(out_ptr + 1, lo)


@triton.jit
def int_ops(x_ptr, y_ptr, bins_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    i = (x * 100.0).to(tl.int32)
    v = ((i * 7) >> 2) ^ (i & 5)
    w = (v % 13) + (v // 3)
    h = w.to(tl.float16).to(tl.float32) + (x % 0.5)
    tl.store(y_ptr + offs, h, mask=m)
    tl.atomic_max(bins_ptr + (offs % 4), w, mask=m)
    tl.atomic_add(bins_ptr + 4 + (offs % 4), 1, mask=m)


@triton.jit
def join_hist(x_ptr, pairs_ptr, hist_ptr):
    offs = tl.arange(0, 64)
    x = tl.load(x_ptr + offs)
    pair = tl.join(x, x * 2)
    tl.store(pairs_ptr + offs[:, None] * 2 + tl.arange(0, 2)[None, :], pair)
    tl.store(hist_ptr + tl.arange(0, 16), tl.histogram(x, 16))


@triton.jit
def while_scan(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    acc = tl.cumsum(x, axis=0, reverse=True)
    i = 0
    while i < 3:
        acc = acc * 0.5
        i += 1
    tl.store(y_ptr + offs, acc, mask=offs < n)


@triton.jit
def cumsum_1d(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(y_ptr + offs, tl.cumsum(x, axis=0), mask=offs < n)


@triton.jit
def reduce_2d(x_ptr, rows_ptr, cols_ptr, M, N, R: tl.constexpr, C: tl.constexpr):
    r = tl.arange(0, R)
    c = tl.arange(0, C)
    m = (r[:, None] < M) & (c[None, :] < N)
    x = tl.load(x_ptr + r[:, None] * N + c[None, :], mask=m, other=0.0)
    tl.store(rows_ptr + r, tl.sum(x, axis=1) + tl.max(tl.where(m, x, -1.0e30), axis=1), mask=r < M)
    tl.store(cols_ptr + c, tl.sum(x, axis=0) - tl.min(tl.where(m, x, 1.0e30), axis=0), mask=c < N)


@triton.jit
def countdown(x_ptr, y_ptr, n, step):
    offs = tl.arange(0, 64)
    acc = tl.zeros([64], dtype=tl.float32)
    for i in range(n, 0, step):
        acc = acc * 0.5 + tl.load(x_ptr + i * 64 + offs)
    tl.store(y_ptr + offs, acc)


@triton.jit
def atomics_with_results(x_ptr, acc_ptr, old_ptr, ids_ptr, cmp_ptr, prev_ptr, n, BLOCK: tl.constexpr):
    # With n:16 the loads are 4-wide vectors and the atomics (contiguous addresses) run in a lane-contiguous
    # layout: their operands are converted to it and the old values they return converted back.
    offs = tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    old = tl.atomic_add(acc_ptr + offs, x, mask=m)
    tl.store(old_ptr + offs, old + x, mask=m)
    cmp = tl.load(cmp_ptr + offs)
    prev = tl.atomic_cas(ids_ptr + offs, cmp, cmp * 3 + 1)
    tl.store(prev_ptr + offs, prev + cmp)


@triton.jit
def trans_tiles(in_ptr, out_ptr, M, N, n_tiles, BLOCK: tl.constexpr):
    # A stack of n_tiles M x N matrices, each transposed in turn inside one loop: the tile's conversion through
    # threadgroup memory runs again every iteration, so its write must wait for the previous iteration's reads.
    rows = tl.arange(0, BLOCK)
    cols = tl.arange(0, BLOCK)
    for t in range(0, n_tiles):
        tile = tl.load(in_ptr + t * M * N + rows[:, None] * N + cols[None, :], mask=(rows[:, None] < M) & (cols[None, :] < N))
        tl.store(out_ptr + t * M * N + cols[:, None] * M + rows[None, :], tl.trans(tile), mask=(cols[:, None] < N) & (rows[None, :] < M))


@triton.jit
def branch_then_reload(x_ptr, y_ptr, n, flag, BLOCK: tl.constexpr):
    # Device-memory ordering across the branches of an scf.if (codegen/emit_kernel.cpp, emit_if).
    offs = tl.arange(0, BLOCK)
    valid = offs < n
    if flag > 0:
        tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=valid), mask=valid)
    else:
        # Only the then branch read x, and it did not run: nothing to wait for.
        tl.store(x_ptr + offs, tl.zeros([BLOCK], dtype=tl.float32), mask=valid)
    # Another thread's element of y, which the then branch may have stored: a device barrier first.
    back = tl.load(y_ptr + (n - 1 - offs), mask=valid)
    tl.store(y_ptr + BLOCK + offs, back, mask=valid)


@triton.jit
def layer_norm_rows(x_ptr, y_ptr, mean_ptr, rstd_ptr, n_rows, n_cols, eps, BLOCK_ROWS: tl.constexpr, BLOCK: tl.constexpr,
                    STATS: tl.constexpr):
    # A layer norm of BLOCK_ROWS short rows per program, with elementwise ops between each reduction and its
    # `[:, None]` (codegen/emit_reduce.cpp: the partials go through them in the rows' own lanes). With STATS it
    # also stores each row's mean and rstd: the statistics are then needed in their own layout too, so the
    # reductions fill it (through threadgroup memory) and the `[:, None]` conversions still take the partials
    # through the elementwise ops.
    rows = tl.program_id(0) * BLOCK_ROWS + tl.arange(0, BLOCK_ROWS)
    cols = tl.arange(0, BLOCK)
    valid = (rows[:, None] < n_rows) & (cols[None, :] < n_cols)
    x = tl.load(x_ptr + rows[:, None] * n_cols + cols[None, :], mask=valid, other=0.0).to(tl.float32)
    mean = tl.sum(x, axis=1) / n_cols
    xc = tl.where(valid, x - mean[:, None], 0.0)
    rstd = 1.0 / tl.sqrt(tl.sum(xc * xc, axis=1) / n_cols + eps)
    if STATS:
        tl.store(mean_ptr + rows, mean, mask=rows < n_rows)
        tl.store(rstd_ptr + rows, rstd, mask=rows < n_rows)
    tl.store(y_ptr + rows[:, None] * n_cols + cols[None, :], (xc * rstd[:, None]).to(y_ptr.dtype.element_ty), mask=valid)
