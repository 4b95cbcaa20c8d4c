"""Our compiler's MSL on the CUDA proxy beside the same examples/*.py kernels under real Triton and beside
PyTorch. Steps (run_triton_on_gpu.sh calls them in order):
  prepare SIZE WORK KERNELS   inputs of every case (triton_cases.py) as raw files + a manifest for triton_proxy
  compare SIZE WORK           the proxy's outputs against the float64 references -> WORK/SIZE/compare.json
  triton WORK OURS_COMPILE    real Triton (same kernels, same inputs, same grid, same num_warps): float64 check,
                              compile latency (first launch with an empty cache), do_bench median; PyTorch
                              equivalents; copy bandwidth and matmul peaks -> WORK/triton.json
  table WORK                  the markdown table
numpy for data and references, so prepare/compare also run without a GPU (with the emulator)."""
import datetime
import importlib.util
import json
import os
import re
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from triton_cases import CASES  # noqa: E402

MEMORY_BOUND = {"vector_add", "fused_softmax", "layer_norm_fwd", "layer_norm_bwd", "rms_norm", "transpose", "histogram", "cumsum_rows"}


def build(name, size):
    c = CASES[name][5](size)
    if size == "bench" and name.startswith("attention"):
        c["check_heads"] = [0, c["args"]["q_ptr"].shape[0] - 1]  # float64 attention on two heads only
    return c


def reference(c):
    a = c["args"]
    if "check_heads" in c:
        h = c["check_heads"]
        a = {k: (v[h] if isinstance(v, np.ndarray) and v.ndim == 3 else v) for k, v in a.items()}
    return c["ref"](a)


def error_ratio(got, want, tol):
    atol, rtol = tol
    got = got.astype(np.float64).reshape(want.shape)
    if np.isscalar(atol) and atol == 0 and rtol == 0:
        return 0.0 if np.array_equal(got, want) else float("inf")
    r = np.abs(got - want) / (atol + rtol * np.abs(want))
    return float(np.nan_to_num(r, nan=np.inf).max())


def check_outputs(c, outs):
    """outs: name -> numpy array of the output dtype. Returns (ok, worst ratio)."""
    want = reference(c)
    tol = c["tol"](c["args"]) if callable(c["tol"]) else c["tol"]
    worst = 0.0
    for k, w in want.items():
        g = outs[k]
        if "check_heads" in c:
            g = g[c["check_heads"]]
        worst = max(worst, error_ratio(np.asarray(g), w, tol))
    return worst <= 1.0, worst


def prepare(size, work, kernels):
    d = os.path.join(work, size)
    os.makedirs(d, exist_ok=True)
    cases = []
    for name in CASES:
        c = build(name, size)
        args = {}
        for k, v in c["args"].items():
            if isinstance(v, np.ndarray):
                f = os.path.join(d, f"{name}.{k}.bin")
                np.ascontiguousarray(v).tofile(f)
                args[k] = {"file": f}
            else:
                args[k] = {"value": v.item()}
        g = list(c["grid"])
        cases.append({"name": name, "dir": os.path.join(kernels, name), "grid": g, "args": args,
                      "out_dir": os.path.join(d, "out", name)})
    json.dump({"cases": cases}, open(os.path.join(d, "manifest.json"), "w"), indent=1)
    print(f"prepared {len(cases)} cases in {d}")


def compare(size, work):
    d = os.path.join(work, size)
    res = {}
    for name in CASES:
        c = build(name, size)
        try:
            outs = {k: np.fromfile(os.path.join(d, "out", name, k + ".bin"), dtype=c["args"][k].dtype).reshape(c["args"][k].shape)
                    for k in c["outputs"]}
            ok, worst = check_outputs(c, outs)
        except (OSError, ValueError) as e:
            ok, worst = False, str(e)
        res[name] = {"ok": ok, "err_ratio": worst}
        print(f"{size} {name:20s} {'pass' if ok else 'FAIL'} max err ratio {worst}", flush=True)
    json.dump(res, open(os.path.join(d, "compare.json"), "w"), indent=1)


