#!/usr/bin/python3
"""Replays the hostile-input corpus (manifest.json, written by build_manifest.py).

For every case: a fresh folder ROOT holding work/ (the command's working folder with the case's files),
outside/ (files a hostile input tries to read or overwrite), tmp/ ($TMPDIR) and cache/ (a private
$TRITON_METAL_CACHE_DIR when the case asks for one; else one shared by the run). The command must
  - exit with the expected code (never be killed by a signal, never outlive its time limit),
  - print stderr (and stdout) matching the case's regexes,
  - leave ROOT unchanged outside work/, tmp/ and cache/ (nothing written or modified elsewhere),
  - create the files the case lists under work/.

  run_corpus.py --tm build/tools/triton-metal/triton-metal [--class REGEX] [--owner hostile] [--id REGEX] [-j 2]
  run_corpus.py --extract ID DIR     writes one case's files to DIR and prints its command (to replay by hand)
"""
import argparse
import base64
import concurrent.futures
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def chain_graph(n, reversed_order=False):
    nodes = [{"name": f"n{i}", "op": "relu" if i % 2 else "neg", "inputs": [f"t{i - 1}" if i else "x"],
              "outputs": [f"t{i}" if i < n - 1 else "y"]} for i in range(n)]
    if reversed_order:
        nodes.reverse()
    return json.dumps({"format": "triton-metal-graph", "version": 1, "inputs": ["x"], "outputs": ["y"],
                       "tensors": {"x": {"shape": [4, 8], "dtype": "f32"}}, "nodes": nodes})


def content_of(spec, subst):
    """Bytes of a file given by a manifest value."""
    if isinstance(spec, str):
        return subst(spec).encode("utf-8", "surrogatepass")
    if "b64" in spec:
        return base64.b64decode(spec["b64"])
    if "json" in spec:
        return subst(json.dumps(spec["json"])).encode()
    if "repeat" in spec:
        return "".join(text * count for text, count in spec["repeat"]).encode()
    if "chain_graph" in spec:
        return chain_graph(spec["chain_graph"], spec.get("reversed", False)).encode()
    if "nested_blocks" in spec:
        n = spec["nested_blocks"]
        lines = [spec["head"]] + ["    " * (i + 1) + spec["line"] + "\n" for i in range(n)] + ["    " * (n + 1) + spec["body"] + "\n", spec["tail"]]
        return "".join(lines).encode()
    raise ValueError(f"unknown file spec {list(spec)}")


