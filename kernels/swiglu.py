"""SwiGLU, a triton-metal graph fusion template: Out = silu(X . W1) * (X . W3) in one kernel.

Both products share each loaded X tile; the two accumulators stay in registers (why the pattern is
gated to targets with dynamic caching). Optionally rms_norm / layer_norm X's rows on load.

Entry: swiglu_fwd
  X [M, K], W1 and W3 [K, N], Out [M, N]        pointers with strides (transposed weights: other strides)
  NormW, NormB [K]                              normalization weight and bias (per NORM_PROLOGUE)
  M, N, K, norm_eps
Constexprs:
  BLOCK_M, BLOCK_N, BLOCK_K   tile (BLOCK_N is half the plain matmul's: two accumulators)
  NORM_PROLOGUE               0 none, 1 rms_norm, 2 layer_norm
Grid: (cdiv(M, BLOCK_M), cdiv(N, BLOCK_N)).
"""
import triton
import triton.language as tl

from epilogue import normalize, row_statistics


@triton.jit
def swiglu_fwd(X, W1, W3, Out, NormW, NormB,
               M, N, K,
               stride_xm, stride_xk, stride_wk, stride_wn, stride_om, stride_on,
               norm_eps,
               BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
               NORM_PROLOGUE: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    if NORM_PROLOGUE != 0:
        mean, rstd = row_statistics(X, offs_m, stride_xm, stride_xk, M, K, norm_eps, BLOCK_M, BLOCK_K, NORM_PROLOGUE)
    gate = tl.zeros([BLOCK_M, BLOCK_N], dtype=tl.float32)
    up = tl.zeros([BLOCK_M, BLOCK_N], dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        offs_k = k0 + tl.arange(0, BLOCK_K)
        x = tl.load(X + offs_m[:, None] * stride_xm + offs_k[None, :] * stride_xk,
                    mask=(offs_m[:, None] < M) & (offs_k[None, :] < K), other=0.0)
        w_off = offs_k[:, None] * stride_wk + offs_n[None, :] * stride_wn
        w_mask = (offs_k[:, None] < K) & (offs_n[None, :] < N)
        w1 = tl.load(W1 + w_off, mask=w_mask, other=0.0)
        w3 = tl.load(W3 + w_off, mask=w_mask, other=0.0)
        if NORM_PROLOGUE != 0:
            x = normalize(x.to(tl.float32), mean, rstd, NormW, NormB, offs_k, K, NORM_PROLOGUE).to(w1.dtype)
        gate += tl.dot(x, w1)
        up += tl.dot(x, w3)
    out = gate * tl.sigmoid(gate) * up
    tl.store(Out + offs_m[:, None] * stride_om + offs_n[None, :] * stride_on, out.to(Out.dtype.element_ty),
             mask=(offs_m[:, None] < M) & (offs_n[None, :] < N))
