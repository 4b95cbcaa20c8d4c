"""The examples/*.py Triton kernels benchmarked on the CUDA proxy beside real Triton and PyTorch: for each,
the kernel, its signature and constexprs (what our compiler specialises on), num_warps, and per size
("check": small odd shapes for correctness and compute-sanitizer; "bench": shapes that fill the GPU) the
arguments (numpy arrays or scalars), the Triton grid, which buffers are outputs, a float64 reference of the
outputs, the tolerance, and the bytes moved or FLOPs done. numpy only, so the same file drives the C++ proxy
driver (through files), real Triton and PyTorch."""
import numpy as np


def _rng(seed):
    return np.random.default_rng(seed)


def cdiv(a, b):
    return (a + b - 1) // b


def f32(x):
    return np.float32(x)


def i32(x):
    return np.int32(x)


# ---- references (float64, from the inputs actually given) ----
def ref_softmax(x):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def ref_layer_norm(x, w, b, eps):
    x = x.astype(np.float64)
    mean = x.mean(axis=1)
    var = ((x - mean[:, None]) ** 2).mean(axis=1)
    rstd = 1.0 / np.sqrt(var + eps)
    y = (x - mean[:, None]) * rstd[:, None] * w.astype(np.float64) + b.astype(np.float64)
    return y, mean, rstd


def ref_attention(q, k, v, scale, causal):
    q, k, v = (t.astype(np.float64) for t in (q, k, v))
    out = np.empty_like(q)
    s = q.shape[1]
    for h in range(q.shape[0]):
        sc = q[h] @ k[h].T * scale
        if causal:
            sc = np.where(np.tril(np.ones((s, s), dtype=bool)), sc, -np.inf)
        p = np.exp(sc - sc.max(axis=1, keepdims=True))
        out[h] = (p / p.sum(axis=1, keepdims=True)) @ v[h]
    return out


# ---- cases ----
def vector_add(size):
    n = 1000016 if size == "check" else 1 << 26
    g = _rng(1)
    x, y = g.standard_normal(n, dtype=np.float32), g.standard_normal(n, dtype=np.float32)
    return dict(args=dict(x_ptr=x, y_ptr=y, out_ptr=np.zeros(n, np.float32), n_elements=i32(n)),
                grid=(cdiv(n, 1024),), outputs=["out_ptr"], shape=f"{n}",
                ref=lambda a: {"out_ptr": a["x_ptr"].astype(np.float64) + a["y_ptr"]},
                tol=(1e-6, 1e-6), bytes=12.0 * n)


def fused_softmax(size):
    r, c = (37, 1008) if size == "check" else (65536, 1024)
    x = _rng(2).uniform(-4, 4, (r, c)).astype(np.float32)
    return dict(args=dict(out_ptr=np.zeros((r, c), np.float32), in_ptr=x, in_row_stride=i32(c), out_row_stride=i32(c),
                          n_rows=i32(r), n_cols=i32(c)),
                grid=(r,), outputs=["out_ptr"], shape=f"{r}x{c}",
                ref=lambda a: {"out_ptr": ref_softmax(a["in_ptr"])}, tol=(1e-7, 1e-5), bytes=8.0 * r * c)


def softmax_short_rows(size):
    """examples/softmax_short_rows.py: 16 rows of 256 columns per program, each row reduced inside one simdgroup."""
    r, c = (37, 208) if size == "check" else (1 << 18, 256)
    x = _rng(17).uniform(-4, 4, (r, c)).astype(np.float32)
    return dict(args=dict(out_ptr=np.zeros((r, c), np.float32), in_ptr=x, in_row_stride=i32(c), out_row_stride=i32(c),
                          n_rows=i32(r), n_cols=i32(c)),
                grid=(cdiv(r, 16),), outputs=["out_ptr"], shape=f"{r}x{c}",
                ref=lambda a: {"out_ptr": ref_softmax(a["in_ptr"])}, tol=(1e-7, 1e-5), bytes=8.0 * r * c)


