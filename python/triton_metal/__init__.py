"""triton_metal: Triton kernels on Apple GPUs (and on the Metal emulator elsewhere).

    import triton_metal as triton
    import triton_metal.language as tl

``@triton.jit`` kernels are compiled by the C++ compiler (Triton language -> tile IR -> GPU IR -> Metal
Shading Language) and launched with ``kernel[grid](*args, **meta)`` on the default device: Metal on macOS,
the Metal emulator elsewhere (TRITON_METAL_DEVICE, TRITON_METAL_TARGET choose). See docs/python.md."""
import os

from . import _C, language, testing
from ._addressable import addressable
from ._args import TensorWrapper, reinterpret
from ._cache import clear_memory as clear_memory_cache, compiler_version, stats as cache_stats
from .autotuner import Autotuner, Config, Heuristics, autotune, heuristics
from .compiler import CompiledKernel, compile
from .device import default_device_name, default_target, get_device
from .errors import CompilationError, DeviceError, OutOfResources
from .jit import JITFunction, KernelInterface, jit
from . import runtime
from ._install import install

__version__ = _C.__version__


def cdiv(x, y):
    """Ceiling division of integers."""
    return (x + y - 1) // y


def next_power_of_2(n):
    """Smallest power of two >= n (1 for n <= 1)."""
    n = int(n)
    return 1 if n <= 1 else 1 << (n - 1).bit_length()


def predict(target, ops, bytes_read, bytes_written, kind="elementwise"):
    """Roofline prediction (seconds, bound, ...) of a workload on a target, from the hardware model."""
    return _C.predict(target or "", ops, bytes_read, bytes_written, kind)


def targets():
    """Names of every modelled Apple GPU."""
    return list(_C.target_names())


if os.environ.get("TRITON_METAL_AS_TRITON", "").strip().lower() in ("1", "true", "yes", "on"):
    install()

__all__ = ["install", "addressable", "runtime", "jit", "autotune", "heuristics", "Config", "cdiv", "next_power_of_2", "language", "testing", "compile",
           "CompilationError", "DeviceError", "OutOfResources", "reinterpret", "TensorWrapper", "get_device",
           "default_target", "default_device_name", "predict", "targets", "cache_stats", "compiler_version",
           "clear_memory_cache", "JITFunction", "Autotuner", "Heuristics", "CompiledKernel", "KernelInterface"]
