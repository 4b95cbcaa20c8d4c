"""triton_metal.compile and the CompiledKernel wrapper with Triton's ``asm`` dict (msl, tile-ir-raw,
tile-ir, gpu-ir, json) and ``metadata``. Compiles through the C++ API (tmetal::compile), using the caches."""
import json
import re

from . import _C, _cache
from .device import get_device, resolve_target
from .errors import CompilationError, OutOfResources


# The compiler's words for a kernel that does not fit the target (threadgroup memory, threads): Triton's
# OutOfResources, which the autotuner prunes.
_OUT_OF_RESOURCES = re.compile(r"bytes of threadgroup memory|threadgroup memory.*limit|threads per threadgroup|"
                               r"more threads than")


class _Metadata(dict):
    """The kernel's JSON metadata; keys also read as attributes (Triton's ``kernel.metadata.shared``)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class CompiledKernel:
    """A kernel compiled for one specialization and target; ``kernel[grid](*args)`` launches it."""

    def __init__(self, ck, source=None):
        self._ck = ck
        self.name = ck.name
        self.target = ck.target
        self.metadata = _Metadata(json.loads(ck.metadata_json) if ck.metadata_json else {})
        self.asm = {"msl": ck.msl, "tile-ir-raw": ck.tile_ir_raw, "tile-ir": ck.tile_ir, "gpu-ir": ck.gpu_ir,
                    "json": ck.metadata_json}
        self.asm["ttir"], self.asm["ttgir"] = self.asm["tile-ir"], self.asm["gpu-ir"]  # Triton's names
        self.params = list(ck.params)
        self.num_warps = ck.num_warps
        self.threads_per_threadgroup = ck.threads_per_threadgroup
        self.shared = ck.threadgroup_memory_bytes
        self._source = source
        self.signature_types = {}
        # Triton's host code divides by metadata.shared (tutorial 02's occupancy), so it is never 0 here.
        self.metadata.setdefault("shared", max(1, ck.threadgroup_memory_bytes))
        self.metadata.setdefault("num_warps", ck.num_warps)
        self.metadata.setdefault("name", ck.name)
        self.n_regs = 0  # Apple GPUs do not report registers; see runtime/driver.py
        self.n_spills = 0
        self.arg_names = None     # every parameter of the @jit function (set by JITFunction)
        self.runtime_names = None

    def _init_handles(self):
        """Triton loads the binary here; the emulator loads it at the first launch (kept for host code)."""
        from .runtime.driver import REGISTERS_PER_THREAD
        self.n_regs = REGISTERS_PER_THREAD

    _TILE_TO_SIG = {"f32": "fp32", "f16": "fp16", "bf16": "bf16", "f64": "fp64"}

    def _sig_type(self, p):
        """Signature type of parameter `p` ('*fp32', 'u32', ...): as specialized when known, else from the
        tile-IR type (signless: i32 stands for i32 and u32)."""
        t = getattr(self, "signature_types", {}).get(p.name)
        if t is None:
            t = self._TILE_TO_SIG.get(p.dtype, p.dtype)
            t = ("*" + t) if p.pointer else t
        return t.split(":")[0]

    def __getitem__(self, grid):
        def launch(*args, device=None):
            # Triton's host code passes every argument of the @jit function (constexprs included): keep the
            # runtime ones.
            if self.arg_names and len(args) == len(self.arg_names) and len(args) != len(self.params):
                named = dict(zip(self.arg_names, args))
                args = [named[n] for n in self.runtime_names]
            return self.run(grid, args, device)
        return launch

    def run(self, grid, args, device=None):
        """Launches over `grid` with `args` = the runtime arguments (kernel.params order): arrays as NumPy
        arrays (written in place) and scalars."""
        from ._args import address_and_extent, array_dtype, as_host_array, is_array, launch_scalar
        from ._grid import check_grid
        from .metal import route, timing  # MLX arrays / torch mps tensors; GPU times (python/triton_metal/metal)
        if (routed := route(self, grid, args)) is not NotImplemented:
            return routed
        dev = get_device(device) if not hasattr(device, "kind") else device
        grid = check_grid(f"kernel '{self.name}'", grid)
        if len(args) != len(self.params):
            raise TypeError(f"kernel '{self.name}' takes {len(self.params)} runtime arguments "
                            f"({', '.join(p.name for p in self.params)}), got {len(args)}")
        conv, keep = [], []
        for p, a in zip(self.params, args):
            if p.pointer:
                if not is_array(a):
                    raise TypeError(f"kernel '{self.name}': argument '{p.name}' is a pointer ({p.dtype}), got "
                                    f"{type(a).__name__} {a!r}")
                arr = as_host_array(a)
                elem, want = array_dtype(a, arr), self._sig_type(p).lstrip("*")
                if elem != want:
                    raise TypeError(f"kernel '{self.name}': argument '{p.name}' is *{want}, got an array of {elem}")
                if p.role in ("output", "inout") and not arr.flags.writeable:
                    raise ValueError(f"kernel '{self.name}' writes argument '{p.name}', but the array is read-only")
                keep.append(arr)
                conv.append(address_and_extent(arr, p.name))
            else:
                conv.append(launch_scalar(a, self._sig_type(p), p.name, f"kernel '{self.name}'"))
        if any(g == 0 for g in grid):
            return None
        grid = grid + (1,) * (3 - len(grid))
        addressable = []
        if getattr(self._ck, "address_map_buffer", -1) >= 0:
            # The kernel makes pointers from integers (data_ptr values): the memory they may point into.
            from ._addressable import live_ranges
            for lo, n, owners in live_ranges():
                keep.append(owners)
                addressable.append((lo, n))
        try:
            return timing.record(_C.launch(self._ck, dev, grid, conv, addressable))
        except _C.DeviceError as e:
            from .errors import DeviceError
            raise DeviceError(str(e)) from None
        except _C.InterpreterError as e:
            from .errors import DeviceError
            raise DeviceError(str(e)) from None


def compile_source(ks, signature, constexprs, target="", num_warps=4, num_stages=None):
    """Compiles kernel source `ks` (a _source.KernelSource) with the caches. signature {name: (type, div)}."""
    target = resolve_target(target)
    if isinstance(num_warps, bool) or not isinstance(num_warps, int) or num_warps not in (1, 2, 4, 8, 16, 32):
        raise ValueError(f"kernel '{ks.name}': num_warps must be a power of two from 1 to 32 (simdgroups per "
                         f"threadgroup), got {num_warps!r}")
    # Triton's num_stages: software-pipelining depth of dot K loops (1 or 0: none; None: the target's default).
    if num_stages is not None and (isinstance(num_stages, bool) or not isinstance(num_stages, int) or not 0 <= num_stages <= 8):
        raise ValueError(f"kernel '{ks.name}': num_stages must be an int from 0 to 8, got {num_stages!r}")
    stages = 0 if num_stages is None else max(1, num_stages)
    try:
        spec_key = _C.specialization_key(signature, constexprs)
    except ValueError as e:
        raise CompilationError(f"{ks.filename}: error: kernel '{ks.name}': {e}") from None
    key = _cache.make_key(ks.text, ks.filename, ks.name, spec_key, target, num_warps, num_stages)
    ck = _cache.lookup(key)
    if ck is None:
        _cache.stats["compilations"] += 1
        try:
            ck = _C.compile(ks.text, ks.filename, ks.name, signature, constexprs, target, num_warps, stages)
        except _C.CompileFailure as e:
            msg = ks.fix_columns(str(e))
            cls = OutOfResources if _OUT_OF_RESOURCES.search(msg) else CompilationError
            raise cls(msg) from None
        except _C.UnknownTargetError as e:
            raise ValueError(str(e)) from None
        _cache.store(key, ck)
    kernel = CompiledKernel(ck, ks)
    kernel.signature_types = {n: t for n, (t, _) in signature.items()}  # Triton spellings, signedness kept
    return kernel


def compile(fn, signature=None, constexprs=None, target=None, num_warps=4, num_stages=None):
    """Compiles a @jit function ahead of time (Triton's ``triton.compile``). `signature` is a dict
    {name: type} (types '*fp32', '*fp16:16', 'i32', 'i32:16') or Triton's text 'x=*fp32:16, n=i32';
    `constexprs` a dict {name: value}. Returns a CompiledKernel with ``asm`` and ``metadata``."""
    # Duck-typed (a @jit function has the captured `source`), so compiler.py need not import jit.py.
    if not hasattr(fn, "source") or not hasattr(fn, "arg_names"):
        raise TypeError("triton_metal.compile expects a @triton_metal.jit function")
    sig = {}
    if isinstance(signature, str):
        items = [s.split("=", 1) for s in signature.split(",") if s.strip()]
    else:
        items = list((signature or {}).items())
    for name, t in items:
        name, t = name.strip(), str(t).strip()
        div = 1
        if t.endswith(":16"):
            t, div = t[:-3], 16
        sig[name] = (t, div)
    from ._args import encode_constexpr
    consts = {k: encode_constexpr(v, k, fn.__name__) for k, v in (constexprs or {}).items()}
    return compile_source(fn.source, sig, consts, target or "", num_warps, num_stages)
