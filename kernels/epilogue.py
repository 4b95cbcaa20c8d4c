"""Shared epilogue and prologue helpers of the triton-metal GEMM templates.

ACTIVATION codes: 0 none, 1 relu, 2 gelu (erf), 3 gelu (tanh form), 4 silu, 5 sigmoid, 6 tanh.
BINARY_OP codes: 0 none, 1 add, 2 mul, 3 sub (the tile op the same-shape Other tensor).
NORM_PROLOGUE codes: 0 none, 1 rms_norm, 2 layer_norm (over the rows of A, with weight and bias).
"""
import triton
import triton.language as tl


@triton.jit
def activation(x, ACTIVATION: tl.constexpr):
    if ACTIVATION == 1:
        x = tl.maximum(x, 0.0)
    elif ACTIVATION == 2:
        x = 0.5 * x * (1.0 + tl.erf(x * 0.7071067811865476))
    elif ACTIVATION == 3:
        x = x * tl.sigmoid(1.5957691216057308 * (x + 0.044715 * x * x * x))
    elif ACTIVATION == 4:
        x = x * tl.sigmoid(x)
    elif ACTIVATION == 5:
        x = tl.sigmoid(x)
    elif ACTIVATION == 6:
        x = 2.0 * tl.sigmoid(2.0 * x) - 1.0
    return x


@triton.jit
def row_statistics(A, offs_m, stride_am, stride_ak, M, K, norm_eps,
                   BLOCK_M: tl.constexpr, BLOCK_K: tl.constexpr, NORM_PROLOGUE: tl.constexpr):
    """Mean (0 for rms_norm) and reciprocal standard deviation of each of the BLOCK_M rows of A."""
    total = tl.zeros([BLOCK_M], dtype=tl.float32)
    squares = tl.zeros([BLOCK_M], dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        offs_k = k0 + tl.arange(0, BLOCK_K)
        a = tl.load(A + offs_m[:, None] * stride_am + offs_k[None, :] * stride_ak,
                    mask=(offs_m[:, None] < M) & (offs_k[None, :] < K), other=0.0).to(tl.float32)
        total += tl.sum(a, 1)
        squares += tl.sum(a * a, 1)
    mean = total / K
    if NORM_PROLOGUE == 1:
        mean = tl.zeros([BLOCK_M], dtype=tl.float32)
        var = squares / K
    else:
        var = squares / K - mean * mean
    return mean, tl.rsqrt(var + norm_eps)


@triton.jit
def normalize(a, mean, rstd, NormW, NormB, offs_k, K, NORM_PROLOGUE: tl.constexpr):
    """Applies the row normalization (and its per-column weight and bias) to an A tile."""
    w = tl.load(NormW + offs_k, mask=offs_k < K, other=0.0).to(tl.float32)
    a = (a - mean[:, None]) * rstd[:, None] * w[None, :]
    if NORM_PROLOGUE == 2:
        a += tl.load(NormB + offs_k, mask=offs_k < K, other=0.0).to(tl.float32)[None, :]
    return a