def torch_equivalents(torch, F, name, t):
    """(label, fn) of the PyTorch op doing the same work, on the case's torch tensors t."""
    a = t
    if name == "vector_add":
        return "torch.add(out=)", lambda: torch.add(a["x_ptr"], a["y_ptr"], out=a["out_ptr"])
    if name == "fused_softmax":
        return "torch.softmax(dim=1)", lambda: torch.softmax(a["in_ptr"], dim=1)
    if name == "layer_norm_fwd":
        c = a["x_ptr"].shape[1]
        return "F.layer_norm", lambda: F.layer_norm(a["x_ptr"], (c,), a["w_ptr"], a["b_ptr"], 1e-5)
    if name == "layer_norm_bwd":
        c = a["x_ptr"].shape[1]
        mean, rstd = a["mean_ptr"][:, None], a["rstd_ptr"][:, None]
        return "aten.native_layer_norm_backward", lambda: torch.ops.aten.native_layer_norm_backward(
            a["dy_ptr"], a["x_ptr"], (c,), mean, rstd, a["w_ptr"], a["w_ptr"], [True, True, True])
    if name == "rms_norm":
        c = a["x_ptr"].shape[1]
        return "F.rms_norm", lambda: F.rms_norm(a["x_ptr"], (c,), a["w_ptr"], 1e-6)
    if name in ("matmul", "matmul_block_ptr"):
        return "torch.mm fp16", lambda: torch.mm(a["a_ptr"], a["b_ptr"])
    if name == "matmul_bias_act":
        bias = a["bias_ptr"].half()
        return "leaky_relu(addmm) fp16", lambda: F.leaky_relu(torch.addmm(bias, a["a_ptr"], a["b_ptr"]), 0.01)
    if name.startswith("attention"):
        q, k, v = (a[x][None] for x in ("q_ptr", "k_ptr", "v_ptr"))
        causal = name == "attention_causal"
        return "F.scaled_dot_product_attention", lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    if name == "transpose":
        return "x.t().contiguous()", lambda: a["in_ptr"].t().contiguous()
    if name == "histogram":
        n_bins = a["bins_ptr"].numel()
        vals = a["values_ptr"]
        return "torch.histc(float, bins)", lambda: torch.histc(vals.float(), n_bins, 0, n_bins)
    if name == "cumsum_rows":
        return "torch.cumsum(dim=1)", lambda: torch.cumsum(a["x_ptr"], dim=1)
    return None, None


