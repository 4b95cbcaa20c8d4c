"""Implicit-GEMM 2-D convolution with fused bias, batch norm, residual and activation, a triton-metal
graph fusion template.

The convolution is the GEMM [N*OH*OW, C/G*R*S] x [C/G*R*S, K/G] per group G, with the im2col matrix
gathered on the fly (never materialized). NCHW or NHWC is only a choice of the X / Out / Residual strides.

Entry: conv2d_igemm_fwd
  X [N, C, H, W_in] (strides sxn, sxc, sxh, sxw), Wt [K, C/G, R, S] contiguous, Out [N, K, OH, OW]
  (strides son, sok, soh, sow), Bias [K], Residual (Out's shape and strides), BN_* [K] (scale, shift,
  mean, var of an unfolded inference batch norm)
  sx*, so*, bn_eps                 X and Out strides (n, c, h, w), batch-norm epsilon
Constexprs:
  N, C, H, W_in, K, R, S, OH, OW, stride/padding/dilation per axis   the geometry (constexprs so the
                             kernel's arguments fit Metal's 31 buffer slots)
  GROUPS                     convolution groups
  BLOCK_M, BLOCK_N, BLOCK_K  output pixels, output channels, reduction step per program
  HAS_BIAS, HAS_BN, HAS_RESIDUAL, ACTIVATION (0 none, 1 relu, ... as in epilogue.py)
Grid: (cdiv(N*OH*OW, BLOCK_M), cdiv(K/GROUPS, BLOCK_N), GROUPS).
"""
import triton
import triton.language as tl

from epilogue import activation


@triton.jit
def conv2d_igemm_fwd(X, Wt, Out, Bias, Residual, BN_scale, BN_shift, BN_mean, BN_var,
                     N: tl.constexpr, C: tl.constexpr, H: tl.constexpr, W_in: tl.constexpr, K: tl.constexpr,
                     R: tl.constexpr, S: tl.constexpr, OH: tl.constexpr, OW: tl.constexpr,
                     stride_h: tl.constexpr, stride_w: tl.constexpr, pad_h: tl.constexpr, pad_w: tl.constexpr,
                     dil_h: tl.constexpr, dil_w: tl.constexpr,
                     sxn, sxc, sxh, sxw, son, sok, soh, sow, bn_eps,
                     GROUPS: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
                     HAS_BIAS: tl.constexpr, HAS_BN: tl.constexpr, HAS_RESIDUAL: tl.constexpr,
                     ACTIVATION: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    grp = tl.program_id(2)
    c_per_group = C // GROUPS
    k_per_group = K // GROUPS
    gemm_k = c_per_group * R * S
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)  # output pixels
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)  # output channels within the group
    n_idx = offs_m // (OH * OW)
    oh = (offs_m // OW) % OH
    ow = offs_m % OW
    out_ch = grp * k_per_group + offs_n
    acc = tl.zeros([BLOCK_M, BLOCK_N], dtype=tl.float32)
    for k0 in range(0, gemm_k, BLOCK_K):
        offs_k = k0 + tl.arange(0, BLOCK_K)
        ci = offs_k // (R * S)
        r = (offs_k // S) % R
        s = offs_k % S
        ih = oh[:, None] * stride_h - pad_h + r[None, :] * dil_h
        iw = ow[:, None] * stride_w - pad_w + s[None, :] * dil_w
        in_ok = (offs_m[:, None] < N * OH * OW) & (offs_k[None, :] < gemm_k) & (ih >= 0) & (ih < H) & (iw >= 0) & (iw < W_in)
        x_ptrs = X + n_idx[:, None] * sxn + (grp * c_per_group + ci[None, :]) * sxc + ih * sxh + iw * sxw
        a = tl.load(x_ptrs, mask=in_ok, other=0.0)
        w_ptrs = Wt + out_ch[None, :] * gemm_k + offs_k[:, None]
        b = tl.load(w_ptrs, mask=(offs_k[:, None] < gemm_k) & (offs_n[None, :] < k_per_group), other=0.0)
        acc += tl.dot(a, b)
    ch_ok = offs_n < k_per_group
    if HAS_BIAS:
        acc += tl.load(Bias + out_ch, mask=ch_ok, other=0.0).to(tl.float32)[None, :]
    if HAS_BN:
        mean = tl.load(BN_mean + out_ch, mask=ch_ok, other=0.0).to(tl.float32)
        var = tl.load(BN_var + out_ch, mask=ch_ok, other=1.0).to(tl.float32)
        scale = tl.load(BN_scale + out_ch, mask=ch_ok, other=0.0).to(tl.float32)
        shift = tl.load(BN_shift + out_ch, mask=ch_ok, other=0.0).to(tl.float32)
        acc = (acc - mean[None, :]) * tl.rsqrt(var[None, :] + bn_eps) * scale[None, :] + shift[None, :]
    out_off = n_idx[:, None] * son + out_ch[None, :] * sok + oh[:, None] * soh + ow[:, None] * sow
    out_mask = (offs_m[:, None] < N * OH * OW) & ch_ok[None, :]
    if HAS_RESIDUAL:
        acc += tl.load(Residual + out_off, mask=out_mask, other=0.0).to(tl.float32)
    acc = activation(acc, ACTIVATION)
    tl.store(Out + out_off, acc.to(Out.dtype.element_ty), mask=out_mask)
