# Scans for scans_test.cpp: 2-D tiles scanned along either axis, forward and reverse, with tl.cumsum, a max
# combine and a non-commutative tuple combine (a first-order linear recurrence), on ragged shapes.
import triton
import triton.language as tl


@triton.jit
def max_fn(a, b):
    return tl.maximum(a, b)


@triton.jit
def affine_fn(a1, b1, a2, b2):
    # (x -> a1 x + b1) then (x -> a2 x + b2): associative, not commutative.
    return a1 * a2, a2 * b1 + b2


@triton.jit
def cumsum_2d(x_ptr, y_ptr, M, N, R: tl.constexpr, C: tl.constexpr, AXIS: tl.constexpr, REVERSE: tl.constexpr):
    rows = tl.arange(0, R)[:, None]
    cols = tl.arange(0, C)[None, :]
    valid = (rows < M) & (cols < N)
    x = tl.load(x_ptr + rows * N + cols, mask=valid, other=0.0)
    tl.store(y_ptr + rows * N + cols, tl.cumsum(x, axis=AXIS, reverse=REVERSE), mask=valid)


@triton.jit
def cummax_2d(x_ptr, y_ptr, M, N, R: tl.constexpr, C: tl.constexpr, AXIS: tl.constexpr, REVERSE: tl.constexpr):
    rows = tl.arange(0, R)[:, None]
    cols = tl.arange(0, C)[None, :]
    valid = (rows < M) & (cols < N)
    x = tl.load(x_ptr + rows * N + cols, mask=valid, other=-float("inf"))
    tl.store(y_ptr + rows * N + cols, tl.associative_scan(x, AXIS, max_fn, reverse=REVERSE), mask=valid)


@triton.jit
def linrec_2d(a_ptr, b_ptr, y_ptr, M, N, R: tl.constexpr, C: tl.constexpr, AXIS: tl.constexpr, REVERSE: tl.constexpr):
    rows = tl.arange(0, R)[:, None]
    cols = tl.arange(0, C)[None, :]
    valid = (rows < M) & (cols < N)
    a = tl.load(a_ptr + rows * N + cols, mask=valid, other=1.0)
    b = tl.load(b_ptr + rows * N + cols, mask=valid, other=0.0)
    _, h = tl.associative_scan((a, b), AXIS, affine_fn, reverse=REVERSE)
    tl.store(y_ptr + rows * N + cols, h, mask=valid)


@triton.jit
def several_scans(x_ptr, y_ptr, z_ptr, w_ptr, R: tl.constexpr, C: tl.constexpr):
    # Two chunked scans and two 1-D fast-path scans in one kernel (each scan's emitted names are scoped).
    rows = tl.arange(0, R)[:, None]
    cols = tl.arange(0, C)[None, :]
    x = tl.load(x_ptr + rows * C + cols)
    tl.store(y_ptr + rows * C + cols, tl.cumsum(x, axis=1) + tl.cumsum(x, axis=0, reverse=True))
    v = tl.load(x_ptr + tl.arange(0, R * C))
    tl.store(z_ptr + tl.arange(0, R * C), tl.cumsum(v, axis=0))
    tl.store(w_ptr + tl.arange(0, R * C), tl.cumsum(v * 2.0, axis=0))


@triton.jit
def first_nonzero_fn(a, b):
    return tl.where(a != 0, a, b)


@triton.jit
def first_nonzero_2d(x_ptr, y_ptr, M, N, R: tl.constexpr, C: tl.constexpr, AXIS: tl.constexpr, REVERSE: tl.constexpr):
    # An associative, non-commutative one-operand combine: each element becomes the first non-zero value met in
    # scan order (about one input in eight is non-zero), so any operand swapped across runs, lanes or simdgroups
    # shows up.
    rows = tl.arange(0, R)[:, None]
    cols = tl.arange(0, C)[None, :]
    valid = (rows < M) & (cols < N)
    x = tl.load(x_ptr + rows * N + cols, mask=valid, other=0.0)
    x = tl.where(x > 0.75, x, 0.0)
    tl.store(y_ptr + rows * N + cols, tl.associative_scan(x, AXIS, first_nonzero_fn, reverse=REVERSE), mask=valid)
