# Every examples/*.py kernel run through the triton_metal package on the Metal emulator and compared with
# a NumPy float64 reference on random data (ragged shapes: the masks matter). Each also runs on the
# float64 tile-IR interpreter (cheap), which checks the front end apart from the GPU lowering.
import math

import numpy as np
import pytest

import triton_metal as triton
from conftest import load_example

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


@pytest.fixture(autouse=True, params=["emulator", "interpreter"])
def device(request, monkeypatch):
    monkeypatch.setenv("TRITON_METAL_DEVICE", request.param)
    assert triton.default_device_name() == request.param
    return request.param


def f16(rng, *shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float16)


def test_vector_add(rng):
    ex = load_example("vector_add")
    n = 3000
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    out = np.zeros(n, np.float32)
    grid = lambda meta: (triton.cdiv(meta["n_elements"], meta["BLOCK_SIZE"]),)
    ex.add_kernel[grid](x, y, out, n, BLOCK_SIZE=1024)
    triton.testing.assert_close(out, x.astype(np.float64) + y.astype(np.float64))


def test_fused_softmax(rng):
    ex = load_example("fused_softmax")
    rows, cols = 7, 300
    x = rng.standard_normal((rows, cols)).astype(np.float32) * 3
    out = np.zeros_like(x)
    ex.softmax_kernel[(rows,)](out, x, x.strides[0] // 4, out.strides[0] // 4, rows, cols, BLOCK_SIZE=512)
    x64 = x.astype(np.float64)
    e = np.exp(x64 - x64.max(axis=1, keepdims=True))
    triton.testing.assert_close(out, e / e.sum(axis=1, keepdims=True), atol=1e-6, rtol=1e-5)


def _matmul_ref(a, b):
    return a.astype(np.float64) @ b.astype(np.float64)


@pytest.mark.parametrize("block_rows, block_size, cols", [(16, 256, 250), (8, 64, 37)])
def test_softmax_short_rows(rng, block_rows, block_size, cols):
    ex = load_example("softmax_short_rows")
    rows = 45
    x = rng.uniform(-5, 5, (rows, cols)).astype(np.float32)
    y = np.full_like(x, np.nan)
    grid = lambda meta: (triton.cdiv(rows, meta["BLOCK_ROWS"]),)
    ex.softmax_rows_kernel[grid](y, x, cols, cols, rows, cols, BLOCK_ROWS=block_rows, BLOCK_SIZE=block_size)
    x64 = x.astype(np.float64)
    e = np.exp(x64 - x64.max(axis=1, keepdims=True))
    triton.testing.assert_close(y, e / e.sum(axis=1, keepdims=True), atol=1e-6, rtol=1e-5)


def test_matmul(rng):
    ex = load_example("matmul")
    M, N, K = 80, 72, 48
    a, b = f16(rng, M, K), f16(rng, K, N)
    c = np.zeros((M, N), np.float16)
    grid = lambda meta: (triton.cdiv(M, meta["BLOCK_M"]) * triton.cdiv(N, meta["BLOCK_N"]),)
    ex.matmul_kernel[grid](a, b, c, M, N, K, a.strides[0] // 2, a.strides[1] // 2, b.strides[0] // 2,
                           b.strides[1] // 2, c.strides[0] // 2, c.strides[1] // 2,
                           BLOCK_M=32, BLOCK_N=32, BLOCK_K=16, GROUP_M=2)
    triton.testing.assert_close(c, _matmul_ref(a, b), atol=2e-2, rtol=1e-2)


@pytest.mark.parametrize("activation", ["leaky_relu", "relu", "gelu", ""])
def test_matmul_bias_act(rng, activation):
    ex = load_example("matmul_bias_act")
    M, N, K = 48, 40, 40
    a, b = f16(rng, M, K), f16(rng, K, N)
    bias = rng.standard_normal(N).astype(np.float32)
    c = np.zeros((M, N), np.float16)
    grid = lambda meta: (triton.cdiv(M, meta["BLOCK_M"]) * triton.cdiv(N, meta["BLOCK_N"]),)
    ex.matmul_bias_act_kernel[grid](a, b, bias, c, M, N, K, K, 1, N, 1, N, 1,
                                    BLOCK_M=32, BLOCK_N=32, BLOCK_K=16, GROUP_M=2, ACTIVATION=activation)
    z = _matmul_ref(a, b) + bias.astype(np.float64)[None, :]
    if activation == "leaky_relu":
        z = np.where(z >= 0, z, 0.01 * z)
    elif activation == "relu":
        z = np.maximum(z, 0)
    elif activation == "gelu":
        z = 0.5 * z * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))
    triton.testing.assert_close(c, z, atol=2e-2, rtol=1e-2)


