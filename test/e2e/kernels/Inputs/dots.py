# tl.dot kernels for the simdgroup-matrix lowering tests (dot-*.test): single dots and K loops with ragged
# runtime sizes, f32 / f16 accumulators, transposed operands, chain dots (attention forward and backward).
import triton
import triton.language as tl


@triton.jit
def dot_tile(a_ptr, b_ptr, c_ptr, M, N, K, stride_am, stride_ak, stride_bk, stride_bn,
             BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr, ACC_F16: tl.constexpr,
             TRANS_B: tl.constexpr, LOOP: tl.constexpr):
    # C[BM, BN] = A[M, K] @ B[K, N] (one program; rows >= M, columns >= N and K beyond K are masked).
    # LOOP: a K loop of BK steps carrying the accumulator; else one dot of the first BK columns.
    # TRANS_B: B is loaded as a [BN, BK] tile and transposed with tl.trans.
    rm = tl.arange(0, BM)
    rn = tl.arange(0, BN)
    rk = tl.arange(0, BK)
    if ACC_F16:
        acc = tl.zeros((BM, BN), dtype=tl.float16)
    else:
        acc = tl.zeros((BM, BN), dtype=tl.float32)
    steps = 1
    if LOOP:
        steps = tl.cdiv(K, BK)
    for s in range(0, steps):
        ks = s * BK + rk
        a = tl.load(a_ptr + rm[:, None] * stride_am + ks[None, :] * stride_ak,
                    mask=(rm[:, None] < M) & (ks[None, :] < K), other=0.0)
        if TRANS_B:
            bt = tl.load(b_ptr + rn[:, None] * stride_bn + ks[None, :] * stride_bk,
                         mask=(rn[:, None] < N) & (ks[None, :] < K), other=0.0)
            b = tl.trans(bt)
        else:
            b = tl.load(b_ptr + ks[:, None] * stride_bk + rn[None, :] * stride_bn,
                        mask=(ks[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc = tl.dot(a, b, acc)
    tl.store(c_ptr + rm[:, None] * BN + rn[None, :], acc.to(tl.float32))


@triton.jit
def dot_epilogue(a_ptr, b_ptr, bias_ptr, c_ptr, M, N, K, scale,
                 BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    # acc += tl.dot(a, b) in a K loop (the add folds into the dot), then scale, bias and leaky ReLU; a second
    # dot outside the loop uses the first product (cast to f16) as an operand.
    pid_m = tl.program_id(0)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = tl.arange(0, BN)
    rk = tl.arange(0, BK)
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k0 in range(0, K, BK):
        ks = k0 + rk
        a = tl.load(a_ptr + rm[:, None] * K + ks[None, :], mask=(rm[:, None] < M) & (ks[None, :] < K), other=0.0)
        b = tl.load(b_ptr + ks[:, None] * N + rn[None, :], mask=(ks[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc += tl.dot(a, b)
    bias = tl.load(bias_ptr + rn, mask=rn < N, other=0.0)
    y = acc * scale + bias[None, :].to(tl.float32)
    y = tl.where(y > 0, y, 0.01 * y)
    sq = tl.dot(y.to(tl.float16), tl.trans(y.to(tl.float16)))  # [BM, BM]
    z = tl.dot(sq.to(tl.float16), y.to(tl.float16))            # chain: [BM, BN]
    out = c_ptr + rm[:, None] * N + rn[None, :]
    tl.store(out, z * 0.001, mask=(rm[:, None] < M) & (rn[None, :] < N))


@triton.jit
def attn_bwd_dkdv(Q, K, V, DO, LSE, DELTA, DK, DV, sm_scale, N_CTX,
                  D: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    # Triton tutorial 06's backward for one K/V block (non-causal): recompute P from Q, K and the row
    # log-sum-exp; dV += P^T dO, dP = dO V^T, dS = P (dP - delta), dK += dS^T Q.
    start_n = tl.program_id(0) * BLOCK_N
    offs_n = start_n + tl.arange(0, BLOCK_N)
    offs_d = tl.arange(0, D)
    kmask = offs_n[:, None] < N_CTX
    k = tl.load(K + offs_n[:, None] * D + offs_d[None, :], mask=kmask, other=0.0)
    v = tl.load(V + offs_n[:, None] * D + offs_d[None, :], mask=kmask, other=0.0)
    dk = tl.zeros([BLOCK_N, D], dtype=tl.float32)
    dv = tl.zeros([BLOCK_N, D], dtype=tl.float32)
    for start_m in range(0, N_CTX, BLOCK_M):
        offs_m = start_m + tl.arange(0, BLOCK_M)
        qmask = offs_m[:, None] < N_CTX
        q = tl.load(Q + offs_m[:, None] * D + offs_d[None, :], mask=qmask, other=0.0)
        do = tl.load(DO + offs_m[:, None] * D + offs_d[None, :], mask=qmask, other=0.0)
        lse = tl.load(LSE + offs_m, mask=offs_m < N_CTX, other=0.0)
        delta = tl.load(DELTA + offs_m, mask=offs_m < N_CTX, other=0.0)
        qkT = tl.dot(k, tl.trans(q)) * sm_scale                  # [BLOCK_N, BLOCK_M]
        pT = tl.exp(qkT - lse[None, :])
        pT = tl.where((offs_m[None, :] < N_CTX) & (offs_n[:, None] < N_CTX), pT, 0.0)
        dv += tl.dot(pT.to(do.dtype), do)
        dpT = tl.dot(v, tl.trans(do)).to(tl.float32)
        dsT = pT * (dpT - delta[None, :])
        dk += tl.dot(dsT.to(q.dtype), q)
    tl.store(DK + offs_n[:, None] * D + offs_d[None, :], dk * sm_scale, mask=kmask)
    tl.store(DV + offs_n[:, None] * D + offs_d[None, :], dv, mask=kmask)
