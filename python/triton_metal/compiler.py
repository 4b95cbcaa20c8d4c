"""triton_metal.compile and the CompiledKernel wrapper with Triton's ``asm`` dict (msl, tile-ir-raw,
tile-ir, gpu-ir, json) and ``metadata``. Compiles through the C++ API (tmetal::compile), using the caches."""
import json

from . import _C, _cache
from .device import get_device, resolve_target
from .errors import CompilationError, OutOfResources


class CompiledKernel:
    """A kernel compiled for one specialization and target; ``kernel[grid](*args)`` launches it."""

    def __init__(self, ck, source=None):
        self._ck = ck
        self.name = ck.name
        self.target = ck.target
        self.metadata = json.loads(ck.metadata_json) if ck.metadata_json else {}
        self.asm = {"msl": ck.msl, "tile-ir-raw": ck.tile_ir_raw, "tile-ir": ck.tile_ir, "gpu-ir": ck.gpu_ir,
                    "json": ck.metadata_json}
        self.asm["ttir"], self.asm["ttgir"] = self.asm["tile-ir"], self.asm["gpu-ir"]  # Triton's names
        self.params = list(ck.params)
        self.num_warps = ck.num_warps
        self.threads_per_threadgroup = ck.threads_per_threadgroup
        self.shared = ck.threadgroup_memory_bytes
        self._source = source

    def __getitem__(self, grid):
        return lambda *args, device=None: self.run(grid, args, device)

    def run(self, grid, args, device=None):
        """Launches over `grid` with `args` = the runtime arguments (kernel.params order): arrays as NumPy
        arrays (written in place) and scalars."""
        from ._args import address_and_extent, as_host_array
        from .metal import route, timing  # MLX arrays / torch mps tensors; GPU times (python/triton_metal/metal)
        if (routed := route(self, grid, args)) is not NotImplemented:
            return routed
        dev = get_device(device) if not hasattr(device, "kind") else device
        conv, keep = [], []
        for p, a in zip(self.params, args):
            if p.pointer:
                arr = as_host_array(a)
                if p.role in ("output", "inout") and not arr.flags.writeable:
                    raise ValueError(f"kernel '{self.name}' writes argument '{p.name}', but the array is read-only")
                keep.append(arr)
                conv.append(address_and_extent(arr, p.name))
            else:
                conv.append(a.item() if hasattr(a, "item") else a)
        grid = tuple(int(g) for g in grid) + (1,) * (3 - len(grid))
        try:
            return timing.record(_C.launch(self._ck, dev, grid, conv))
        except _C.DeviceError as e:
            from .errors import DeviceError
            raise DeviceError(str(e)) from None
        except _C.InterpreterError as e:
            from .errors import DeviceError
            raise DeviceError(str(e)) from None


def compile_source(ks, signature, constexprs, target="", num_warps=4, num_stages=None):
    """Compiles kernel source `ks` (a _source.KernelSource) with the caches. signature {name: (type, div)}."""
    target = resolve_target(target)
    try:
        spec_key = _C.specialization_key(signature, constexprs)
    except ValueError as e:
        raise CompilationError(f"{ks.filename}: error: kernel '{ks.name}': {e}") from None
    key = _cache.make_key(ks.text, ks.filename, ks.name, spec_key, target, num_warps, num_stages)
    ck = _cache.lookup(key)
    if ck is None:
        _cache.stats["compilations"] += 1
        try:
            ck = _C.compile(ks.text, ks.filename, ks.name, signature, constexprs, target, num_warps)
        except _C.CompileFailure as e:
            msg = ks.fix_columns(str(e))
            cls = OutOfResources if "threadgroup memory" in msg and "limit" in msg else CompilationError
            raise cls(msg) from None
        except _C.UnknownTargetError as e:
            raise ValueError(str(e)) from None
        _cache.store(key, ck)
    return CompiledKernel(ck, ks)


def compile(fn, signature=None, constexprs=None, target=None, num_warps=4, num_stages=None):
    """Compiles a @jit function ahead of time (Triton's ``triton.compile``). `signature` is a dict
    {name: type} (types '*fp32', '*fp16:16', 'i32', 'i32:16') or Triton's text 'x=*fp32:16, n=i32';
    `constexprs` a dict {name: value}. Returns a CompiledKernel with ``asm`` and ``metadata``."""
    from .jit import JITFunction
    if not isinstance(fn, JITFunction):
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
    consts = {k: (v.sig if hasattr(v, "sig") else v) for k, v in (constexprs or {}).items()}
    return compile_source(fn.source, sig, consts, target or "", num_warps, num_stages)
