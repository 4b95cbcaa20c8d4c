"""Runs the Triton-language kernel templates of kernels/ under the NumPy stand-in (triton_numpy.py) on
random data with ragged sizes and compares each with a float64 NumPy reference. Usage: check_templates.py KERNELS_DIR
"""
import math
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep kernels/ free of __pycache__

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import triton_numpy as tn  # noqa: E402

tn.install()
sys.path.insert(0, sys.argv[1])
import conv2d_igemm  # noqa: E402
import data_movement  # noqa: E402
import flash_attention  # noqa: E402
import matmul_epilogue  # noqa: E402
import swiglu  # noqa: E402

rng = np.random.default_rng(0)
P = tn.Pointer
failures = 0


def rand(*shape):
    return rng.uniform(-1, 1, shape).astype(np.float32)


def check(name, got, want, tol=2e-5):
    global failures
    err = np.max(np.abs(np.asarray(got, np.float64) - want)) / max(1e-30, np.max(np.abs(want)))
    ok = err <= tol
    failures += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name}: max error {err:.2e} of the magnitude (tolerance {tol:.0e})")


def gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def rope_ref(x, pos, base=10000.0):
    d = x.shape[-1]
    half = d // 2
    inv = base ** (-2.0 * (np.arange(d) % half) / d)
    theta = pos[:, None] * inv[None, :]
    partner = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * np.cos(theta) + partner * np.sin(theta)


# matmul + rms_norm prologue + bias + gelu + residual add, batched A, broadcast B stored transposed
Bt, M, N, K = 2, 5, 6, 7
A, Bw, bias, other, nw = rand(Bt, M, K), rand(N, K), rand(N), rand(Bt, M, N), rand(K)
C = np.zeros((Bt, M, N), np.float32)
grid = (tn.cdiv(M, 4), tn.cdiv(N, 4), Bt)
tn.launch(matmul_epilogue.matmul_epilogue_fwd, grid, P(A.ravel()), P(Bw.ravel()), P(C.ravel()), P(bias), P(other.ravel()), P(nw), P(nw),
          M, N, K, M * K, K, 1, 0, 1, K, M * N, N, 1, M * N, N, 1, 0.5, 1e-6, 4, 4, 4, True, 2, 1, 1)
a64 = A.astype(np.float64)
an = a64 / np.sqrt(np.mean(a64 ** 2, -1, keepdims=True) + 1e-6) * nw
check("matmul_epilogue rms_norm+bias+gelu+residual", C, gelu(0.5 * an @ Bw.T.astype(np.float64) + bias) + other)

# swiglu with a layer_norm prologue
M, N, K = 6, 5, 9
X, W1, W3, g, b = rand(M, K), rand(K, N), rand(K, N), rand(K), rand(K)
Out = np.zeros((M, N), np.float32)
tn.launch(swiglu.swiglu_fwd, (tn.cdiv(M, 4), tn.cdiv(N, 4)), P(X.ravel()), P(W1.ravel()), P(W3.ravel()), P(Out.ravel()), P(g), P(b),
          M, N, K, K, 1, N, 1, N, 1, 1e-5, 4, 4, 4, 2)
x64 = X.astype(np.float64)
xn = (x64 - x64.mean(-1, keepdims=True)) / np.sqrt(x64.var(-1, keepdims=True) + 1e-5) * g + b
gate, up = xn @ W1, xn @ W3
check("swiglu layer_norm prologue", Out, gate / (1 + np.exp(-gate)) * up)


def attention(q, k, v, scale, causal, mask=None):
    s = np.einsum("bmd,bnd->bmn", q, k) * scale
    if mask is not None:
        s = s + mask
    if causal:
        sq, sk = s.shape[1], s.shape[2]
        s = np.where(np.arange(sk)[None, :] > np.arange(sq)[:, None] + sk - sq, -np.inf, s)
    p = np.exp(s - s.max(-1, keepdims=True))
    return np.einsum("bmn,bnd->bmd", p / p.sum(-1, keepdims=True), v)


# flash attention: Q, K, V as head views of [S, B, D] buffers, causal, RoPE
Bh, S, D = 2, 7, 8
q, k, v = rand(S, Bh, D), rand(S, Bh, D), rand(S, Bh, D)
O = np.zeros((Bh, S, D), np.float32)
st = (D, Bh * D, 1)  # batch, row, column strides of a [S, B, D] buffer read as [B, S, D]
tn.launch(flash_attention.flash_attention_fwd, (tn.cdiv(S, 4), Bh), P(q.ravel()), P(k.ravel()), P(v.ravel()), P(O.ravel()), P(O.ravel()),
          *st, *st, *st, S * D, D, 1, 0, 0, 0, 0.3, 10000.0, S, S, D, 4, 4, True, False, True)
qh, kh, vh = (t.transpose(1, 0, 2).astype(np.float64) for t in (q, k, v))
pos = np.arange(S, dtype=np.float64)
check("flash_attention causal+rope, strided heads", O, attention(rope_ref(qh, pos), rope_ref(kh, pos), vh, 0.3, True))

# flash attention: additive mask broadcast over batch, fewer queries than keys, causal with offset
SQ, SK = 3, 9
q, k, v, mask = rand(Bh, SQ, D), rand(Bh, SK, D), rand(Bh, SK, D), rand(SQ, SK)
O = np.zeros((Bh, SQ, D), np.float32)
tn.launch(flash_attention.flash_attention_fwd, (tn.cdiv(SQ, 4), Bh), P(q.ravel()), P(k.ravel()), P(v.ravel()), P(O.ravel()), P(mask.ravel()),
          SQ * D, D, 1, SK * D, D, 1, SK * D, D, 1, SQ * D, D, 1, 0, SK, 1, 0.5, 10000.0, SQ, SK, D, 4, 4, True, True, False)
