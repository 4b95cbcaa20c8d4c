"""Batched matmul with a fused prologue and epilogue, a triton-metal graph fusion template.

C = epilogue(alpha * prologue(A) @ B): prologue optionally rms_norm / layer_norm of A's rows; epilogue
+bias (per column), activation, then a same-shape binary op with Other (residual add, gating mul).

Entry: matmul_epilogue_fwd
  A [BATCH, M, K], B [BATCH, K, N], C [BATCH, M, N]  pointers with strides (a transposed operand or a
                                                    view is other strides; stride_*b = 0 broadcasts)
  Bias [N], Other [BATCH, M, N] (strides stride_o*), NormW and NormB [K]   (used per the constexprs)
  M, N, K, alpha, norm_eps                            sizes, output scale, normalization epsilon
Constexprs:
  BLOCK_M, BLOCK_N, BLOCK_K   threadgroup tile (from the hardware model's matmul tile)
  HAS_BIAS                    add Bias[n]
  ACTIVATION                  0 none, 1 relu, 2 gelu, 3 gelu-tanh, 4 silu, 5 sigmoid, 6 tanh
  BINARY_OP                   0 none, 1 add Other, 2 multiply by Other, 3 subtract Other
  NORM_PROLOGUE               0 none, 1 rms_norm, 2 layer_norm of A's rows (weights NormW, NormB)
Grid: (cdiv(M, BLOCK_M), cdiv(N, BLOCK_N), BATCH).
"""
import triton
import triton.language as tl

from epilogue import activation, normalize, row_statistics


@triton.jit
def matmul_epilogue_fwd(A, B, C, Bias, Other, NormW, NormB,
                        M, N, K,
                        stride_ab, stride_am, stride_ak,
                        stride_bb, stride_bk, stride_bn,
                        stride_cb, stride_cm, stride_cn,
                        stride_ob, stride_om, stride_on,
                        alpha, norm_eps,
                        BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
                        HAS_BIAS: tl.constexpr, ACTIVATION: tl.constexpr, BINARY_OP: tl.constexpr,
                        NORM_PROLOGUE: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    batch = tl.program_id(2)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    A += batch * stride_ab
    B += batch * stride_bb
    if NORM_PROLOGUE != 0:
        mean, rstd = row_statistics(A, offs_m, stride_am, stride_ak, M, K, norm_eps, BLOCK_M, BLOCK_K, NORM_PROLOGUE)
    acc = tl.zeros([BLOCK_M, BLOCK_N], dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        offs_k = k0 + tl.arange(0, BLOCK_K)
        a = tl.load(A + offs_m[:, None] * stride_am + offs_k[None, :] * stride_ak,
                    mask=(offs_m[:, None] < M) & (offs_k[None, :] < K), other=0.0)
        b = tl.load(B + offs_k[:, None] * stride_bk + offs_n[None, :] * stride_bn,
                    mask=(offs_k[:, None] < K) & (offs_n[None, :] < N), other=0.0)
        if NORM_PROLOGUE != 0:
            a = normalize(a.to(tl.float32), mean, rstd, NormW, NormB, offs_k, K, NORM_PROLOGUE).to(b.dtype)
        acc += tl.dot(a, b)
    acc = acc * alpha
    if HAS_BIAS:
        acc += tl.load(Bias + offs_n, mask=offs_n < N, other=0.0).to(tl.float32)[None, :]
    acc = activation(acc, ACTIVATION)
    out_mask = (offs_m[:, None] < M) & (offs_n[None, :] < N)
    if BINARY_OP != 0:
        other = tl.load(Other + batch * stride_ob + offs_m[:, None] * stride_om + offs_n[None, :] * stride_on,
                        mask=out_mask, other=0.0).to(tl.float32)
        if BINARY_OP == 1:
            acc = acc + other
        elif BINARY_OP == 2:
            acc = acc * other
        else:
            acc = acc - other
    c_ptrs = C + batch * stride_cb + offs_m[:, None] * stride_cm + offs_n[None, :] * stride_cn
    tl.store(c_ptrs, acc.to(C.dtype.element_ty), mask=out_mask)
