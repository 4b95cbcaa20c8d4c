"""triton_metal.language (``import triton_metal.language as tl``): Triton's dtypes, tl.constexpr, and the
kernel-only functions (tl.load, tl.dot, ...) that the compiler translates inside @jit kernels."""
from . import math
from ._builtins import CORE as _CORE, KernelOnlyError, _kernel_only, range, static_range
from .dtypes import (ALL as _ALL, bfloat16, constexpr, dtype, float8e4b8, float8e4b15, float8e4nv, float8e5, float8e5b16,
                     float16, float32, float64, int1, int8, int16, int32, int64, to_dtype, uint8, uint16, uint32, uint64)

for _name in _CORE:
    globals()[_name] = _kernel_only(f"triton_metal.language.{_name}")
del _name

libdevice = math
pointer_type = dtype
block_type = dtype

__all__ = ["constexpr", "dtype", "math", "range", "static_range", "KernelOnlyError"] + [d.name for d in _ALL] + _CORE