check("flash_attention mask+causal offset", O, attention(*(t.astype(np.float64) for t in (q, k, v)), 0.5, True, mask.astype(np.float64)))


def conv_ref(x, w, b, stride, pad, groups):
    n, c, h, wd = x.shape
    co, cg, r, s = w.shape
    oh, ow = (h + 2 * pad - r) // stride + 1, (wd + 2 * pad - s) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, co, oh, ow))
    for o in range(co):
        gi = o // (co // groups)
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, gi * cg:(gi + 1) * cg, i * stride:i * stride + r, j * stride:j * stride + s]
                out[:, o, i, j] = (patch * w[o]).sum(axis=(1, 2, 3)) + b[o]
    return out


# implicit-GEMM conv, groups 2, stride 2, pad 1, bias + residual + relu, NCHW and NHWC through strides
Nn, Cc, H, Wd, Ko = 2, 4, 7, 6, 6
x, w, b = rand(Nn, Cc, H, Wd), rand(Ko, Cc // 2, 3, 3), rand(Ko)
OH, OW = (H + 2 - 3) // 2 + 1, (Wd + 2 - 3) // 2 + 1
want_lin = conv_ref(x.astype(np.float64), w.astype(np.float64), b.astype(np.float64), 2, 1, 2)
res = rand(Nn, Ko, OH, OW)
for layout in ("NCHW", "NHWC"):
    if layout == "NCHW":
        xs, out_shape, perm = x, (Nn, Ko, OH, OW), (0, 1, 2, 3)
        sx = (Cc * H * Wd, H * Wd, Wd, 1)
        so = (Ko * OH * OW, OH * OW, OW, 1)
    else:
        xs, out_shape, perm = np.ascontiguousarray(x.transpose(0, 2, 3, 1)), (Nn, OH, OW, Ko), (0, 2, 3, 1)
        sx = (H * Wd * Cc, 1, Wd * Cc, Cc)
        so = (OH * OW * Ko, 1, OW * Ko, Ko)
    r_l = np.ascontiguousarray(res.transpose(perm))
    out = np.zeros(out_shape, np.float32)
    tn.launch(conv2d_igemm.conv2d_igemm_fwd, (tn.cdiv(Nn * OH * OW, 8), tn.cdiv(Ko // 2, 2), 2), P(xs.ravel()), P(w.ravel()), P(out.ravel()),
              P(b), P(r_l.ravel()), P(b), P(b), P(b), P(b), Nn, Cc, H, Wd, Ko, 3, 3, OH, OW, 2, 2, 1, 1, 1, 1, *sx, *so, 1e-5,
              2, 8, 2, 8, True, False, True, 1)
    check(f"conv2d_igemm {layout} groups+stride+residual+relu", out, np.maximum(want_lin + res, 0).transpose(perm))

# data movement: rope, transpose copy, pooling, embedding, fill
xt = rand(5, 3, 8)  # read as the head-transposed view [3, 5, 8] through strides
x = np.ascontiguousarray(xt.transpose(1, 0, 2))
out = np.zeros_like(x)
tn.launch(data_movement.rope_fwd, (tn.cdiv(15, 4),), P(xt.ravel()), P(out.ravel()), 15, 5, 3, 0, 8, 24, 1, 10000.0, 2, 8, 4)
check("rope_fwd", out, rope_ref(x.astype(np.float64), np.arange(5, dtype=np.float64) + 2))
x = rand(3, 4, 5)
out = np.zeros(60, np.float32)
tn.launch(data_movement.strided_copy_fwd, (tn.cdiv(60, 16),), P(x.ravel()), P(out), 60, 0, 5, 4, 3, 0, 1, 5, 20, 16)
check("strided_copy_fwd (transpose [1,2,0] of [3,4,5] as [1,5,4,3])", out, x.transpose(2, 1, 0).ravel().astype(np.float64))
x = rand(1, 2, 5, 5)
for is_max in (True, False):
    out = np.zeros((1, 2, 3, 3), np.float32)
    tn.launch(data_movement.pool2d_fwd, (tn.cdiv(18, 8),), P(x.ravel()), P(out.ravel()), 18, 2, 5, 5, 3, 3, 3, 3, 2, 2, 1, 1,
              50, 25, 5, 1, 18, 9, 3, 1, is_max, 8)
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=np.nan)
    win = np.stack([xp[:, :, i:i + 5:2, j:j + 5:2] for i in range(3) for j in range(3)])
    check(f"pool2d_fwd {'max' if is_max else 'avg'}", out, np.nanmax(win, 0) if is_max else np.nanmean(win, 0))
table, ids = rand(6, 4), np.array([5, 0, 3], np.int32)
out = np.zeros((3, 4), np.float32)
tn.launch(data_movement.embedding_fwd, (3,), P(table.ravel()), P(ids), P(out.ravel()), 3, 6, 4)
check("embedding_fwd", out, table[ids].astype(np.float64))
out = np.zeros(10, np.float32)
tn.launch(data_movement.fill_fwd, (1,), P(out), 10, 0.25, 16)
check("fill_fwd", out, np.full(10, 0.25))

print(f"{failures} failure(s)")
sys.exit(1 if failures else 0)
