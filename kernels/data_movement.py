"""Data-movement kernels of triton-metal graph plans: ops that stay their own kernel when fusion and the
layout manager cannot absorb them (RoPE outside attention, embedding gathers, copies for transposes,
slices, concat pieces and reshapes that are not views, pooling, constant fills).

Entries (all 1-D grids of cdiv(NUMEL, BLOCK) programs unless noted; BLOCK is a constexpr everywhere):
  rope_fwd(X, Out, ROWS, SEQ, H, sx0, sx1, sxs, sxd, base, offset, DIM: constexpr, BLOCK_R: constexpr)
      rotate-half RoPE of the ROWS rows of DIM of X [ROWS/(H*SEQ), H, SEQ, DIM] read through strides
      (a view such as a head transpose); Out contiguous; position = row % SEQ + offset; grid cdiv(ROWS, BLOCK_R)
  embedding_fwd(Table, Ids, Out, NUM_IDS, VOCAB, DIM: constexpr)
      Out[i, :] = Table[Ids[i], :]; ids outside [0, VOCAB) write zeros; grid NUM_IDS
  strided_copy_fwd(X, Out, NUMEL, offset, d1, d2, d3, s0, s1, s2, s3, BLOCK: constexpr)
      Out (contiguous, logical shape [d0, d1, d2, d3]) = X[offset + i0*s0 + i1*s1 + i2*s2 + i3*s3]
  pool2d_fwd(X, Out, NUMEL, C, H, W_in, OH, OW, KH, KW, stride_h, stride_w, pad_h, pad_w,
             sxn, sxc, sxh, sxw, son, soc, soh, sow, IS_MAX: constexpr, BLOCK: constexpr)
      max or average (over in-bounds taps) pooling, either layout through strides
  fill_fwd(Out, NUMEL, value, BLOCK: constexpr)
"""
import triton
import triton.language as tl


@triton.jit
def rope_fwd(X, Out, ROWS, SEQ, H, sx0, sx1, sxs, sxd, base, offset, DIM: tl.constexpr, BLOCK_R: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    offs_d = tl.arange(0, DIM)
    half = DIM // 2
    partner_d = (offs_d + half) % DIM
    ok = rows[:, None] < ROWS
    seq = rows % SEQ
    row_off = (rows // (SEQ * H)) * sx0 + ((rows // SEQ) % H) * sx1 + seq * sxs
    x = tl.load(X + row_off[:, None] + offs_d[None, :] * sxd, mask=ok, other=0.0).to(tl.float32)
    partner = tl.load(X + row_off[:, None] + partner_d[None, :] * sxd, mask=ok, other=0.0).to(tl.float32)
    pos = (seq + offset).to(tl.float32)
    inv_freq = tl.exp(-2.0 * (offs_d % half).to(tl.float32) / DIM * tl.log(base))
    theta = pos[:, None] * inv_freq[None, :]
    sign = tl.where(offs_d < half, -1.0, 1.0)
    y = x * tl.cos(theta) + sign[None, :] * partner * tl.sin(theta)
    tl.store(Out + rows[:, None] * DIM + offs_d[None, :], y.to(Out.dtype.element_ty), mask=ok)


@triton.jit
def embedding_fwd(Table, Ids, Out, NUM_IDS, VOCAB, DIM: tl.constexpr):
    i = tl.program_id(0)
    offs = tl.arange(0, DIM)
    idx = tl.load(Ids + i).to(tl.int64)
    ok = (idx >= 0) & (idx < VOCAB)
    row = tl.load(Table + idx * DIM + offs, mask=ok & (offs < DIM), other=0.0)
    tl.store(Out + i * DIM + offs, row)


@triton.jit
def strided_copy_fwd(X, Out, NUMEL, offset, d1, d2, d3, s0, s1, s2, s3, BLOCK: tl.constexpr):
    i = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    ok = i < NUMEL
    i3 = i % d3
    i2 = (i // d3) % d2
    i1 = (i // (d3 * d2)) % d1
    i0 = i // (d3 * d2 * d1)
    x = tl.load(X + offset + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3, mask=ok)
    tl.store(Out + i, x, mask=ok)


@triton.jit
def pool2d_fwd(X, Out, NUMEL, C, H, W_in, OH, OW, KH, KW, stride_h, stride_w, pad_h, pad_w,
               sxn, sxc, sxh, sxw, son, soc, soh, sow, IS_MAX: tl.constexpr, BLOCK: tl.constexpr):
    i = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    ok = i < NUMEL
    ow = i % OW
    oh = (i // OW) % OH
    c = (i // (OW * OH)) % C
    n = i // (OW * OH * C)
    if IS_MAX:
        acc = tl.full([BLOCK], float("-inf"), tl.float32)
    else:
        acc = tl.zeros([BLOCK], dtype=tl.float32)
    count = tl.zeros([BLOCK], dtype=tl.float32)
    for r in range(0, KH):
        for s in range(0, KW):
            ih = oh * stride_h - pad_h + r
            iw = ow * stride_w - pad_w + s
            tap = ok & (ih >= 0) & (ih < H) & (iw >= 0) & (iw < W_in)
            x = tl.load(X + n * sxn + c * sxc + ih * sxh + iw * sxw, mask=tap, other=float("-inf") if IS_MAX else 0.0).to(tl.float32)
            if IS_MAX:
                acc = tl.maximum(acc, x)
            else:
                acc += x
            count += tap.to(tl.float32)
    if not IS_MAX:
        acc = acc / tl.maximum(count, 1.0)
    tl.store(Out + n * son + c * soc + oh * soh + ow * sow, acc.to(Out.dtype.element_ty), mask=ok)


@triton.jit
def fill_fwd(Out, NUMEL, value, BLOCK: tl.constexpr):
    i = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(Out + i, value, mask=i < NUMEL)
