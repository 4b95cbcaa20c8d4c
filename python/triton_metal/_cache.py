"""Compiled-kernel caches: in memory (per process) and on disk (TRITON_METAL_CACHE_DIR/kernels, else
~/.cache/triton-metal/kernels), keyed by a hash of the source, the specialization, the target, the launch
options and the compiler version. Disk entries are written to a temporary file and renamed into place,
so concurrent processes never see a partial entry. ``stats`` counts compilations and hits.

Trust (docs/security.md): a cached entry holds MSL that is compiled and run, so the cache folder must be
owned by this user and writable by nobody else (else a private folder under the temporary directory is
used, with a warning); each entry stores its key and a SHA-256 of its content, and an entry whose file is
owned by someone else, writable by others, or whose content does not match (an edited ``msl`` field) is
deleted and rebuilt. Temporaries left by killed processes are removed."""
import hashlib
import json
import os
import stat
import tempfile
import time
import warnings

from . import _C

stats = {"compilations": 0, "memory_hits": 0, "disk_hits": 0, "rejected": 0}
_memory = {}
_FIELDS = ["name", "target", "msl_version", "msl", "metadata_json", "tile_ir_raw", "tile_ir", "gpu_ir", "num_warps",
           "threads_per_threadgroup", "threadgroup_memory_bytes", "bf16_mode", "specialization_key", "address_map_buffer"]
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


def _wanted_dir():
    base = os.environ.get("TRITON_METAL_CACHE_DIR")
    if base:
        return os.path.join(base, "kernels")
    return os.path.join(os.path.expanduser("~"), ".cache", "triton-metal", "kernels")


def untrusted_reason(path):
    """Why ``path`` may not be trusted as a cache folder or file (None when it may)."""
    try:
        st = os.stat(path)
    except OSError as e:
        return f"cannot stat it: {e.strerror}"
    if st.st_uid != os.geteuid():
        return f"it is owned by user id {st.st_uid}, not by this user ({os.geteuid()})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"it is writable by other users (mode {stat.S_IMODE(st.st_mode):04o})"
    return None


def _prepare(path):
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError as e:
        return f"cannot create it: {e.strerror}"
    if not os.path.isdir(path):
        return "it is not a folder"
    return untrusted_reason(path)


_checked = {}
_swept = set()


def cache_dir():
    """The cache folder: the configured one when it is safe, else a private fallback (warned once)."""
    wanted = _wanted_dir()
    d = _checked.get(wanted)
    if d is None:
        why = _prepare(wanted)
        d = wanted
        if why is not None:
            base = os.path.join(tempfile.gettempdir(), f"triton-metal-{os.geteuid()}")
            d = os.path.join(base, "kernels")
            if _prepare(base) is not None or _prepare(d) is not None:
                d = tempfile.mkdtemp(prefix="triton-metal-")  # the predictable name is taken: this process only
            warnings.warn(f"triton_metal: not using the cache folder {wanted} ({why}); using the private folder {d} instead",
                          RuntimeWarning, stacklevel=3)
        _checked[wanted] = d
    if d not in _swept:
        _swept.add(d)
        _remove_stale_temporaries(d)
    return d


def _remove_stale_temporaries(d):
    """Removes ``<key16>.<pid>.*.tmp`` files whose process is gone (or older than a day)."""
    try:
        names = os.listdir(d)
    except OSError:
        return
    now = time.time()
    for name in names:
        if not name.endswith(".tmp"):
            continue
        parts = name.split(".")
        path = os.path.join(d, name)
        dead = False
        if len(parts) >= 3 and parts[1].isdigit():
            try:
                os.kill(int(parts[1]), 0)
            except ProcessLookupError:
                dead = True
            except OSError:
                pass
        try:
            old = now - os.stat(path).st_mtime > 86400
            if dead or old:
                os.remove(path)
        except OSError:
            pass


def _content_hash(d):
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()


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


def _reject(path, why):
    stats["rejected"] += 1
    warnings.warn(f"triton_metal: rebuilding the cached kernel {path}: {why}", RuntimeWarning, stacklevel=3)
    try:
        os.remove(path)
    except OSError:
        pass


def lookup(key):
    k = _memory.get(key)
    if k is not None:
        stats["memory_hits"] += 1
        return k
    path = os.path.join(cache_dir(), key + ".json")
    if not os.path.lexists(path):
        return None
    if os.path.islink(path) or not os.path.isfile(path):
        _reject(path, "it is not a regular file")
        return None
    why = untrusted_reason(path)
    if why is not None:
        _reject(path, why)
        return None
    try:
        with open(path) as f:
            entry = json.load(f)
        if not isinstance(entry, dict) or entry.get("key") != key:
            raise ValueError("it belongs to another key")
        if entry.get("sha256") != _content_hash(entry.get("kernel")):
            raise ValueError("its content does not match its checksum (corrupted or edited)")
        k = _from_json(entry["kernel"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        _reject(path, str(e) or type(e).__name__)
        return None
    stats["disk_hits"] += 1
    _memory[key] = k
    return k


def store(key, kernel):
    _memory[key] = kernel
    d = cache_dir()
    try:
        data = _to_json(kernel)
        entry = {"key": key, "sha256": _content_hash(data), "kernel": data}
        fd, tmp = tempfile.mkstemp(dir=d, prefix=f"{key[:16]}.{os.getpid()}.", suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump(entry, f)
        os.replace(tmp, os.path.join(d, key + ".json"))  # atomic
    except OSError:
        pass  # an unwritable cache only costs recompilation


def clear_memory():
    """Forgets the in-memory cache (the disk cache stays): the next lookups go to disk."""
    _memory.clear()
