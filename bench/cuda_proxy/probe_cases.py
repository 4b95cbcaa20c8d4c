"""The hand-written ceiling probes (bench/probes/*.metal) as cases of the same shape as triton_cases.py's: per
size ("check": small shapes, also run on the emulator; "bench": the timed shapes) the numpy arguments, grid,
outputs, float64 reference, tolerance and FLOPs, plus the probe's MSL file, entry and launch metadata in the
format `triton-metal compile` writes (so triton_proxy.cpp runs them like our kernels). BESIDE maps each of our
cases to the probe of the same shape. numpy only."""
import os

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def _meta(entry, buffers, scalars):
    return {"entry": entry, "threads_per_threadgroup": [128, 1, 1], "threadgroup_memory_bytes": 0,
            "buffers": [{"name": n, "index": i, "dtype": d, "role": r} for i, (n, d, r) in enumerate(buffers)],
            "scalars": [{"name": n, "index": len(buffers) + i, "dtype": d} for i, (n, d) in enumerate(scalars)]}


def _rows_sample(m, size, seed):
    """Rows whose float64 reference is computed at bench sizes (all rows at check sizes)."""
    if size != "bench":
        return np.arange(m)
    return np.sort(np.random.default_rng(seed).choice(m, 96, replace=False))


def gemm(dtype, m, n, k, entry):
    def case(size):
        mm, nn, kk = {"check": (128, 192, 256), "counters": (256, 256, 256)}.get(size, (m, n, k))
        g = np.random.default_rng(100 + kk % 97)
        a = (g.standard_normal((mm, kk)) / 4).astype(dtype)
        b = (g.standard_normal((kk, nn)) / 4).astype(dtype)
        rows = _rows_sample(mm, size, 7)
        tol = (1e-4, 1e-4) if dtype == np.float32 else (1e-3, 1e-3)
        return dict(args=dict(A=a, B=b, C=np.zeros((mm, nn), np.float32), M=np.int32(mm), N=np.int32(nn), K=np.int32(kk)),
                    grid=(nn // 64, mm // 64), outputs=["C"], shape=f"{mm}x{nn}x{kk}",
                    ref=lambda a_: {"C": a_["A"][rows].astype(np.float64) @ a_["B"].astype(np.float64)},
                    pick=lambda outs: {"C": outs["C"][rows]}, tol=tol, flops=2.0 * mm * nn * kk,
                    metal="bench/probes/gemm_probe.metal", entry=entry,
                    meta=_meta(entry, [("A", "fp", "input"), ("B", "fp", "input"), ("C", "fp32", "output")],
                               [("M", "i32"), ("N", "i32"), ("K", "i32")]))
    return case


def attention(d, causal, entry):
    def case(size):
        bh, s = {"check": (3, 192), "counters": (1, 256)}.get(size, (32, 4096))
        g = np.random.default_rng(200 + d + causal)
        q, k, v = (g.standard_normal((bh, s, d)).astype(np.float16) for _ in range(3))
        scale = 1.0 / np.sqrt(d)
        heads = list(range(bh)) if size != "bench" else [0, bh - 1]

        def ref(a):
            from triton_cases import ref_attention
            return {"O": ref_attention(a["Q"][heads], a["K"][heads], a["V"][heads], float(a["sm_scale"]), causal)}
        return dict(args=dict(Q=q, K=k, V=v, O=np.zeros((bh, s, d), np.float32), sm_scale=np.float32(scale), seq_len=np.int32(s)),
                    grid=(s // 64, bh), outputs=["O"], shape=f"{bh}x{s}x{d}", ref=ref,
                    pick=lambda outs: {"O": outs["O"][heads]}, tol=(4e-3, 4e-3),
                    flops=4.0 * bh * s * s * d * (0.5 if causal else 1.0),
                    metal="bench/probes/attention_probe.metal", entry=entry,
                    meta=_meta(entry, [("Q", "fp16", "input"), ("K", "fp16", "input"), ("V", "fp16", "input"), ("O", "fp32", "output")],
                               [("sm_scale", "f32"), ("seq_len", "i32")]))
    return case


def mma_paths(dtype, entry):
    def case(size):
        g = np.random.default_rng(300 + np.dtype(dtype).itemsize)
        a = g.standard_normal(80).astype(dtype)
        b = g.standard_normal(64).astype(dtype)

        def ref(x):
            A, B = x["A"].astype(np.float64), x["B"].astype(np.float64).reshape(8, 8)
            a8 = A[:64].reshape(8, 8)
            am = np.array([[A[1 + i * 9 + j] for j in range(8)] for i in range(8)])
            p = a8 @ B
            q = a8.T @ B.T + p
            r = p @ B
            s = a8 @ q
            t = 1.5 * q + 0.25
            u = am @ r + s
            return {"Out": np.concatenate([m.reshape(-1) for m in (p, q, r, s, t, u, p)])}
        return dict(args=dict(A=a, B=b, Out=np.zeros(7 * 64, np.float32)), grid=(1,), outputs=["Out"], shape="8x8x8",
                    ref=ref, tol=(1e-3, 1e-3), flops=6 * 2 * 512.0, metal="bench/probes/mma_paths.metal", entry=entry,
                    meta=dict(_meta(entry, [("A", "fp", "input"), ("B", "fp", "input"), ("Out", "fp32", "output")], []),
                              threads_per_threadgroup=[32, 1, 1]))
    return case


def conv2d(size):
    """3x3 convolution, stride 1, padding 1, bias + ReLU, NCHW half (triton_cases.py's conv2d geometry at the
    bench size; a small geometry, its own instantiation, at the check size)."""
    nb, c, h, k, entry = (16, 128, 64, 128, "conv2d_probe") if size == "bench" else (1, 32, 64, 64, "conv2d_probe_small")
    w_ = 64
    g = np.random.default_rng(400 + c)
    x = (g.standard_normal((nb, c, h, w_)) / 4).astype(np.float16)
    wt = (g.standard_normal((k, c, 3, 3)) / 8).astype(np.float16)
    bias = g.standard_normal(k).astype(np.float32)
    m = nb * h * w_
    pix = np.random.default_rng(16).choice(m, min(m, 512), replace=False)
    n_, oh, ow = pix // (h * w_), (pix // w_) % h, pix % w_

    def ref(a):
        xp = np.pad(a["X"].astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
        cols = np.stack([xp[n_[i], :, oh[i]:oh[i] + 3, ow[i]:ow[i] + 3].reshape(-1) for i in range(len(pix))])
        y = cols @ a["Wt"].astype(np.float64).reshape(k, -1).T + a["Bias"].astype(np.float64)
        return {"Out": np.maximum(y, 0.0)}
    return dict(args=dict(X=x, Wt=wt, Bias=bias, Out=np.zeros((nb, k, h, w_), np.float16)),
                grid=(m // 64, k // 64), outputs=["Out"], shape=f"{nb}x{c}x{h}x{w_} k{k} 3x3", ref=ref,
                pick=lambda o: {"Out": o["Out"][n_, :, oh, ow]}, tol=(3e-3, 3e-3), flops=2.0 * m * k * c * 9,
                metal="bench/probes/conv2d_probe.metal", entry=entry,
                meta=_meta(entry, [("X", "fp16", "input"), ("Wt", "fp16", "input"), ("Bias", "fp32", "input"),
                                   ("Out", "fp16", "output")], []))


PROBES = {
    "mma_paths_f32": mma_paths(np.float32, "mma_paths_f32"),
    "mma_paths_f16": mma_paths(np.float16, "mma_paths_f16"),
    "probe_gemm_f32_4096": gemm(np.float32, 4096, 4096, 4096, "gemm_probe_f32"),
    "probe_gemm_f32_bt_4096": gemm(np.float32, 4096, 4096, 4096, "gemm_probe_f32_bt"),
    "probe_gemm_f16_4096": gemm(np.float16, 4096, 4096, 4096, "gemm_probe_f16"),
    "probe_gemm_f16_bt_4096": gemm(np.float16, 4096, 4096, 4096, "gemm_probe_f16_bt"),
    "probe_gemm_f32_2048": gemm(np.float32, 2048, 2048, 2048, "gemm_probe_f32"),
    "probe_gemm_f16_2048": gemm(np.float16, 2048, 2048, 2048, "gemm_probe_f16"),
    "probe_attn_d64": attention(64, False, "attn_probe_d64"),
    "probe_attn_d64_causal": attention(64, True, "attn_probe_d64_causal"),
    "probe_attn_d128": attention(128, False, "attn_probe_d128"),
    "probe_attn_d128_causal": attention(128, True, "attn_probe_d128_causal"),
    "probe_conv2d": conv2d,
}

# our case -> the probes of the same shape (the table shows the fastest).
BESIDE = {
    "matmul_f32_4096": ["probe_gemm_f32_4096", "probe_gemm_f32_bt_4096"],
    "matmul_f16_4096": ["probe_gemm_f16_4096", "probe_gemm_f16_bt_4096"],
    "matmul_f32_2048": ["probe_gemm_f32_2048"],
    "matmul_f16_2048": ["probe_gemm_f16_2048"],
    "matmul_bias_act": ["probe_gemm_f16_2048"],
    "attention_d64": ["probe_attn_d64"],
    "attention_causal_d64": ["probe_attn_d64_causal"],
    "attention_d128": ["probe_attn_d128"],
    "attention_causal_d128": ["probe_attn_d128_causal"],
    "conv2d": ["probe_conv2d"],
}


def write_probe_dir(name, c, kernels_dir):
    """KERNELS/NAME/{entry.metal, entry.json}: what triton_proxy reads."""
    import json
    import shutil
    d = os.path.join(kernels_dir, name)
    os.makedirs(d, exist_ok=True)
    shutil.copyfile(os.path.join(ROOT, c["metal"]), os.path.join(d, c["entry"] + ".metal"))
    with open(os.path.join(d, c["entry"] + ".json"), "w") as f:
        json.dump(c["meta"], f, indent=1)
    return d