def test_matmul_block_ptr(rng):
    ex = load_example("matmul_block_ptr")
    M, N, K = 72, 40, 56
    a, b = f16(rng, M, K), f16(rng, K, N)
    c = np.zeros((M, N), np.float32)
    grid = lambda meta: (triton.cdiv(M, meta["BLOCK_M"]), triton.cdiv(N, meta["BLOCK_N"]))
    ex.matmul_block_ptr_kernel[grid](a, b, c, M, N, K, K, 1, N, 1, N, 1, BLOCK_M=32, BLOCK_N=32, BLOCK_K=16)
    triton.testing.assert_close(c, _matmul_ref(a, b), atol=1e-3, rtol=1e-3)


def _layer_norm_ref(x, w, b, eps):
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    rstd = 1 / np.sqrt(var + eps)
    return (x - mean) * rstd * w + b, mean[:, 0], rstd[:, 0]


def test_layer_norm_fwd_bwd(rng):
    ex = load_example("layer_norm")
    rows, cols, eps = 6, 200, 1e-5
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    w = rng.standard_normal(cols).astype(np.float32)
    b = rng.standard_normal(cols).astype(np.float32)
    y = np.zeros_like(x)
    mean = np.zeros(rows, np.float32)
    rstd = np.zeros(rows, np.float32)
    ex.layer_norm_fwd[(rows,)](x, y, w, b, mean, rstd, cols, cols, eps, BLOCK_SIZE=256)
    x64, w64, b64 = (v.astype(np.float64) for v in (x, w, b))
    y_ref, mean_ref, rstd_ref = _layer_norm_ref(x64, w64, b64, eps)
    triton.testing.assert_close(y, y_ref, atol=1e-5, rtol=1e-4)
    triton.testing.assert_close(mean, mean_ref, atol=1e-6, rtol=1e-5)
    triton.testing.assert_close(rstd, rstd_ref, atol=1e-5, rtol=1e-4)

    dy = rng.standard_normal((rows, cols)).astype(np.float32)
    dx = np.zeros_like(x)
    dw = np.zeros(cols, np.float32)
    db = np.zeros(cols, np.float32)
    ex.layer_norm_bwd[(rows,)](dy, x, w, mean, rstd, dx, dw, db, cols, cols, BLOCK_SIZE=256)
    dy64 = dy.astype(np.float64)
    xhat = (x64 - mean_ref[:, None]) * rstd_ref[:, None]
    wdy = w64 * dy64
    c1 = (xhat * wdy).sum(axis=1, keepdims=True) / cols
    c2 = wdy.sum(axis=1, keepdims=True) / cols
    triton.testing.assert_close(dx, (wdy - (xhat * c1 + c2)) * rstd_ref[:, None], atol=1e-4, rtol=1e-4)
    triton.testing.assert_close(dw, (dy64 * xhat).sum(axis=0), atol=1e-4, rtol=1e-4)
    triton.testing.assert_close(db, dy64.sum(axis=0), atol=1e-4, rtol=1e-4)


