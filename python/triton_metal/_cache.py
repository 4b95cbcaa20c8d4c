"""Compiled-kernel caches: in memory (per process) and on disk (TRITON_METAL_CACHE_DIR/kernels, else
~/.cache/triton-metal/kernels), keyed by a hash of the source, the specialization, the target, the launch
options and the compiler version. Disk entries are written to a temporary file and renamed into place,
so concurrent processes never see a partial entry. ``stats`` counts compilations and hits."""
import hashlib
import json
import os
import tempfile

from . import _C

stats = {"compilations": 0, "memory_hits": 0, "disk_hits": 0}
_memory = {}
_FIELDS = ["name", "target", "msl_version", "msl", "metadata_json", "tile_ir_raw", "tile_ir", "gpu_ir", "num_warps",
           "threads_per_threadgroup", "threadgroup_memory_bytes", "bf16_mode", "specialization_key"]
_PARAM_FIELDS = ["name", "buffer_index", "pointer", "dtype", "role"]
_compiler_version = None


def compiler_version():
    """Package version plus a hash of the compiled extension: a rebuilt compiler invalidates the cache."""
    global _compiler_version
    if _compiler_version is None:
        h = hashlib.sha256(_C.__version__.encode())
        with open(_C.__file__, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _compiler_version = f"{_C.__version__}-{h.hexdigest()[:16]}"
    return _compiler_version


def cache_dir():
    base = os.environ.get("TRITON_METAL_CACHE_DIR")
    if base:
        return os.path.join(base, "kernels")
    return os.path.join(os.path.expanduser("~"), ".cache", "triton-metal", "kernels")


def make_key(*parts):
    h = hashlib.sha256()
    h.update(compiler_version().encode())
    for p in parts:
        h.update(b"\0")
        h.update(str(p).encode())
    return h.hexdigest()


def _to_json(k):
    d = {f: getattr(k, f) for f in _FIELDS}
    d["params"] = [{f: getattr(p, f) for f in _PARAM_FIELDS} for p in k.params]
    return d


def _from_json(d):
    k = _C.CompiledKernel()
    for f in _FIELDS:
        setattr(k, f, d[f])
    params = []
    for pd in d["params"]:
        p = _C.KernelParam()
        for f in _PARAM_FIELDS:
            setattr(p, f, pd[f])
        params.append(p)
    k.params = params
    return k


def lookup(key):
    k = _memory.get(key)
    if k is not None:
        stats["memory_hits"] += 1
        return k
    path = os.path.join(cache_dir(), key + ".json")
    try:
        with open(path) as f:
            k = _from_json(json.load(f))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    stats["disk_hits"] += 1
    _memory[key] = k
    return k


def store(key, kernel):
    _memory[key] = kernel
    d = cache_dir()
    try:
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=key[:16], suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump(_to_json(kernel), f)
        os.replace(tmp, os.path.join(d, key + ".json"))  # atomic
    except OSError:
        pass  # an unwritable cache only costs recompilation


def clear_memory():
    """Forgets the in-memory cache (the disk cache stays): the next lookups go to disk."""
    _memory.clear()