def layer_norm_fwd(size):
    r, c = (37, 1008) if size == "check" else (65536, 1024)
    g = _rng(3)
    x = g.standard_normal((r, c), dtype=np.float32) * 2 + 0.5
    w, b = g.standard_normal(c, dtype=np.float32), g.standard_normal(c, dtype=np.float32)

    def ref(a):
        y, m, s = ref_layer_norm(a["x_ptr"], a["w_ptr"], a["b_ptr"], 1e-5)
        return {"y_ptr": y, "mean_ptr": m, "rstd_ptr": s}
    return dict(args=dict(x_ptr=x, y_ptr=np.zeros((r, c), np.float32), w_ptr=w, b_ptr=b, mean_ptr=np.zeros(r, np.float32),
                          rstd_ptr=np.zeros(r, np.float32), row_stride=i32(c), n_cols=i32(c), eps=f32(1e-5)),
                grid=(r,), outputs=["y_ptr", "mean_ptr", "rstd_ptr"], shape=f"{r}x{c}", ref=ref,
                tol=(1e-5, 1e-5), bytes=4.0 * (2 * r * c + 2 * r + 2 * c))


def layer_norm_bwd(size):
    r, c = (37, 1008) if size == "check" else (16384, 1024)
    g = _rng(4)
    x = g.standard_normal((r, c), dtype=np.float32)
    dy = g.standard_normal((r, c), dtype=np.float32)
    w = g.standard_normal(c, dtype=np.float32)
    _, mean, rstd = ref_layer_norm(x, w, w, 1e-5)

    def ref(a):
        xh = (a["x_ptr"].astype(np.float64) - a["mean_ptr"].astype(np.float64)[:, None]) * a["rstd_ptr"].astype(np.float64)[:, None]
        wdy = a["w_ptr"].astype(np.float64) * a["dy_ptr"]
        c1 = (xh * wdy).sum(axis=1, keepdims=True) / c
        c2 = wdy.sum(axis=1, keepdims=True) / c
        dx = (wdy - (xh * c1 + c2)) * a["rstd_ptr"].astype(np.float64)[:, None]
        return {"dx_ptr": dx, "dw_ptr": (a["dy_ptr"] * xh).sum(axis=0), "db_ptr": a["dy_ptr"].astype(np.float64).sum(axis=0)}
    return dict(args=dict(dy_ptr=dy, x_ptr=x, w_ptr=w, mean_ptr=mean.astype(np.float32), rstd_ptr=rstd.astype(np.float32),
                          dx_ptr=np.zeros((r, c), np.float32), dw_ptr=np.zeros(c, np.float32), db_ptr=np.zeros(c, np.float32),
                          row_stride=i32(c), n_cols=i32(c)),
                grid=(r,), outputs=["dx_ptr", "dw_ptr", "db_ptr"], shape=f"{r}x{c}", ref=ref,
                # dw, db: sums of r float32 atomics in any order
                tol=(1e-5 * np.sqrt(r) * 4, 1e-4), bytes=4.0 * (3 * r * c + 2 * r + 3 * c))


def rms_norm(size):
    r, c = (37, 1312) if size == "check" else (16384, 4096)
    g = _rng(5)
    x = g.standard_normal((r, c)).astype(np.float16)
    w = g.standard_normal(c).astype(np.float16)

    def ref(a):
        x64 = a["x_ptr"].astype(np.float64)
        return {"y_ptr": x64 / np.sqrt((x64 ** 2).mean(axis=1, keepdims=True) + 1e-6) * a["w_ptr"].astype(np.float64)}
    return dict(args=dict(x_ptr=x, w_ptr=w, y_ptr=np.zeros((r, c), np.float16), row_stride=i32(c), n_cols=i32(c), eps=f32(1e-6)),
                grid=(r,), outputs=["y_ptr"], shape=f"{r}x{c}", ref=ref, tol=(2e-3, 2e-3), bytes=2.0 * (2 * r * c + c))


def _rows_sample(m, size, seed=5):
    """Rows of C whose float64 reference is computed at bench sizes (every row at check sizes)."""
    if size != "bench":
        return np.arange(m)
    return np.sort(_rng(seed).choice(m, 96, replace=False))


def _mm_args(size, seed, in_dtype, out_dtype, big):
    # Every size keeps M, N, K (and so the row strides) multiples of 16, as the signatures promise (Triton's JIT
    # specializes them so at the bench sizes); the check size is still ragged against the 64 x 64 x 32 tiles.
    m, n, k = {"check": (144, 80, 112), "counters": (256, 256, 256)}.get(size, (big, big, big))
    g = _rng(seed)
    a = (g.standard_normal((m, k)) / 4).astype(in_dtype)
    b = (g.standard_normal((k, n)) / 4).astype(in_dtype)
    args = dict(a_ptr=a, b_ptr=b, c_ptr=np.zeros((m, n), out_dtype), M=i32(m), N=i32(n), K=i32(k),
                stride_am=i32(k), stride_ak=i32(1), stride_bk=i32(n), stride_bn=i32(1), stride_cm=i32(n), stride_cn=i32(1))
    return m, n, k, args


