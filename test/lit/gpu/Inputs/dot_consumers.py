# Consumers of a tl.dot result that propagate-fragment-layout moves into the fragments (test/lit/gpu/
# fragment-consumers.test): row and column reductions, a softmax over rows, a broadcast of a column statistic,
# a mask from indices, and a cast, with ragged edges (M, N, K not multiples of the blocks).
import triton
import triton.language as tl


@triton.jit
def dot_consumers(a_ptr, b_ptr, rows_ptr, cols_ptr, p_ptr, M, N, K, scale,
                  BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    rm = tl.arange(0, BM)
    rn = tl.arange(0, BN)
    rk = tl.arange(0, BK)
    a = tl.load(a_ptr + rm[:, None] * K + rk[None, :], mask=(rm[:, None] < M) & (rk[None, :] < K), other=0.0)
    b = tl.load(b_ptr + rk[:, None] * N + rn[None, :], mask=(rk[:, None] < K) & (rn[None, :] < N), other=0.0)
    s = tl.dot(a, b) * scale
    valid = (rm[:, None] < M) & (rn[None, :] < N)
    s = tl.where(valid, s, -float("inf"))
    row_max = tl.max(s, 1)
    p = tl.exp(s - row_max[:, None])
    row_sum = tl.sum(p, 1)
    col_sum = tl.sum(tl.where(valid, s, 0.0), 0)
    centred = tl.where(valid, s - (col_sum / M)[None, :], 0.0)
    tl.store(rows_ptr + rm, row_max + row_sum, mask=rm < M)
    tl.store(cols_ptr + rn, col_sum + tl.max(centred, 0), mask=rn < N)
    tl.store(p_ptr + rm[:, None] * N + rn[None, :], (p / row_sum[:, None]).to(tl.float16), mask=valid)
