"""The emulator's counters per launch (no GPU): device bytes, threadgroup bytes, barriers and simdgroup
multiply-accumulates of our generated matmul and attention beside the hand-written probes (bench/probes) of the
same shape (the probes: 64 x 64 output tiles, 4 simdgroups; ours: the benchmark's configurations of
triton_cases.py, e.g. attention D=64 at 128 x 32 blocks with 8 simdgroups), per FLOP, with ours / probe. The kernels run through
the benchmark's own driver (cuda_proxy_triton --device emulator --counters) on the "counters" size of
triton_cases.py / probe_cases.py and are checked against float64 first.
Usage (development machine):
  /usr/bin/python3 bench/cuda_proxy/compile_ours.py build/bin/triton-metal apple-m3-max-40c /tmp/k
  /usr/bin/python3 bench/cuda_proxy/counter_table.py build/bin/cuda_proxy_triton /tmp/k [OUT.md]"""
import datetime
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import triton_bench  # noqa: E402

# (ours, probe of the same shape)
PAIRS = [("matmul_f32_4096", "probe_gemm_f32_4096"), ("matmul_f16_4096", "probe_gemm_f16_4096"),
         ("attention_d64", "probe_attn_d64"), ("attention_causal_d64", "probe_attn_d64_causal"),
         ("attention_d128", "probe_attn_d128"), ("attention_causal_d128", "probe_attn_d128_causal")]
FIELDS = [("device_bytes_read", "device B read"), ("device_bytes_written", "device B written"),
          ("threadgroup_bytes_read", "tg B read"), ("threadgroup_bytes_written", "tg B written"),
          ("barriers", "barriers"), ("simdgroup_multiply_accumulates", "simdgroup MACs")]


def main(driver, kernels, out_md=None):
    names = [n for pair in PAIRS for n in pair]
    with tempfile.TemporaryDirectory(prefix="tm_counters_") as work:
        triton_bench.prepare("counters", work, kernels, ",".join(names))
        subprocess.run([driver, os.path.join(work, "counters", "manifest.json"), os.path.join(work, "counters", "emu.jsonl"),
                        "--device", "emulator", "--no-time", "--counters"], check=False)
        triton_bench.compare("counters", work)
        res = triton_bench.load_jsonl(os.path.join(work, "counters", "emu.jsonl"))
        ok = json.load(open(os.path.join(work, "counters", "compare.json")))
    try:
        compiled = json.load(open(os.path.join(kernels, "compile_ours.json")))
    except OSError:
        compiled = {}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# Emulator counters per launch: our kernels beside the hand-written probes, {now}", "",
             "Counted by the emulator (no GPU) through `bench/cuda_proxy/counter_table.py`: shapes are the \"counters\" size "
             "(matmul 256^3, attention 1 x 256 x D); tg = threadgroup memory; per MFLOP = per 10^6 floating-point operations "
             "of the problem. ours / probe > 1: ours moves or waits more. Probes write f32 outputs.", "",
             "| kernel | shape | check | " + " | ".join(h for _, h in FIELDS) + " | tg B / MFLOP | barriers / MFLOP | ours / probe: tg B | ours / probe: barriers |",
             "|---|---|---|" + "---|" * len(FIELDS) + "---|---|---|---|"]

    def per(s, c, f):
        return s.get(f, 0) / (c["flops"] / 1e6)
    for ours, probe in PAIRS:
        rows = {}
        for n in (ours, probe):
            c = triton_bench.build(n, "counters")
            r = res.get(n, {})
            s = r.get("stats", {})
            rows[n] = (c, s)
            chk = ok.get(n, {})
            err = (compiled.get(n, {}).get("error") or r.get("error") or "?").strip()
            err = err.splitlines()[0][:160] if err else "?"
            status = ("pass" if chk.get("ok") else "FAIL") if r.get("ran") else f"not run: {err.replace('|', '/')}"
            tg = s.get("threadgroup_bytes_read", 0) + s.get("threadgroup_bytes_written", 0)
            ratio = ["", ""]
            if n == ours and r.get("ran") and res.get(probe, {}).get("ran"):
                ps = res[probe]["stats"]
                ptg = ps.get("threadgroup_bytes_read", 0) + ps.get("threadgroup_bytes_written", 0)
                pc = triton_bench.build(probe, "counters")
                ratio = [f"{(tg / c['flops']) / (ptg / pc['flops']):.2f}" if ptg else "-",
                         f"{(s['barriers'] / c['flops']) / (ps['barriers'] / pc['flops']):.2f}" if ps.get("barriers") else "-"]
            vals = " | ".join(str(s.get(f, "-")) for f, _ in FIELDS) if s else " | ".join("-" for _ in FIELDS)
            lines.append(f"| {n} | {c['shape']} | {status} | {vals} | {tg / (c['flops'] / 1e6):.0f} | "
                         f"{per(s, c, 'barriers'):.2f} | {ratio[0]} | {ratio[1]} |")
    text = "\n".join(lines)
    print(text)
    if out_md:
        with open(out_md, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
