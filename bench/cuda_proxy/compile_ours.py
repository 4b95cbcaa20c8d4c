"""Compiles every case of triton_cases.py with OUR compiler (triton-metal compile, MSL + metadata JSON) into
OUTDIR/NAME/ and times it: median of 5 runs of the CLI, process start included. Run here (no GPU needed):
  /usr/bin/python3 bench/cuda_proxy/compile_ours.py TRITON_METAL_BINARY TARGET OUTDIR [NAMES]
(NAMES: comma-separated case names, default all; TM_COMPILE_FLAGS: extra CLI flags for every case, e.g.
"--num-stages 2")
Writes OUTDIR/compile_ours.json {name: {"ms": median, "target": ..., "num_warps": ...}}."""
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from triton_cases import CASES  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def source_file(file, outdir):
    """The kernel file our compiler reads: the front end compiles one module, so a graph template's
    `from epilogue import ...` is replaced by epilogue.py's body, as lib/graph/device_runner.cpp does."""
    path = os.path.normpath(os.path.join(ROOT, "examples", file))
    text = open(path).read()
    if "from epilogue import" not in text:
        return path
    helper = open(os.path.join(os.path.dirname(path), "epilogue.py")).read()
    lines = [helper if l.startswith("from epilogue import") else l for l in text.split("\n")]
    inlined = os.path.join(outdir, "inlined_" + os.path.basename(path))
    with open(inlined, "w") as f:
        f.write("\n".join(lines))
    return inlined


def main(binary, target, outdir, names=""):
    res = {}
    wanted = set(n for n in names.split(",") if n)
    for name, (file, kernel, sig, consts, warps, _) in CASES.items():
        if wanted and name not in wanted:
            continue
        d = os.path.join(outdir, name)
        os.makedirs(d, exist_ok=True)
        cmd = [binary, "compile", source_file(file, outdir), "-k", kernel, "-s", sig, "--target", target,
               "--num-warps", str(warps), "-o", d]
        for k, v in consts.items():
            cmd += ["-c", f"{k}={v}"]
        cmd += os.environ.get("TM_COMPILE_FLAGS", "").split()
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, text=True)
            times.append((time.perf_counter() - t0) * 1e3)
            if p.returncode:
                break
        ok = p.returncode == 0
        res[name] = {"ms": statistics.median(times), "ok": ok, "target": target, "num_warps": warps,
                     "error": "" if ok else (p.stderr or p.stdout)[-2000:]}
        print(f"{name:20s} {'ok' if ok else 'FAIL'} {statistics.median(times):8.1f} ms", flush=True)
        if not ok:
            print(p.stderr[-2000:])
    with open(os.path.join(outdir, "compile_ours.json"), "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:5])
