"""Prints the CUDA proxy results table (markdown) from OUT/proxy.jsonl, OUT/torch.json and the sanitizer
logs: time, achieved bandwidth or FLOP/s, share of the measured copy bandwidth or matmul peak, PyTorch
time for the same work, the proxy/PyTorch throughput ratio, and the check and sanitizer verdicts."""
import datetime
import json
import os
import re
import sys

MATMUL_DTYPE = {"matmul_tiled": "f32", "gemm_f32": "f32", "gemm_f16": "f16", "gemm_bf16": "bf16"}


def sanitizer(out, name):
    try:
        text = open(os.path.join(out, name + ".log")).read()
    except OSError:
        return "not run"
    m = re.search(r"(ERROR|RACECHECK) SUMMARY: (\d+) (errors|hazards)", text)
    if not m:
        return "no summary"
    return "clean" if m.group(2) == "0" else f"{m.group(2)} {m.group(3)}"


def main(out):
    recs = [json.loads(l) for l in open(os.path.join(out, "proxy.jsonl")) if l.strip()]
    try:
        torch = json.load(open(os.path.join(out, "torch.json")))
    except OSError:
        torch = {"gpu": "?", "ops": {}, "copy_GBps": 0, "matmul_peak_TFLOPs": {}}
    mem, race, sync = sanitizer(out, "memcheck"), sanitizer(out, "racecheck"), sanitizer(out, "synccheck")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    copy = torch.get("copy_GBps", 0)
    peaks = torch.get("matmul_peak_TFLOPs", {})
    print(f"# CUDA proxy results, {now}, {torch['gpu']} (PyTorch {torch.get('torch', '?')})\n")
    print(f"Measured copy bandwidth (read+write) {copy:.0f} GB/s; matmul peak 8192^3: " +
          ", ".join(f"{k} {v:.1f} TFLOP/s" for k, v in peaks.items()) + ".")
    print(f"compute-sanitizer over every kernel at check sizes: memcheck {mem}, racecheck {race}, synccheck {sync}.")
    print("compile ms: MSL -> CUDA translation + NVRTC (sm_90 cubin) + module load, first entry of each module "
          "(later entries of the same file come from the module cache).\n")
    print("| kernel | shape | check | compile ms | proxy ms | proxy throughput | % of roof | PyTorch op | PyTorch ms | PyTorch throughput | proxy / PyTorch |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    checks, compile_ms = {}, {}
    for r in recs:
        checks.setdefault(r["kernel"], []).append(r["ok"])
        if r.get("compile_ms", 0) > 0:
            compile_ms[r["kernel"]] = r["compile_ms"]
    for r in recs:
        k = r["kernel"]
        ok = "pass" if all(checks[k]) else "FAIL"
        cms = f"{compile_ms[k]:.0f}" if k in compile_ms else "cached"
        if r["ms"] <= 0:
            if r is next(x for x in recs if x["kernel"] == k) and not any(x["ms"] > 0 for x in recs if x["kernel"] == k):
                print(f"| {k} | {r['shape']} | {ok} ({r['detail']}) | {cms} | | | | | | | |")
            continue
        t = torch["ops"].get(k)
        if r["flops"] > 0:
            thr = r["flops"] / r["ms"] / 1e9
            unit = "TFLOP/s"
            peak = peaks.get(MATMUL_DTYPE.get(k, "f32"), 0)
            roof = f"{100 * thr / peak:.1f}% of {MATMUL_DTYPE.get(k, 'f32')} mm" if peak else ""
            tthr = r["flops"] / t["ms"] / 1e9 if t else 0
        else:
            thr = r["bytes"] / r["ms"] / 1e6
            unit = "GB/s"
            roof = f"{100 * thr / copy:.1f}% of copy" if copy else ""
            tthr = r["bytes"] / t["ms"] / 1e6 if t else 0
        tcols = f"{t['op']} | {t['ms']:.3f} | {tthr:.1f} {unit} | {t['ms'] / r['ms']:.2f}" if t else " | | |"
        print(f"| {k} | {r['shape']} | {ok} | {cms} | {r['ms']:.3f} | {thr:.1f} {unit} | {roof} | {tcols} |")


if __name__ == "__main__":
    main(sys.argv[1])