def matmul_f16(big):
    """examples/matmul.py: fp16 operands, fp32 accumulation, fp16 C."""
    def case(size):
        m, n, k, args = _mm_args(size, 6, np.float16, np.float16, big)
        rows = _rows_sample(m, size)
        return dict(args=args, grid=(cdiv(m, 64) * cdiv(n, 64),), outputs=["c_ptr"], shape=f"{m}x{n}x{k}",
                    ref=lambda a: {"c_ptr": a["a_ptr"][rows].astype(np.float64) @ a["b_ptr"].astype(np.float64)},
                    pick=lambda o: {"c_ptr": o["c_ptr"][rows]}, tol=(2e-3, 2e-3), flops=2.0 * m * n * k)
    return case


def matmul_f32(big):
    """examples/matmul_block_ptr.py with fp32 operands and C (input_precision="ieee": FMA, no TF32)."""
    def case(size):
        m, n, k, args = _mm_args(size, 9, np.float32, np.float32, big)
        rows = _rows_sample(m, size)
        return dict(args=args, grid=(cdiv(m, 64), cdiv(n, 64)), outputs=["c_ptr"], shape=f"{m}x{n}x{k}",
                    ref=lambda a: {"c_ptr": a["a_ptr"][rows].astype(np.float64) @ a["b_ptr"].astype(np.float64)},
                    pick=lambda o: {"c_ptr": o["c_ptr"][rows]}, tol=(1e-4, 1e-4), flops=2.0 * m * n * k)
    return case


def matmul_bias_act(size):
    m, n, k, args = _mm_args(size, 7, np.float16, np.float16, 2048)
    bias = _rng(8).standard_normal(n).astype(np.float32)
    args = dict(a_ptr=args["a_ptr"], b_ptr=args["b_ptr"], bias_ptr=bias, **{kk: v for kk, v in args.items() if kk not in ("a_ptr", "b_ptr")})
    rows = _rows_sample(m, size)

    def ref(a):
        c = a["a_ptr"][rows].astype(np.float64) @ a["b_ptr"].astype(np.float64) + a["bias_ptr"].astype(np.float64)
        return {"c_ptr": np.where(c >= 0, c, 0.01 * c)}
    return dict(args=args, grid=(cdiv(m, 64) * cdiv(n, 64),), outputs=["c_ptr"], shape=f"{m}x{n}x{k}", ref=ref,
                pick=lambda o: {"c_ptr": o["c_ptr"][rows]}, tol=(2e-3, 2e-3), flops=2.0 * m * n * k)


def attention_case(d, causal, bm=64):
    def case(size):
        bh, s = {"check": (3, 200), "counters": (1, 256)}.get(size, (32, 4096))
        g = _rng(10 + causal + d)
        q, k, v = ((g.standard_normal((bh, s, d))).astype(np.float16) for _ in range(3))
        scale = 1.0 / np.sqrt(d)
        return dict(args=dict(q_ptr=q, k_ptr=k, v_ptr=v, o_ptr=np.zeros((bh, s, d), np.float16), sm_scale=f32(scale),
                              seq_len=i32(s), stride_bh=i32(s * d), stride_s=i32(d)),
                    grid=(cdiv(s, bm), bh), outputs=["o_ptr"], shape=f"{bh}x{s}x{d}",
                    ref=lambda a: {"o_ptr": ref_attention(a["q_ptr"], a["k_ptr"], a["v_ptr"], float(a["sm_scale"]), causal)},
                    tol=(4e-3, 4e-3), flops=4.0 * bh * s * s * d * (0.5 if causal else 1.0))
    return case


# conv2d (kernels/conv2d_igemm.py): the geometry is constexpr, so check and bench use the same shape and the
# float64 reference is computed for a sample of output pixels.
CONV = dict(N=16, C=128, H=64, W_in=64, K=128, R=3, S=3, OH=64, OW=64, stride_h=1, stride_w=1, pad_h=1, pad_w=1,
            dil_h=1, dil_w=1, GROUPS=1, BLOCK_M=64, BLOCK_N=64, BLOCK_K=32, HAS_BIAS=1, HAS_BN=0, HAS_RESIDUAL=0, ACTIVATION=1)


