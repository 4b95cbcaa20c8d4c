"""Runs the generated elementwise-chain and row-reduction kernels of an --emit-dir plan under the NumPy
stand-in, on the tensor values written by --run --reference --values-dir, and compares every group output
with the float64 reference. Usage: check_generated.py EMIT_DIR VALUES_DIR
"""
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep kernels/ free of __pycache__

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import triton_numpy as tn  # noqa: E402

tn.install()
emit, values = sys.argv[1], sys.argv[2]
plan = json.load(open(os.path.join(emit, "plan.json")))
sys.path.insert(0, os.path.join(emit, "kernels"))
failures = checked = 0
for g in plan["groups"]:
    if not g["template"].startswith("generated:"):
        continue
    ns = {}
    exec(compile(open(os.path.join(emit, g["source"])).read(), g["source"], "exec"), ns)
    kernel = ns[g["entry"]]
    args = []
    for t in g["inputs"]:
        root = plan["tensors"][t].get("view", {}).get("root", t)
        args.append(tn.Pointer(np.load(os.path.join(values, root + ".npy")).astype(np.float32).ravel()))
    outs = [np.zeros(int(np.prod(plan["tensors"][t]["shape"])), np.float32) for t in g["outputs"]]
    args += [tn.Pointer(o) for o in outs]
    c = g["constexprs"]
    if g["kind"] == "elementwise_chain":
        tn.launch(kernel, (tn.cdiv(g["params"]["NUMEL"], c["BLOCK"]),), *args, g["params"]["NUMEL"], c["BLOCK"])
    else:
        tn.launch(kernel, (g["params"]["ROWS"],), *args, c["BLOCK"])
    for t, o in zip(g["outputs"], outs):
        want = np.load(os.path.join(values, t + ".npy")).astype(np.float64).ravel()
        err = np.max(np.abs(o - want)) / max(1e-30, np.max(np.abs(want)))
        ok = err <= 1e-5
        failures += not ok
        checked += 1
        print(f"{'ok  ' if ok else 'FAIL'} {g['name']} -> {t}: max error {err:.2e} of the magnitude")
print(f"{checked} generated outputs checked, {failures} failure(s)")
sys.exit(1 if failures or not checked else 0)
