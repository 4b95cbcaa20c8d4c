"""@jit: a Python function written in the Triton language becomes a JITFunction. ``kernel[grid](*args,
**meta)`` binds the arguments, specializes (dtypes, 16-byte aligned pointers, integers divisible by 16 or
equal to 1, constexpr values, num_warps/num_stages, target), compiles through the caches and launches."""
import inspect

from . import _args, _source
from ._grid import check_grid
from .compiler import compile_source
from .device import get_device, resolve_target
from .language.dtypes import constexpr

LAUNCH_OPTIONS = ("num_warps", "num_stages", "num_ctas", "maxnreg", "enable_fp_fusion", "device", "target")


def _is_constexpr_annotation(ann):
    if ann is constexpr or (isinstance(ann, type) and issubclass(ann, constexpr)):
        return True
    return isinstance(ann, str) and ann.split(".")[-1] == "constexpr"


class KernelInterface:
    def __getitem__(self, grid):
        return lambda *args, **kwargs: self.run(*args, grid=grid, **kwargs)


class JITFunction(KernelInterface):
    def __init__(self, fn, do_not_specialize=(), debug=None):
        self.fn = fn
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        self.__module__ = fn.__module__
        self.__qualname__ = fn.__qualname__
        self.signature = inspect.signature(fn)
        self.arg_names = list(self.signature.parameters)
        self.constexpr_names = {n for n, p in self.signature.parameters.items() if _is_constexpr_annotation(p.annotation)}
        self.do_not_specialize = {self.arg_names[d] if isinstance(d, int) else d for d in do_not_specialize}
        self._source = None
        self.last_specialization = None  # (signature, constexprs) of the latest launch, for tests and debugging

    @property
    def source(self):
        if self._source is None:
            self._source = _source.capture(self.fn)
        return self._source

    @property
    def src(self):
        return self.source.text

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"@jit function '{self.__name__}' can only be launched as {self.__name__}[grid](...) "
                           "or called from another @jit function")

    def _bind(self, args, kwargs):
        options = {k: kwargs.pop(k) for k in list(kwargs) if k in LAUNCH_OPTIONS and k not in self.arg_names}
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self.__name__}: {e}") from None
        bound.apply_defaults()
        return dict(bound.arguments), options

    def specialize(self, named):
        """(signature {name: (type, divisibility)}, constexprs {name: value}, runtime argument names)."""
        signature, constexprs, runtime = {}, {}, []
        for name in self.arg_names:
            value = named[name]
            if isinstance(value, constexpr):
                value = value.value
            if name in self.constexpr_names:
                constexprs[name] = _args.encode_constexpr(value, name, self.__name__)
                continue
            if _args.is_array(value):
                arr = _args.as_host_array(value)
                elem = _args.array_dtype(value, arr)
                ptr = arr.__array_interface__["data"][0]
                div = 1 if name in self.do_not_specialize else _args.divisibility(ptr)
                signature[name] = ("*" + elem, div)
                runtime.append(name)
                continue
            if value is None:
                raise TypeError(f"{self.__name__}: argument '{name}' is None (pass an array, a scalar, or declare "
                                "it tl.constexpr)")
            t = _args.scalar_type(value, name)
            if t.startswith(("i", "u")) and t != "i1" and name not in self.do_not_specialize and int(value) == 1:
                constexprs[name] = 1  # Triton specializes integers equal to 1 into constants
                continue
            div = 16 if t != "i1" and t.startswith(("i", "u")) and name not in self.do_not_specialize \
                and _args.divisibility(value) == 16 else 1
            signature[name] = (t, div)
            runtime.append(name)
        return signature, constexprs, runtime

    def _compile(self, named, options):
        signature, constexprs, runtime = self.specialize(named)
        self.last_specialization = (signature, constexprs)
        kernel = compile_source(self.source, signature, constexprs, target=resolve_target(options.get("target") or ""),
                                num_warps=options.get("num_warps", 4), num_stages=options.get("num_stages"))
        # The compiled kernel's runtime parameters are the non-constexpr ones, in order.
        if len(kernel.params) != len(runtime):
            raise RuntimeError(f"{self.__name__}: the compiled kernel takes {len(kernel.params)} runtime arguments "
                               f"but {len(runtime)} were specialized ({runtime})")
        for p, name in zip(kernel.params, runtime):
            p.name = name  # the emitter may only know positions (arg0, ...) when a parameter became a constant
        kernel.runtime_names = runtime
        kernel.arg_names = self.arg_names
        return kernel, runtime

    def warmup(self, *args, grid=None, **kwargs):
        """Compiles for these arguments without launching; returns the CompiledKernel (``.asm``, ``.metadata``)."""
        named, options = self._bind(args, kwargs)
        return self._compile(named, options)[0]

    def run(self, *args, grid, warmup=False, **kwargs):
        named, options = self._bind(args, kwargs)
        kernel, runtime = self._compile(named, options)
        if warmup:
            return kernel
        if callable(grid):
            meta = dict(named)
            meta.update(options)
            grid = grid(meta)
        grid = check_grid(self.__name__, grid)
        if any(g == 0 for g in grid):
            return kernel  # an empty grid launches nothing, as in Triton
        launch_args = [named[n] for n in runtime]
        launch_args = [a.value if isinstance(a, constexpr) else a for a in launch_args]
        kernel.run(grid, launch_args, device=get_device(options.get("device")))
        return kernel

    def __repr__(self):
        return f"JITFunction({self.__module__}:{self.__qualname__})"


def jit(fn=None, *, do_not_specialize=(), debug=None, noinline=None, **unused):
    """Decorator: compile `fn` (Triton language) for Apple GPUs when launched as ``fn[grid](...)``."""
    def decorator(f):
        return JITFunction(f, do_not_specialize=do_not_specialize, debug=debug)
    return decorator(fn) if fn is not None else decorator