def conv2d(size):
    c = CONV
    g = _rng(15)
    x = (g.standard_normal((c["N"], c["C"], c["H"], c["W_in"])) / 4).astype(np.float16)
    w = (g.standard_normal((c["K"], c["C"], c["R"], c["S"])) / 8).astype(np.float16)
    bias = g.standard_normal(c["K"]).astype(np.float32)
    out = np.zeros((c["N"], c["K"], c["OH"], c["OW"]), np.float16)
    one = np.ones(1, np.float32)
    pix = _rng(16).choice(c["N"] * c["OH"] * c["OW"], 512, replace=False)

    def ref(a):
        X, W = a["X"].astype(np.float64), a["Wt"].astype(np.float64).reshape(c["K"], -1)
        xp = np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))
        n_, oh, ow = pix // (c["OH"] * c["OW"]), (pix // c["OW"]) % c["OH"], pix % c["OW"]
        cols = np.stack([xp[n_[i], :, oh[i]:oh[i] + 3, ow[i]:ow[i] + 3].reshape(-1) for i in range(len(pix))])
        y = cols @ W.T + a["Bias"].astype(np.float64)
        return {"Out": np.maximum(y, 0.0)}

    def pick(o):
        n_, oh, ow = pix // (c["OH"] * c["OW"]), (pix // c["OW"]) % c["OH"], pix % c["OW"]
        return {"Out": o["Out"][n_, :, oh, ow]}
    strides = dict(sxn=i32(c["C"] * c["H"] * c["W_in"]), sxc=i32(c["H"] * c["W_in"]), sxh=i32(c["W_in"]), sxw=i32(1),
                   son=i32(c["K"] * c["OH"] * c["OW"]), sok=i32(c["OH"] * c["OW"]), soh=i32(c["OW"]), sow=i32(1))
    m = c["N"] * c["OH"] * c["OW"]
    return dict(args=dict(X=x, Wt=w, Out=out, Bias=bias, Residual=np.zeros(1, np.float16), BN_scale=one, BN_shift=one,
                          BN_mean=one, BN_var=one, **strides, bn_eps=f32(1e-5)),
                grid=(cdiv(m, 64), cdiv(c["K"], 64), 1), outputs=["Out"], shape=f"{c['N']}x{c['C']}x{c['H']}x{c['W_in']} k{c['K']} 3x3",
                ref=ref, pick=pick, tol=(3e-3, 3e-3), flops=2.0 * m * c["K"] * c["C"] * 9)


def transpose(size, block=64):
    m, n = (112, 80) if size == "check" else (8192, 8192)
    x = _rng(12).standard_normal((m, n), dtype=np.float32)
    return dict(args=dict(in_ptr=x, out_ptr=np.zeros((n, m), np.float32), M=i32(m), N=i32(n), stride_in=i32(n), stride_out=i32(m)),
                grid=(cdiv(m, block), cdiv(n, block)), outputs=["out_ptr"], shape=f"{m}x{n}",
                ref=lambda a: {"out_ptr": a["in_ptr"].T.astype(np.float64)}, tol=(0, 0), bytes=8.0 * m * n)


def histogram(size):
    n, bins = (100016, 112) if size == "check" else (1 << 26, 1024)
    v = _rng(13).integers(-5, bins + 5, n).astype(np.int32)
    return dict(args=dict(values_ptr=v, bins_ptr=np.zeros(bins, np.int32), n_values=i32(n), n_bins=i32(bins)),
                grid=(cdiv(n, 1024),), outputs=["bins_ptr"], shape=f"{n} into {bins}",
                ref=lambda a: {"bins_ptr": np.bincount(a["values_ptr"][(a["values_ptr"] >= 0) & (a["values_ptr"] < bins)],
                                                       minlength=bins).astype(np.float64)},
                tol=(0, 0), bytes=4.0 * n)


def cumsum_rows(size):
    r, c = (37, 208) if size == "check" else (1 << 18, 256)
    x = _rng(14).standard_normal((r, c), dtype=np.float32)
    return dict(args=dict(x_ptr=x, y_ptr=np.zeros((r, c), np.float32), n_rows=i32(r), n_cols=i32(c), row_stride=i32(c)),
                grid=(cdiv(r, 16),), outputs=["y_ptr"], shape=f"{r}x{c}",
                ref=lambda a: {"y_ptr": np.cumsum(a["x_ptr"].astype(np.float64), axis=1)},
                # float32 prefix sums in any order (sequential or tree): |err_j| <= j u sum_{i<=j} |x_i|, u = 2^-24
                tol=lambda a: (np.arange(1, c + 1) * 2.0 ** -24 * np.cumsum(np.abs(a["x_ptr"].astype(np.float64)), axis=1) + 1e-30, 0.0),
                bytes=8.0 * r * c)


