"""Flash attention forward (online softmax), a triton-metal graph fusion template.

Fuses matmul(softmax([mask]([scale](Q . K^T))), V) with optional RoPE on Q and K and an optional causal
or additive mask into one kernel; the S and P tiles never leave the threadgroup.

Entry: flash_attention_fwd
  Q, K, V, Out, Mask            pointers; Q [B, SEQ_Q, HEAD_DIM], K and V [B, SEQ_K, HEAD_DIM] addressed
                                through their strides (a transposed K or a view of a QKV buffer is just
                                other strides), Out [B, SEQ_Q, HEAD_DIM], Mask [B or 1, SEQ_Q, SEQ_K]
                                (additive; pass stride_mb = 0 to broadcast; unused unless HAS_MASK)
  stride_*                      element strides of each operand (batch, row, column)
  sm_scale                      softmax scale (the folded attention scale times the Q.K matmul's alpha)
  rope_base                     RoPE base (unused unless ROPE)
  SEQ_Q, SEQ_K                  sequence lengths; query i sees keys j <= i + SEQ_K - SEQ_Q when CAUSAL
Constexprs:
  HEAD_DIM   head dimension (power of two)
  BLOCK_M    query rows per program; BLOCK_N keys per step (Q, K and V tiles fit threadgroup memory)
  CAUSAL     mask keys after the query position
  HAS_MASK   add Mask to the scores
  ROPE       rotate Q and K (rotate-half form, position = row index) as they are loaded
Grid: (cdiv(SEQ_Q, BLOCK_M), B).
"""
import triton
import triton.language as tl


@triton.jit
def _rope(x, partner, pos, offs_d, rope_base, HEAD_DIM: tl.constexpr):
    # x[i] * cos(theta_i) + sign_i * x[(i + HEAD_DIM/2) % HEAD_DIM] * sin(theta_i),
    # theta_i = pos * base^(-2 (i mod HEAD_DIM/2) / HEAD_DIM), sign = -1 for the first half.
    half = HEAD_DIM // 2
    freq_idx = (offs_d % half).to(tl.float32)
    inv_freq = tl.exp(-2.0 * freq_idx / HEAD_DIM * tl.log(rope_base))
    theta = pos.to(tl.float32)[:, None] * inv_freq[None, :]
    sign = tl.where(offs_d < half, -1.0, 1.0)
    return x * tl.cos(theta) + sign[None, :] * partner * tl.sin(theta)


@triton.jit
def flash_attention_fwd(Q, K, V, Out, Mask,
                        stride_qb, stride_qm, stride_qd,
                        stride_kb, stride_kn, stride_kd,
                        stride_vb, stride_vn, stride_vd,
                        stride_ob, stride_om, stride_od,
                        stride_mb, stride_mm, stride_mn,
                        sm_scale, rope_base, SEQ_Q, SEQ_K,
                        HEAD_DIM: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr,
                        CAUSAL: tl.constexpr, HAS_MASK: tl.constexpr, ROPE: tl.constexpr):
    pid_m = tl.program_id(0)
    b = tl.program_id(1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = tl.arange(0, BLOCK_N)
    offs_d = tl.arange(0, HEAD_DIM)
    rot_d = (offs_d + HEAD_DIM // 2) % HEAD_DIM
    row_ok = offs_m[:, None] < SEQ_Q

    q_rows = Q + b * stride_qb + offs_m[:, None] * stride_qm
    q = tl.load(q_rows + offs_d[None, :] * stride_qd, mask=row_ok, other=0.0).to(tl.float32)
    if ROPE:
        q_partner = tl.load(q_rows + rot_d[None, :] * stride_qd, mask=row_ok, other=0.0).to(tl.float32)
        q = _rope(q, q_partner, offs_m, offs_d, rope_base, HEAD_DIM)

    m_i = tl.full([BLOCK_M], float("-inf"), tl.float32)
    l_i = tl.zeros([BLOCK_M], dtype=tl.float32)
    acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=tl.float32)
    shift = SEQ_K - SEQ_Q
    hi = SEQ_K
    if CAUSAL:
        hi = tl.minimum(SEQ_K, (pid_m + 1) * BLOCK_M + shift)
    for start_n in range(0, hi, BLOCK_N):
        cols = start_n + offs_n
        col_ok = cols[:, None] < SEQ_K
        k_rows = K + b * stride_kb + cols[:, None] * stride_kn
        k = tl.load(k_rows + offs_d[None, :] * stride_kd, mask=col_ok, other=0.0).to(tl.float32)
        if ROPE:
            k_partner = tl.load(k_rows + rot_d[None, :] * stride_kd, mask=col_ok, other=0.0).to(tl.float32)
            k = _rope(k, k_partner, cols, offs_d, rope_base, HEAD_DIM)
        s = tl.dot(q, tl.trans(k)) * sm_scale
        if HAS_MASK:
            m_ptrs = Mask + b * stride_mb + offs_m[:, None] * stride_mm + cols[None, :] * stride_mn
            s += tl.load(m_ptrs, mask=row_ok & (cols[None, :] < SEQ_K), other=0.0).to(tl.float32)
        s = tl.where(cols[None, :] < SEQ_K, s, float("-inf"))
        if CAUSAL:
            s = tl.where(cols[None, :] > offs_m[:, None] + shift, float("-inf"), s)
        m_new = tl.maximum(m_i, tl.max(s, 1))
        m_safe = tl.where(m_new == float("-inf"), 0.0, m_new)
        p = tl.exp(s - m_safe[:, None])
        alpha = tl.exp(m_i - m_safe)
        l_i = l_i * alpha + tl.sum(p, 1)
        v = tl.load(V + b * stride_vb + cols[:, None] * stride_vn + offs_d[None, :] * stride_vd, mask=col_ok, other=0.0)
        acc = acc * alpha[:, None] + tl.dot(p.to(v.dtype), v).to(tl.float32)
        m_i = m_new
    acc = acc / l_i[:, None]
    o_ptrs = Out + b * stride_ob + offs_m[:, None] * stride_om + offs_d[None, :] * stride_od
    tl.store(o_ptrs, acc.to(Out.dtype.element_ty), mask=row_ok)