def test_rms_norm(rng):
    ex = load_example("rms_norm")
    rows, cols, eps = 5, 700, 1e-6
    x = f16(rng, rows, cols)
    w = f16(rng, cols)
    y = np.zeros_like(x)
    x64 = x.astype(np.float64)
    ref = x64 / np.sqrt((x64 ** 2).mean(axis=1, keepdims=True) + eps) * w.astype(np.float64)
    ex.rms_norm_kernel[(rows,)](x, w, y, cols, cols, eps, BLOCK_SIZE=256)  # three blocks per row: two passes
    triton.testing.assert_close(y, ref, atol=1e-2, rtol=1e-2)
    y = np.zeros_like(x)
    ex.rms_norm_kernel[(rows,)](x, w, y, cols, cols, eps, BLOCK_SIZE=1024)  # the row in one block: one pass
    triton.testing.assert_close(y, ref, atol=1e-2, rtol=1e-2)


# (seq, head dim, BLOCK_M, BLOCK_N, num_warps): small blocks; D = 64 blocks, where V is co-staged with K^T
# (codegen/emit_dot.cpp), on a ragged sequence; D = 128 at BLOCK_N = 32, where it is not (no room); the
# benchmark's configurations (bench/cuda_proxy/triton_cases.py: D = 64 at 128 x 32 with 8 simdgroups, D = 128 at
# 64 x 16).
@pytest.mark.parametrize("causal", [True, False])
@pytest.mark.parametrize("seq,d,bm,bn,warps", [(40, 32, 16, 16, 4), (150, 64, 64, 64, 4), (90, 128, 64, 32, 4),
                                               (150, 64, 128, 32, 8), (70, 128, 64, 16, 4)])
def test_flash_attention(rng, causal, seq, d, bm, bn, warps):
    ex = load_example("flash_attention")
    bh = 2
    q, k, v = f16(rng, bh, seq, d), f16(rng, bh, seq, d), f16(rng, bh, seq, d)
    o = np.zeros_like(q)
    scale = 1 / math.sqrt(d)
    grid = lambda meta: (triton.cdiv(seq, meta["BLOCK_M"]), bh)
    ex.attn_fwd[grid](q, k, v, o, scale, seq, seq * d, d, BLOCK_M=bm, BLOCK_N=bn, HEAD_DIM=d, CAUSAL=causal, num_warps=warps)
    s = np.einsum("bqd,bkd->bqk", q.astype(np.float64), k.astype(np.float64)) * scale
    if causal:
        s = np.where(np.tril(np.ones((seq, seq), bool))[None], s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    triton.testing.assert_close(o, p @ v.astype(np.float64), atol=2e-2, rtol=1e-2)


def test_cumsum_rows(rng):
    ex = load_example("cumsum_rows")
    rows, cols = 21, 100
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    y = np.zeros_like(x)
    grid = lambda meta: (triton.cdiv(rows, meta["BLOCK_ROWS"]),)
    ex.cumsum_rows_kernel[grid](x, y, rows, cols, cols, BLOCK_ROWS=8, BLOCK_COLS=128)
    triton.testing.assert_close(y, np.cumsum(x.astype(np.float64), axis=1), atol=1e-5, rtol=1e-5)


def test_histogram(rng):
    ex = load_example("histogram")
    n, bins = 5000, 37
    values = rng.integers(-5, bins + 5, n).astype(np.int32)
    counts = np.zeros(bins, np.int32)
    grid = lambda meta: (triton.cdiv(n, meta["BLOCK_SIZE"]),)
    ex.histogram_kernel[grid](values, counts, n, bins, BLOCK_SIZE=1024)
    inside = values[(values >= 0) & (values < bins)]
    np.testing.assert_array_equal(counts, np.bincount(inside, minlength=bins))


def test_transpose(rng):
    ex = load_example("transpose")
    M, N = 70, 45
    x = rng.standard_normal((M, N)).astype(np.float32)
    y = np.zeros((N, M), np.float32)
    grid = lambda meta: (triton.cdiv(M, meta["BLOCK"]), triton.cdiv(N, meta["BLOCK"]))
    ex.transpose_kernel[grid](x, y, M, N, N, M, BLOCK=32)
    np.testing.assert_array_equal(y, x.T)
