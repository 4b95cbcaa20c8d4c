"""CTest (no GPU): every hand-written probe of bench/probes runs on the emulator at its small size through the
same driver the GPU benchmark uses (cuda_proxy_triton --device emulator) and is checked against float64.
Usage: check_probes_emulator.py CUDA_PROXY_TRITON_BINARY"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import triton_bench  # noqa: E402


def main(driver):
    with tempfile.TemporaryDirectory(prefix="tm_probes_") as work:
        triton_bench.prepare("check", work, "/nonexistent", "probes")
        p = subprocess.run([driver, os.path.join(work, "check", "manifest.json"), os.path.join(work, "check", "emu.jsonl"),
                            "--device", "emulator", "--no-time"], capture_output=True, text=True)
        print(p.stdout, p.stderr)
        if p.returncode:
            return 1
        triton_bench.compare("check", work)
        res = json.load(open(os.path.join(work, "check", "compare.json")))
        bad = [n for n, r in res.items() if not r["ok"]]
        if len(res) < 13 or bad:
            print(f"FAILED: {bad or 'too few probes: ' + str(len(res))}")
            return 1
        print(f"{len(res)} probes pass against float64 on the emulator")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