def run_triton(work, ours_compile):
    cache = os.path.join(work, "triton_cache")
    os.environ["TRITON_CACHE_DIR"] = cache  # empty: the first launch compiles
    import torch
    import torch.nn.functional as F
    import triton
    from triton.testing import do_bench
    torch.backends.cuda.matmul.allow_tf32 = False
    res = {"gpu": torch.cuda.get_device_name(), "torch": torch.__version__, "triton": triton.__version__, "cases": {}}

    def bench(fn):
        return do_bench(fn, warmup=25, rep=100, return_mode="median")

    x = torch.empty(1 << 28, device="cuda")
    y = torch.empty_like(x)
    res["copy_GBps"] = 2 * x.numel() * 4 / bench(lambda: y.copy_(x)) / 1e6
    del x, y
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
    b = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
    res["mm_f16_TFLOPs"] = 2 * 8192 ** 3 / bench(lambda: torch.mm(a, b)) / 1e9
    del a, b
    print("copy GB/s", res["copy_GBps"], "fp16 mm TFLOP/s", res["mm_f16_TFLOPs"], flush=True)
    mods = {}
    for name, (file, kernel, _sig, consts, warps, _) in CASES.items():
        r = res["cases"][name] = {}
        try:
            if file not in mods:
                spec = importlib.util.spec_from_file_location(file[:-3], os.path.join(ROOT, "examples", file))
                m = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(m)
                mods[file] = m
            fn = getattr(mods[file], kernel)
            for size in ("check", "bench"):
                c = build(name, size)
                t = {k: torch.from_numpy(np.ascontiguousarray(v)).cuda() if isinstance(v, np.ndarray) else v.item()
                     for k, v in c["args"].items()}
                launch = lambda t=t, c=c: fn[c["grid"]](**t, **consts, num_warps=warps)
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                launch()
                torch.cuda.synchronize()
                first = time.perf_counter() - t0
                outs = {k: t[k].cpu().numpy() for k in c["outputs"]}
                ok, worst = check_outputs(c, outs)
                r[size] = {"ok": ok, "err_ratio": worst}
                if size == "check":
                    t0 = time.perf_counter()
                    launch()
                    torch.cuda.synchronize()
                    r["compile_ms"] = (first - (time.perf_counter() - t0)) * 1e3
                else:
                    r["ms"] = bench(launch)
                    label, tfn = torch_equivalents(torch, F, name, t)
                    if tfn is not None:
                        try:
                            r["torch_op"], r["torch_ms"] = label, bench(tfn)
                        except Exception as e:  # noqa: BLE001 - say so in the table
                            r["torch_op"], r["torch_error"] = label, str(e)[:300]
                print(f"triton {size} {name:20s} {'pass' if ok else 'FAIL'} err {worst:.3g} "
                      f"{r.get('ms', r.get('compile_ms', 0)):.3f} ms torch {r.get('torch_ms', '')}", flush=True)
                del t, c
                torch.cuda.empty_cache()
        except Exception as e:  # noqa: BLE001 - one case failing must not hide the others
            r["error"] = f"{type(e).__name__}: {str(e)[:1500]}"
            print(f"triton {name} ERROR {r['error']}", flush=True)
        json.dump(res, open(os.path.join(work, "triton.json"), "w"), indent=1)  # after each case: a cut-off run keeps the rest


def load_jsonl(p):
    try:
        return {r["name"]: r for r in (json.loads(l) for l in open(p) if l.strip())}
    except OSError:
        return {}


def sanitizer(path):
    try:
        text = open(path).read()
    except OSError:
        return "not run"
    m = re.search(r"(ERROR|RACECHECK) SUMMARY: (\d+) (errors|hazards)", text)
    if not m:
        return "no summary"
    return "clean" if m.group(2) == "0" else f"{m.group(2)} {m.group(3)}"