def valid_npy(values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % len(values)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack("<%df" % len(values), *values)


def populate(root, c, shared_cache):
    work = os.path.join(root, "work")
    for sub in ("work", "outside", "tmp"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    secret = valid_npy([float(i) for i in range(8)])
    with open(os.path.join(root, "outside", "secret.npy"), "wb") as f:
        f.write(secret)
    with open(os.path.join(root, "outside", "target.npy"), "wb") as f:
        f.write(b"do not overwrite")
    hdr = json.dumps({"w": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}).encode()
    with open(os.path.join(root, "outside", "w.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(hdr)) + hdr + struct.pack("<8f", *range(8)))
    subst = lambda s: s.replace("{root}", root).replace("{work}", work)
    for name, spec in c.get("files", {}).items():
        path = os.path.join(work, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content_of(spec, subst))
    for op in c.get("special", []):
        if "mkdir" in op:
            os.makedirs(os.path.join(work, op["mkdir"]), exist_ok=True)
        elif "fifo" in op:
            os.mkfifo(os.path.join(work, op["fifo"]))
        elif "symlink" in op:
            link, target = op["symlink"]
            os.makedirs(os.path.dirname(os.path.join(work, link)), exist_ok=True)
            os.symlink(subst(target), os.path.join(work, link))
    cache = os.path.join(root, "cache") if c.get("own_cache") else shared_cache
    return work, cache, subst


def snapshot(root):
    """(size, mtime, mode) of everything under root except the folders a command may write."""
    state = {}
    for top, dirs, files in os.walk(root):
        if top == root:
            dirs[:] = [d for d in dirs if d not in ("work", "tmp", "cache")]
        for name in dirs + files:
            p = os.path.join(top, name)
            st = os.lstat(p)
            state[os.path.relpath(p, root)] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return state


def run_case(c, tm, python_path, base, shared_cache):
    root = os.path.join(base, re.sub(r"[^A-Za-z0-9_.-]", "_", c["id"]))
    os.makedirs(root)
    work, cache, subst = populate(root, c, shared_cache)
    cmd = [subst(a.replace("{tm}", tm)) for a in c["cmd"]]
    env = dict(os.environ)
    env.update({"TRITON_METAL_CACHE_DIR": cache, "TMPDIR": os.path.join(root, "tmp"), "HOSTILE_ROOT": root,
                "TRITON_METAL_DEVICE": "emulator", "PYTHONDONTWRITEBYTECODE": "1"})
    if python_path:
        env["PYTHONPATH"] = python_path
    env.update(c.get("env", {}))
    before = snapshot(root)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=c.get("timeout", 60))
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        timed_out = True
    seconds = time.monotonic() - start
    out = out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace")
    problems = []
    if timed_out:
        problems.append(f"hang: still running after {c.get('timeout', 60)} s (killed)")
    elif proc.returncode < 0:
        problems.append(f"killed by signal {signal.Signals(-proc.returncode).name}")
    elif proc.returncode != c["exit"]:
        problems.append(f"exit code {proc.returncode}, expected {c['exit']}")
    if not timed_out and c.get("stderr") and not re.search(c["stderr"], err, re.S | re.M):
        problems.append(f"stderr does not match /{c['stderr']}/")
    if not timed_out and c.get("stdout") and not re.search(c["stdout"], out, re.S | re.M):
        problems.append(f"stdout does not match /{c['stdout']}/")
    after = snapshot(root)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if changed:
        problems.append("wrote outside the allowed folders: " + ", ".join(changed[:5]))
    for f in c.get("expect_files", []):
        if not os.path.isfile(os.path.join(work, f)):
            problems.append(f"expected file work/{f} was not written")
    return {"id": c["id"], "class": c["class"], "owner": c.get("owner", "hostile"), "ok": not problems, "problems": problems,
            "seconds": seconds, "exit": proc.returncode, "stderr": err[-600:], "stdout": out[-300:]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tm", help="the triton-metal executable")
    ap.add_argument("--python-path", default="", help="PYTHONPATH holding the triton_metal package")
    ap.add_argument("--manifest", default=os.path.join(HERE, "manifest.json"))
    ap.add_argument("--class", dest="klass", default="", help="only classes matching this regex")
    ap.add_argument("--id", default="", help="only case ids matching this regex")
    ap.add_argument("--owner", default="", help="only cases owned by these engineers (comma list)")
    ap.add_argument("--not-owner", default="", help="only cases NOT owned by these engineers (comma list)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--min-cases", type=int, default=1, help="fail when the selection holds fewer cases (guards against an empty filter)")
    ap.add_argument("--extract", nargs=2, metavar=("ID", "DIR"))
    ap.add_argument("--keep", action="store_true", help="keep the case folders")
    args = ap.parse_args()
    cases = json.load(open(args.manifest))["cases"]
    if args.extract:
        cid, d = args.extract
        c = next(c for c in cases if c["id"] == cid)
        os.makedirs(d, exist_ok=True)
        work, cache, subst = populate(os.path.abspath(d), c, os.path.join(os.path.abspath(d), "cache"))
        print(f"cd {work} && TRITON_METAL_CACHE_DIR={cache} " + " ".join(repr(subst(a)) for a in c["cmd"]))
        return 0
    sel = [c for c in cases if re.search(args.klass, c["class"]) and re.search(args.id, c["id"])]
    if args.owner:
        sel = [c for c in sel if c.get("owner", "hostile") in args.owner.split(",")]
    if args.not_owner:
        sel = [c for c in sel if c.get("owner", "hostile") not in args.not_owner.split(",")]
    if len(sel) < args.min_cases:
        print(f"run_corpus: only {len(sel)} cases selected, expected at least {args.min_cases}")
        return 1
    tm = os.path.abspath(args.tm)
    args.python_path = os.pathsep.join(os.path.abspath(p) for p in args.python_path.split(os.pathsep) if p)
    base = tempfile.mkdtemp(prefix="hostile-")
    shared_cache = os.path.join(base, "shared-cache")
    os.makedirs(shared_cache, mode=0o700)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(lambda c: run_case(c, tm, args.python_path, base, shared_cache), sel))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    failed = [r for r in results if not r["ok"]]
    for r in failed:
        print(f"FAIL {r['id']} [{r['class']}, owner {r['owner']}]: {'; '.join(r['problems'])}")
        print(f"     exit {r['exit']}, stderr: {r['stderr'].strip()[-300:]!r}")
    slow = ", ".join("%s %.1f s" % (r["id"], r["seconds"]) for r in sorted(results, key=lambda r: -r["seconds"])[:3])
    print(f"run_corpus: {len(results) - len(failed)} of {len(results)} cases passed (slowest: {slow})")
    by_owner = {}
    for r in failed:
        by_owner.setdefault(r["owner"], []).append(r["id"])
    for owner, ids in sorted(by_owner.items()):
        print(f"  failing, owner {owner}: {len(ids)}: {' '.join(ids)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