# Signatures: the specialization Triton's JIT gives the bench-size arguments (pointers 16-byte aligned, every
# integer argument divisible by 16 marked :16 where the kernel's masks or addresses use it), so both compilers
# see the same facts; the check sizes are divisible by 16 in those arguments (and still ragged against the
# blocks), so the one MSL is valid at both sizes.
# name -> (file under examples/ (../kernels/ for the graph templates), kernel, signature, constexprs, num_warps, case function)
# The matmul rows are compiled as Triton's JIT specializes a launch on contiguous tensors (and as our @jit
# does): integers equal to 1 become constants, integers divisible by 16 are marked :16.
UNIT_STRIDES = {"stride_ak": 1, "stride_bn": 1, "stride_cn": 1}

CASES = {
    "vector_add": ("vector_add.py", "add_kernel", "x_ptr=*fp32:16, y_ptr=*fp32:16, out_ptr=*fp32:16, n_elements=i32:16",
                   {"BLOCK_SIZE": 1024}, 4, vector_add),
    "fused_softmax": ("fused_softmax.py", "softmax_kernel",
                      "out_ptr=*fp32:16, in_ptr=*fp32:16, in_row_stride=i32:16, out_row_stride=i32:16, n_rows=i32, n_cols=i32:16",
                      {"BLOCK_SIZE": 1024}, 4, fused_softmax),
    "softmax_short_rows": ("softmax_short_rows.py", "softmax_rows_kernel",
                           "out_ptr=*fp32:16, in_ptr=*fp32:16, in_row_stride=i32:16, out_row_stride=i32:16, n_rows=i32, n_cols=i32:16",
                           {"BLOCK_ROWS": 16, "BLOCK_SIZE": 256}, 4, softmax_short_rows),
    "layer_norm_fwd": ("layer_norm.py", "layer_norm_fwd",
                       "x_ptr=*fp32:16, y_ptr=*fp32:16, w_ptr=*fp32:16, b_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, row_stride=i32:16, n_cols=i32:16, eps=fp32",
                       {"BLOCK_SIZE": 1024}, 4, layer_norm_fwd),
    "layer_norm_bwd": ("layer_norm.py", "layer_norm_bwd",
                       "dy_ptr=*fp32:16, x_ptr=*fp32:16, w_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, dx_ptr=*fp32:16, dw_ptr=*fp32:16, db_ptr=*fp32:16, row_stride=i32:16, n_cols=i32:16",
                       {"BLOCK_SIZE": 1024}, 4, layer_norm_bwd),
    "rms_norm": ("rms_norm.py", "rms_norm_kernel", "x_ptr=*fp16:16, w_ptr=*fp16:16, y_ptr=*fp16:16, row_stride=i32:16, n_cols=i32:16, eps=fp32",
                 {"BLOCK_SIZE": 4096}, 8, rms_norm),  # one block per row, 8 warps: as Triton's tutorials size it
    "matmul_f16_4096": ("matmul.py", "matmul_kernel", "a_ptr=*fp16:16, b_ptr=*fp16:16, c_ptr=*fp16:16, M=i32:16, N=i32:16, K=i32:16, stride_am=i32:16, stride_bk=i32:16, stride_cm=i32:16",
                        {"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32, "GROUP_M": 8, **UNIT_STRIDES}, 4, matmul_f16(4096)),
    "matmul_f16_2048": ("matmul.py", "matmul_kernel", "a_ptr=*fp16:16, b_ptr=*fp16:16, c_ptr=*fp16:16, M=i32:16, N=i32:16, K=i32:16, stride_am=i32:16, stride_bk=i32:16, stride_cm=i32:16",
                        {"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32, "GROUP_M": 8, **UNIT_STRIDES}, 4, matmul_f16(2048)),
    "matmul_f32_4096": ("matmul_block_ptr.py", "matmul_block_ptr_kernel", "a_ptr=*fp32:16, b_ptr=*fp32:16, c_ptr=*fp32:16, M=i32:16, N=i32:16, K=i32:16, stride_am=i32:16, stride_bk=i32:16, stride_cm=i32:16",
                        {"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32, **UNIT_STRIDES}, 4, matmul_f32(4096)),
    "matmul_f32_2048": ("matmul_block_ptr.py", "matmul_block_ptr_kernel", "a_ptr=*fp32:16, b_ptr=*fp32:16, c_ptr=*fp32:16, M=i32:16, N=i32:16, K=i32:16, stride_am=i32:16, stride_bk=i32:16, stride_cm=i32:16",
                        {"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32, **UNIT_STRIDES}, 4, matmul_f32(2048)),
    "matmul_bias_act": ("matmul_bias_act.py", "matmul_bias_act_kernel",
                        "a_ptr=*fp16:16, b_ptr=*fp16:16, bias_ptr=*fp32:16, c_ptr=*fp16:16, M=i32:16, N=i32:16, K=i32:16, stride_am=i32:16, stride_bk=i32:16, stride_cm=i32:16",
                        {"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32, "GROUP_M": 8, "ACTIVATION": "leaky_relu", **UNIT_STRIDES}, 4, matmul_bias_act),
    "attention_d64": ("flash_attention.py", "attn_fwd", "q_ptr=*fp16:16, k_ptr=*fp16:16, v_ptr=*fp16:16, o_ptr=*fp16:16, sm_scale=fp32, seq_len=i32, stride_bh=i32:16, stride_s=i32:16",
                      {"BLOCK_M": 128, "BLOCK_N": 32, "HEAD_DIM": 64, "CAUSAL": False}, 8, attention_case(64, False, 128)),
    "attention_causal_d64": ("flash_attention.py", "attn_fwd", "q_ptr=*fp16:16, k_ptr=*fp16:16, v_ptr=*fp16:16, o_ptr=*fp16:16, sm_scale=fp32, seq_len=i32, stride_bh=i32:16, stride_s=i32:16",
                             {"BLOCK_M": 128, "BLOCK_N": 32, "HEAD_DIM": 64, "CAUSAL": True}, 8, attention_case(64, True, 128)),
    "attention_d128": ("flash_attention.py", "attn_fwd", "q_ptr=*fp16:16, k_ptr=*fp16:16, v_ptr=*fp16:16, o_ptr=*fp16:16, sm_scale=fp32, seq_len=i32, stride_bh=i32:16, stride_s=i32:16",
                       {"BLOCK_M": 64, "BLOCK_N": 16, "HEAD_DIM": 128, "CAUSAL": False}, 4, attention_case(128, False)),
    "attention_causal_d128": ("flash_attention.py", "attn_fwd", "q_ptr=*fp16:16, k_ptr=*fp16:16, v_ptr=*fp16:16, o_ptr=*fp16:16, sm_scale=fp32, seq_len=i32, stride_bh=i32:16, stride_s=i32:16",
                              {"BLOCK_M": 64, "BLOCK_N": 16, "HEAD_DIM": 128, "CAUSAL": True}, 4, attention_case(128, True)),
    "conv2d": ("../kernels/conv2d_igemm.py", "conv2d_igemm_fwd",
               "X=*fp16:16, Wt=*fp16:16, Out=*fp16:16, Bias=*fp32:16, Residual=*fp16:16, BN_scale=*fp32:16, BN_shift=*fp32:16, BN_mean=*fp32:16, BN_var=*fp32:16, sxn=i32, sxc=i32, sxh=i32, sxw=i32, son=i32, sok=i32, soh=i32, sow=i32, bn_eps=fp32",
               CONV, 4, conv2d),
    "transpose": ("transpose.py", "transpose_kernel", "in_ptr=*fp32:16, out_ptr=*fp32:16, M=i32:16, N=i32:16, stride_in=i32:16, stride_out=i32:16",
                  {"BLOCK": 64}, 4, transpose),  # 64x64 tiles: 95% of copy, Triton 94-95% (BLOCK=32: 90%, 91%)
    "histogram": ("histogram.py", "histogram_kernel", "values_ptr=*i32:16, bins_ptr=*i32:16, n_values=i32:16, n_bins=i32:16",
                  {"BLOCK_SIZE": 1024}, 4, histogram),
    "cumsum_rows": ("cumsum_rows.py", "cumsum_rows_kernel", "x_ptr=*fp32:16, y_ptr=*fp32:16, n_rows=i32, n_cols=i32:16, row_stride=i32:16",
                    {"BLOCK_ROWS": 16, "BLOCK_COLS": 256}, 4, cumsum_rows),
}