def table(work, ours_compile):
    tr = json.load(open(os.path.join(work, "triton.json")))
    ours_c = json.load(open(ours_compile))
    proxy = load_jsonl(os.path.join(work, "bench", "proxy.jsonl"))
    pcheck = load_jsonl(os.path.join(work, "check", "proxy.jsonl"))
    cmp_b = json.load(open(os.path.join(work, "bench", "compare.json")))
    cmp_c = json.load(open(os.path.join(work, "check", "compare.json")))
    copy, peak = tr["copy_GBps"], tr["mm_f16_TFLOPs"]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"# examples/*.py: our compiler on the CUDA proxy vs real Triton vs PyTorch, {now}, {tr['gpu']}", "",
           f"Triton {tr['triton']}, PyTorch {tr['torch']}. Our MSL: `triton-metal compile --target "
           f"{next(iter(ours_c.values()))['target']}` (num_warps as listed; the same num_warps is given to Triton).",
           f"Measured copy bandwidth (read+write, torch copy_ of 1 GiB) {copy:.0f} GB/s; fp16 matmul peak (torch.mm 8192^3) {peak:.1f} TFLOP/s.",
           f"compute-sanitizer on our kernels at check sizes: memcheck {sanitizer(os.path.join(work, 'memcheck.log'))}, "
           f"racecheck {sanitizer(os.path.join(work, 'racecheck.log'))}, synccheck {sanitizer(os.path.join(work, 'synccheck.log'))}.",
           "Times: ours = median of per-launch CUDA events (warm-up 5, 30 runs; 2 + 7 for launches over 20 ms), "
           "Triton and PyTorch = triton.testing.do_bench median (L2 flushed between runs). check = max |got - ref| / "
           "(atol + rtol |ref|) against float64 (<= 1 passes; 0 = exact); 'check' sizes are small odd shapes, 'bench' the timed ones.", "",
           "| kernel | shape | nw | ours check (small / bench) | Triton check (small / bench) | ours ms | Triton ms | PyTorch op | PyTorch ms | ours throughput | Triton throughput | ours / Triton | ours % of roof | Triton % of roof |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    comp = ["", "## Compile latency", "",
            "ours: `triton-metal compile` (Python source -> MSL + metadata, whole CLI process), median of 5, on the development "
            "machine (2 shared x86 cores; the compiler needs Debian packages the GPU machine lacks). proxy: MSL -> CUDA "
            "translation + NVRTC to an sm_90 cubin + module load, on the GPU machine. Triton: first launch with an "
            "empty cache (JIT front end, TTIR -> PTX -> cubin, load) minus a warm launch, on the GPU machine.", "",
            "| kernel | ours: Triton-Python -> MSL ms | proxy: MSL -> cubin ms | ours total ms | Triton: Python -> cubin ms | ours total / Triton |",
            "|---|---|---|---|---|---|"]

    def fmt_chk(x):
        if x is None:
            return "?"
        ok, e = x.get("ok"), x.get("err_ratio")
        return ("pass" if ok else "FAIL") + (f" {e:.2g}" if isinstance(e, float) else f" ({e})")

    for name in CASES:
        c = build(name, "bench")
        nw = CASES[name][4]
        t = tr["cases"].get(name, {})
        p = proxy.get(name, {})
        ours_ms, tri_ms, tor_ms = p.get("ms"), t.get("ms"), t.get("torch_ms")
        if "flops" in c:
            unit, work_amt, roof, rname = "TFLOP/s", c["flops"], peak, "fp16 mm"
            thr = lambda ms: work_amt / ms / 1e9
        else:
            unit, work_amt, roof, rname = "GB/s", c["bytes"], copy, "copy"
            thr = lambda ms: work_amt / ms / 1e6
        f = lambda ms: f"{ms:.3f}" if ms else "-"
        ft = lambda ms: f"{thr(ms):.1f} {unit}" if ms else "-"
        fr = lambda ms: f"{100 * thr(ms) / roof:.1f}% of {rname}" if ms else "-"
        ours_chk = f"{fmt_chk(cmp_c.get(name))} / {fmt_chk(cmp_b.get(name))}"
        if not p.get("ran", False):
            ours_chk += f" (proxy error: {p.get('error', 'not run')[:200]})"
        tri_chk = f"{fmt_chk(t.get('check'))} / {fmt_chk(t.get('bench'))}" if "error" not in t else f"ERROR {t['error'][:200]}"
        ratio = f"{tri_ms / ours_ms:.2f}" if ours_ms and tri_ms else "-"
        out.append(f"| {name} | {c['shape']} | {nw} | {ours_chk} | {tri_chk} | {f(ours_ms)} | {f(tri_ms)} | "
                   f"{t.get('torch_op', '-')}{' (error)' if 'torch_error' in t else ''} | {f(tor_ms)} | {ft(ours_ms)} | {ft(tri_ms)} | {ratio} | {fr(ours_ms)} | {fr(tri_ms)} |")
        oc = ours_c.get(name, {}).get("ms")
        pc = pcheck.get(name, {}).get("compile_ms")
        tc = t.get("compile_ms")
        tot = (oc or 0) + (pc or 0)
        comp.append(f"| {name} | {oc:.1f} | {f(pc) if pc else '-'} | {tot:.1f} | {f(tc) if tc else '-'} | "
                    f"{(tot / tc) if tc else 0:.2f} |")
    out.append("")
    out.append("ours / Triton = Triton ms / ours ms (above 1: ours faster; same work, so it is also the throughput ratio).")
    print("\n".join(out + comp))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "prepare":
        prepare(*sys.argv[2:5])
    elif cmd == "compare":
        compare(*sys.argv[2:4])
    elif cmd == "triton":
        run_triton(*sys.argv[2:4])
    elif cmd == "table":
        table(*sys.argv[2:4])
    else:
        sys.exit(f"unknown step {cmd}")
