"""Our compiler's MSL on the CUDA proxy beside the same examples/*.py kernels under real Triton and beside
PyTorch. Steps (run_gpu_bench.sh calls them in order; prepare and compare also take the probes of probe_cases.py):
  prepare SIZE WORK KERNELS [NAMES]  inputs of the cases (NAMES: comma list, 'ours', 'probes', 'all') as raw files
                              + a manifest for triton_proxy; SIZE check, bench or counters
  compare SIZE WORK           the proxy's outputs against the float64 references -> WORK/SIZE/compare.json
  identical SIZE WORK REF [TAG]  byte-for-byte against the emulator's outputs in REF -> identical[_TAG].json
  subset SIZE WORK NAMES TAG  a manifest of some of the cases (outputs to out_TAG)
  triton WORK OURS_COMPILE    real Triton (same kernels, same inputs, same grid, same num_warps): float64 check,
                              compile latency (first launch with an empty cache), do_bench median; PyTorch
                              equivalents; copy bandwidth and matmul peaks -> WORK/triton.json
  table WORK OURS_COMPILE     the markdown table (compute-bound rows vs the SGEMM roof and the probes,
                              memory-bound rows vs copy bandwidth, the probes)
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
from probe_cases import BESIDE, PROBES, write_probe_dir  # noqa: E402

MEMORY_BOUND = {"vector_add", "fused_softmax", "layer_norm_fwd", "layer_norm_bwd", "rms_norm", "transpose", "histogram", "cumsum_rows"}


def select(names):
    """A comma-separated list of case names, or 'ours' (triton_cases.py), 'probes' (probe_cases.py), 'all'."""
    out = []
    for n in (names or "all").split(","):
        if n in ("ours", "all"):
            out += list(CASES)
        if n in ("probes", "all"):
            out += list(PROBES)
        if n in CASES or n in PROBES:
            out.append(n)
        elif n not in ("ours", "probes", "all"):
            sys.exit(f"unknown case {n}")
    return list(dict.fromkeys(out))


def build(name, size):
    c = PROBES[name](size) if name in PROBES else CASES[name][5](size)
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


def check_output_files(c, out_dir):
    """check_outputs on the outputs a device run left in out_dir (<name>.bin each); a missing or mis-sized file
    is a failure with its reason."""
    try:
        outs = {k: np.fromfile(os.path.join(out_dir, k + ".bin"), dtype=c["args"][k].dtype).reshape(c["args"][k].shape)
                for k in c["outputs"]}
        return check_outputs(c, outs)
    except (OSError, ValueError) as e:
        return False, str(e)


def check_outputs(c, outs):
    """outs: name -> numpy array of the output dtype. Returns (ok, worst ratio)."""
    want = reference(c)
    tol = c["tol"](c["args"]) if callable(c["tol"]) else c["tol"]
    worst = 0.0
    if "pick" in c:
        outs = c["pick"](outs)
    for k, w in want.items():
        g = outs[k]
        if "check_heads" in c:
            g = g[c["check_heads"]]
        worst = max(worst, error_ratio(np.asarray(g), w, tol))
    return worst <= 1.0, worst


def prepare(size, work, kernels, names=None):
    d = os.path.join(work, size)
    os.makedirs(d, exist_ok=True)
    cases = []
    for name in select(names):
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
        kdir = write_probe_dir(name, c, os.path.join(work, "probes")) if name in PROBES else os.path.join(kernels, name)
        cases.append({"name": name, "dir": kdir, "grid": g, "args": args,
                      "out_dir": os.path.join(d, "out", name)})
    json.dump({"cases": cases}, open(os.path.join(d, "manifest.json"), "w"), indent=1)
    print(f"prepared {len(cases)} cases in {d}")


def manifest_names(d):
    return [c["name"] for c in json.load(open(os.path.join(d, "manifest.json")))["cases"]]


def compare(size, work):
    d = os.path.join(work, size)
    res = {}
    for name in manifest_names(d):
        c = build(name, size)
        ok, worst = check_output_files(c, os.path.join(d, "out", name))
        res[name] = {"ok": ok, "err_ratio": worst}
        print(f"{size} {name:20s} {'pass' if ok else 'FAIL'} max err ratio {worst}", flush=True)
    json.dump(res, open(os.path.join(d, "compare.json"), "w"), indent=1)


def identical(size, work, ref_dir, tag=""):
    """Byte-for-byte comparison of the proxy's outputs with the emulator's (ref_dir/NAME/OUT.bin, computed on
    the development machine from the same seeded inputs) -> WORK/SIZE/identical.json."""
    d = os.path.join(work, size)
    res = {}
    for name in manifest_names(d):
        c = build(name, size)
        r = {}
        for k in c["outputs"]:
            try:
                got = np.fromfile(os.path.join(d, "out", name, k + ".bin"), dtype=np.uint8)
                want = np.fromfile(os.path.join(ref_dir, name, k + ".bin"), dtype=np.uint8)
            except OSError as e:
                r[k] = f"missing ({e})"
                continue
            item = c["args"][k].dtype.itemsize
            diff = int(np.count_nonzero((got.reshape(-1, item) != want.reshape(-1, item)).any(axis=1))) if got.size == want.size else -1
            r[k] = "identical" if diff == 0 else (f"{diff} of {got.size // item} elements differ" if diff > 0 else "size differs")
        res[name] = r
        print(f"{size} {name:24s} proxy vs emulator: {r}", flush=True)
    json.dump(res, open(os.path.join(d, f"identical{'_' + tag if tag else ''}.json"), "w"), indent=1)
    return all(v == "identical" for r in res.values() for v in r.values())


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
    if name.startswith("matmul_f16"):
        return "torch.mm fp16", lambda: torch.mm(a["a_ptr"], a["b_ptr"])
    if name.startswith("matmul_f32"):
        return "torch.mm fp32 (cuBLAS, TF32 off)", lambda: torch.mm(a["a_ptr"], a["b_ptr"])
    if name == "conv2d":
        return "relu(F.conv2d) fp16", lambda: F.relu(F.conv2d(a["X"], a["Wt"], a["Bias"].half(), padding=1))
    if name == "matmul_bias_act":
        bias = a["bias_ptr"].half()
        return "leaky_relu(addmm) fp16", lambda: F.leaky_relu(torch.addmm(bias, a["a_ptr"], a["b_ptr"]), 0.01)
    if name.startswith("attention"):
        q, k, v = (a[x][None] for x in ("q_ptr", "k_ptr", "v_ptr"))
        causal = "causal" in name
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
    # The roof: cuBLAS SGEMM on CUDA cores (TF32 off), 4096^3 on random data. Apple GPUs run simdgroup_matrix
    # on their FP32 ALUs, so the FMA rate (not the tensor cores') is what our MSL can be held to.
    assert not torch.backends.cuda.matmul.allow_tf32
    a = torch.randn(4096, 4096, device="cuda", dtype=torch.float32)
    b = torch.randn(4096, 4096, device="cuda", dtype=torch.float32)
    res["sgemm_TFLOPs"] = 2 * 4096 ** 3 / bench(lambda: torch.mm(a, b)) / 1e9
    del a, b
    print("copy GB/s", res["copy_GBps"], "fp16 mm TFLOP/s", res["mm_f16_TFLOPs"],
          "cuBLAS SGEMM 4096^3 (TF32 off) TFLOP/s", res["sgemm_TFLOPs"], flush=True)
    json.dump(res, open(os.path.join(work, "triton.json"), "w"), indent=1)
    mods = {}
    bench_manifest = os.path.join(work, "bench", "manifest.json")
    names = [n for n in manifest_names(os.path.join(work, "bench")) if n in CASES] if os.path.exists(bench_manifest) else []
    for name in names:
        file, kernel, _sig, consts, warps, _ = CASES[name]
        r = res["cases"][name] = {}
        try:
            if file not in mods:
                path = os.path.normpath(os.path.join(ROOT, "examples", file))
                sys.path.insert(0, os.path.dirname(path))  # graph templates import epilogue.py beside them
                spec = importlib.util.spec_from_file_location(os.path.basename(file)[:-3], path)
                m = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(m)
                mods[file] = m
            fn = getattr(mods[file], kernel)
            for size in ("check", "bench"):
                c = build(name, size)
                t = {k: torch.from_numpy(np.ascontiguousarray(v)).cuda() if isinstance(v, np.ndarray) else v.item()
                     for k, v in c["args"].items()}
                # Constants that are runtime arguments of the kernel (the unit strides ours is specialized on)
                # are passed as arguments: Triton's JIT specializes them itself.
                kw = {k: v for k, v in consts.items() if k not in t}
                launch = lambda t=t, c=c, kw=kw: fn[c["grid"]](**t, **kw, num_warps=warps)
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


def subset(size, work, names, tag):
    """WORK/SIZE/manifest_TAG.json: the cases of WORK/SIZE/manifest.json named in `names`, outputs to out_TAG."""
    d = os.path.join(work, size)
    keep = set(select(names))
    cases = [dict(c, out_dir=c["out_dir"].replace(os.sep + "out" + os.sep, os.sep + f"out_{tag}" + os.sep))
             for c in json.load(open(os.path.join(d, "manifest.json")))["cases"] if c["name"] in keep]
    json.dump({"cases": cases}, open(os.path.join(d, f"manifest_{tag}.json"), "w"), indent=1)
    print(f"{len(cases)} cases in manifest_{tag}.json")


def compare_tag(size, work, tag):
    """compare() for a subset run (outputs in out_TAG) -> compare_TAG.json."""
    d = os.path.join(work, size)
    res = {}
    for c0 in json.load(open(os.path.join(d, f"manifest_{tag}.json")))["cases"]:
        name = c0["name"]
        c = build(name, size)
        ok, worst = check_output_files(c, c0["out_dir"])
        res[name] = {"ok": ok, "err_ratio": worst}
        print(f"{size} {tag} {name:24s} {'pass' if ok else 'FAIL'} max err ratio {worst}", flush=True)
    json.dump(res, open(os.path.join(d, f"compare_{tag}.json"), "w"), indent=1)


def _load(path, default):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return default


def table(work, ours_compile):
    tr = _load(os.path.join(work, "triton.json"), {"cases": {}})
    ours_c = _load(ours_compile, {})
    proxy = load_jsonl(os.path.join(work, "bench", "proxy.jsonl"))
    cmp_b = _load(os.path.join(work, "bench", "compare.json"), {})
    cmp_c = _load(os.path.join(work, "check", "compare.json"), {})
    ident = _load(os.path.join(IDENT_DIR, "check", "identical.json"), {})
    names = manifest_names(os.path.join(work, "bench")) if os.path.exists(os.path.join(work, "bench", "manifest.json")) else []
    copy, sgemm, f16peak = tr.get("copy_GBps"), tr.get("sgemm_TFLOPs"), tr.get("mm_f16_TFLOPs")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    target = next(iter(ours_c.values()), {}).get("target", "?")
    n = lambda x, f="{:.1f}": f.format(x) if isinstance(x, (int, float)) else "-"

    def chk(x):
        if not x:
            return "?"
        e = x.get("err_ratio")
        return ("pass" if x.get("ok") else "FAIL") + (f" {e:.2g}" if isinstance(e, float) else f" ({str(e)[:80]})")

    def thr(c, ms):
        if not ms:
            return None
        return c["flops"] / ms / 1e9 if "flops" in c else c["bytes"] / ms / 1e6

    out = [f"# CUDA proxy: our MSL, the hand-written probes, real Triton and PyTorch, {now}, {tr.get('gpu', '?')}", "",
           f"Triton {tr.get('triton', '?')}, PyTorch {tr.get('torch', '?')}; our MSL from `triton-metal compile --target {target}`. "
           f"Roofs measured in the same run: cuBLAS SGEMM 4096^3 on CUDA cores (TF32 off) **{n(sgemm)} TFLOP/s**; "
           f"fp16 torch.mm 8192^3 (tensor cores) {n(f16peak)} TFLOP/s; copy bandwidth (read + write, 1 GiB) **{n(copy, '{:.0f}')} GB/s**.",
           f"compute-sanitizer (check sizes, our kernels and the probes): memcheck {sanitizer(os.path.join(work, 'memcheck.log'))}, "
           f"racecheck {sanitizer(os.path.join(work, 'racecheck.log'))}, synccheck {sanitizer(os.path.join(work, 'synccheck.log'))}.",
           "Times: ours and probes = median of per-launch CUDA events (5 warm-up, 30 runs; 2 + 7 above 20 ms); Triton and PyTorch = "
           "triton.testing.do_bench median. check = max |got - ref| / (atol + rtol |ref|) against float64 (<= 1 passes), small / bench size. "
           "Simdgroup multiply-accumulates: one FMA per step, k in order, as the emulator (bit-identical).", ""]
    out += ["## Compute-bound (TFLOP/s; % of the cuBLAS CUDA-core SGEMM roof)", "",
            "| kernel | shape | check | ours | % roof | Triton | ours / Triton | PyTorch op | PyTorch | ours / PyTorch | probe (same shape) | probe | ours / probe |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    mem = ["", "## Memory-bound (GB/s; % of copy bandwidth)", "",
           "| kernel | shape | check | ours | % copy | Triton | % copy | ours / Triton | PyTorch op | PyTorch | ours / PyTorch |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    probes = ["", "## Hand-written ceiling probes (bench/probes)", "",
              "| probe | shape | check | proxy vs emulator | TFLOP/s | % roof |",
              "|---|---|---|---|---|---|"]
    pct = lambda x, roof: f"{100 * x / roof:.0f}%" if x and roof else "-"
    rat = lambda a, b: f"{a / b:.2f}" if a and b else "-"
    for name in names:
        c = build(name, "bench")
        p, t = proxy.get(name, {}), tr["cases"].get(name, {})
        ours = thr(c, p.get("ms"))
        status = f"{chk(cmp_c.get(name))} / {chk(cmp_b.get(name))}"
        if not p.get("ran", False):
            err = p.get("error") or ours_c.get(name, {}).get("error") or "not run"
            status += f" (ours: {err.strip().splitlines()[0][:160] if err.strip() else 'error'})"
        if name in PROBES:
            iv = ident.get(name)
            iv = "identical" if iv and all(v == "identical" for v in iv.values()) else (str(iv) if iv else "-")
            probes.append(f"| {name} | {c['shape']} | {status} | {iv} | {n(ours)} | {pct(ours, sgemm)} |")
            continue
        tri, tor = thr(c, t.get("ms")), thr(c, t.get("torch_ms"))
        if "error" in t:
            tri_s = "ERROR " + t["error"].splitlines()[0][:80]
        else:
            tri_s = n(tri)
        if "flops" in c:
            def best_of(src):
                b, bn = None, "-"
                for pn in BESIDE.get(name, []):
                    v = thr(build(pn, "bench"), src.get(pn, {}).get("ms"))
                    if v and (b is None or v > b):
                        b, bn = v, pn
                return b, bn
            pe, pname = best_of(proxy)
            out.append(f"| {name} | {c['shape']} | {status} | {n(ours)} | {pct(ours, sgemm)} | {tri_s} | {rat(ours, tri)} | "
                       f"{t.get('torch_op', '-')} | {n(tor)} | {rat(ours, tor)} | {pname} | {n(pe)} | {rat(ours, pe)} |")
        else:
            mem.append(f"| {name} | {c['shape']} | {status} | {n(ours, '{:.0f}')} | {pct(ours, copy)} | {n(tri, '{:.0f}')} | {pct(tri, copy)} | "
                       f"{rat(ours, tri)} | {t.get('torch_op', '-')} | {n(tor, '{:.0f}')} | {rat(ours, tor)} |")
    out += ["", "ours / X = X's time / our time (above 1: ours faster). 'probe' is the fastest probe of the same shape and dtype; probes write f32 results (C, O), ours write the kernel's own output dtype."]
    print("\n".join(out + mem + probes))


IDENT_DIR = "/tmp/tm_ident"


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "prepare":
        prepare(*sys.argv[2:6])
    elif cmd == "compare":
        compare(*sys.argv[2:4])
    elif cmd == "identical":
        sys.exit(0 if identical(*sys.argv[2:6]) else 1)
    elif cmd == "triton":
        run_triton(*sys.argv[2:4])
    elif cmd == "table":
        table(*sys.argv[2:4])
    elif cmd == "subset":
        subset(*sys.argv[2:6])
    elif cmd == "compare_tag":
        compare_tag(*sys.argv[2:5])
    else:
        sys.exit(f"unknown step {cmd}")
