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
    header = (f"{'model':<7} {'target':<7} {'launches':>9} {'planned bytes':>15} {'measured bytes':>15} {'minimum':>8} "
              f"{'measured/min':>12} {'peak mem':>9} {'predicted':>10}  fusions")
    print("launches and bytes: fused/unfused. planned: the plan's traffic model (each kernel reads its inputs and writes its outputs "
          "once); measured: device bytes the emulator counted running every kernel (--run --check, targets " + ",".join(sorted(measure)) + ")")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as d:
        for name in names:
            path = export_onnx.export(name, d)
            for t in targets:
                rep = run(args.cli, path, "--target", t, "--report")
                kernels = field(r"kernels launched: fused (\d+)", rep)
                unfused_k = field(r"kernels launched: fused \d+, unfused (\d+)", rep)
                planned = field(r"traffic: fused (\d+) B", rep)
                planned_u = field(r"unfused (\d+) B", rep)
                minimum = field(r"minimum (\d+) B", rep)
                peak = field(r"peak live intermediates (\d+) B", rep)
                predicted = field(r"predicted time on \S+: ([0-9.e+-]+) us", rep, float)
                fusions = sorted(set(re.findall(r"applied (\w+)", rep)))
                measured = "-"
                ratio = "-"
                if t in measure:
                    chk = run(args.cli, path, "--target", t, "--run", "--check")
                    if "FAIL" in chk:
                        sys.exit(f"{name} on {t}: the fused kernels do not match the float64 reference:\n{chk}")
                    m = re.search(r"fused plan \d+ kernel launches, (\d+) device bytes; unfused plan \d+, (\d+) device bytes", chk)
                    measured = f"{m.group(1)}/{m.group(2)}"
                    ratio = f"{int(m.group(1)) / minimum:.2f}x"
                print(f"{name:<7} {t:<7} {f'{kernels}/{unfused_k}':>9} {f'{planned}/{planned_u}':>15} {measured:>15} {minimum:>8} {ratio:>12} "
                      f"{peak:>9} {predicted:>8.3g}us  {', '.join(fusions)}")


if __name__ == "__main__":
    main()
