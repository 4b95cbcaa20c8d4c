#!/usr/bin/env python3
"""Graph benchmark of real models (docs/graph-import.md): the reference models of test/e2e/graph_import
(LLaMA, GPT-2, ViT blocks, ResNet basic block), exported with torch.onnx.export and compiled by
`triton-metal graph model.onnx`. Prints per model and target: kernels launched (fused, unfused), device
bytes measured by the emulator (fused, unfused) against the minimum, peak memory of the intermediates,
and the cost model's predicted time.

    PYTHONPATH=build/python /usr/bin/python3 bench/graph/models.py [--cli build/bin/triton-metal]
        [--targets m1,m3,m5] [--measure m3] [models...]

Measured bytes come from `--run --check` (every kernel compiled and run on the emulator) on the --measure
targets; the other columns come from `--report` on every target."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "e2e", "graph_import"))


def run(cli, *args):
    p = subprocess.run([cli, "graph", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"triton-metal graph {' '.join(args)} failed: {p.stderr.strip()}")
    return p.stdout


def field(pattern, text, cast=int):
    m = re.search(pattern, text)
    return cast(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*")
    ap.add_argument("--cli", default=os.environ.get("TRITON_METAL_CLI", os.path.join(HERE, "..", "..", "build", "bin", "triton-metal")))
    ap.add_argument("--targets", default="m1,m3,m5")
    ap.add_argument("--measure", default="m1,m3", help="targets whose kernels are run on the emulator to measure bytes")
    args = ap.parse_args()
    import export_onnx
    import models
    names = args.models or list(models.MODELS)
    targets = args.targets.split(",")
    measure = set(args.measure.split(",")) if args.measure else set()
    header = (f"{'model':<8} {'target':<10} {'kernels':>8} {'unfused':>8} {'bytes fused':>12} {'unfused':>10} {'minimum':>10} "
              f"{'fused/min':>9} {'peak mem':>10} {'predicted':>11}  fusions")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as d:
        for name in names:
            path = export_onnx.export(name, d)
            for t in targets:
                rep = run(args.cli, path, "--target", t, "--report")
                kernels = field(r"kernels launched: fused (\d+)", rep)
                unfused_k = field(r"kernels launched: fused \d+, unfused (\d+)", rep)
                minimum = field(r"minimum (\d+) B", rep)
                peak = field(r"peak live intermediates (\d+) B", rep)
                predicted = field(r"predicted time on \S+: ([0-9.e+-]+) us", rep, float)
                fusions = sorted(set(re.findall(r"applied (\w+)", rep)))
                fused_b = unfused_b = None
                if t in measure:
                    chk = run(args.cli, path, "--target", t, "--run", "--check")
                    m = re.search(r"fused plan (\d+) kernel launches, (\d+) device bytes; unfused plan (\d+), (\d+) device bytes", chk)
                    if m:
                        kernels, fused_b, unfused_k, unfused_b = (int(g) for g in m.groups())
                    if "FAIL" in chk:
                        sys.exit(f"{name} on {t}: the fused kernels do not match the float64 reference:\n{chk}")
                fmt_b = lambda v: "-" if v is None else str(v)  # noqa: E731
                ratio = f"{fused_b / minimum:.2f}x" if fused_b and minimum else "-"
                print(f"{name:<8} {t:<10} {kernels:>8} {unfused_k:>8} {fmt_b(fused_b):>12} {fmt_b(unfused_b):>10} {minimum:>10} {ratio:>9} "
                      f"{peak:>10} {predicted:>9.3g}us  {', '.join(fusions)}")


if __name__ == "__main__":
    main()
