"""Element types of triton_metal.language (tl.float32, tl.float16, tl.bfloat16, tl.int32, ...) and
tl.constexpr, with their NumPy and signature spellings."""
import numpy as np


class dtype:
    """A Triton element type. ``sig`` is its signature spelling (fp32, bf16, i32, ...)."""

    def __init__(self, name, sig, itemsize, np_dtype):
        self.name = name
        self.sig = sig
        self.itemsize = itemsize
        self.np_dtype = np_dtype  # None for bfloat16 and the fp8 types (NumPy has none)

    def is_floating(self):
        return self.sig.startswith(("fp", "bf"))

    def is_int(self):
        return not self.is_floating()

    def to_numpy(self):
        if self.np_dtype is None:
            raise TypeError(f"NumPy has no {self.name} type")
        return np.dtype(self.np_dtype)

    def __repr__(self):
        return f"triton_metal.language.{self.name}"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, dtype) and other.sig == self.sig

    def __hash__(self):
        return hash(self.sig)


int1 = dtype("int1", "i1", 1, np.bool_)
int8 = dtype("int8", "i8", 1, np.int8)
int16 = dtype("int16", "i16", 2, np.int16)
int32 = dtype("int32", "i32", 4, np.int32)
int64 = dtype("int64", "i64", 8, np.int64)
uint8 = dtype("uint8", "u8", 1, np.uint8)
uint16 = dtype("uint16", "u16", 2, np.uint16)
uint32 = dtype("uint32", "u32", 4, np.uint32)
uint64 = dtype("uint64", "u64", 8, np.uint64)
float16 = dtype("float16", "fp16", 2, np.float16)
bfloat16 = dtype("bfloat16", "bf16", 2, None)
float32 = dtype("float32", "fp32", 4, np.float32)
float64 = dtype("float64", "fp64", 8, np.float64)
# fp8: bytes on the device, converted in software (Apple GPUs have no fp8); pass NumPy uint8 arrays through
# triton_metal.reinterpret(a, tl.float8e4nv), or torch float8 tensors.
float8e4nv = dtype("float8e4nv", "fp8e4nv", 1, None)
float8e5 = dtype("float8e5", "fp8e5", 1, None)
float8e4b15 = dtype("float8e4b15", "fp8e4b15", 1, None)
float8e4b8 = dtype("float8e4b8", "fp8e4b8", 1, None)
float8e5b16 = dtype("float8e5b16", "fp8e5b16", 1, None)
FP8 = [float8e4nv, float8e5, float8e4b15, float8e4b8, float8e5b16]
ALL = [int1, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, bfloat16, float32, float64] + FP8
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update({d.sig: d for d in ALL})
_BY_NAME.update({"bool": int1, "half": float16, "float": float32, "bf16": bfloat16})


def to_dtype(x):
    """A tl dtype from a tl dtype, a name ('fp16', 'float16', 'bf16') or a NumPy dtype."""
    if isinstance(x, dtype):
        return x
    if isinstance(x, str) and x in _BY_NAME:
        return _BY_NAME[x]
    try:
        npd = np.dtype(x)
    except TypeError:
        npd = None
    if npd is not None:
        for d in ALL:
            if d.np_dtype is not None and np.dtype(d.np_dtype) == npd:
                return d
    raise TypeError(f"{x!r} is not a Triton dtype")


class constexpr:
    """Marks a kernel parameter as a compile-time constant (``BLOCK: tl.constexpr``), or wraps a
    module-level constant (``GROUP = tl.constexpr(8)``) that kernels may read."""

    def __init__(self, value=None):
        self.value = value.value if isinstance(value, constexpr) else value

    def __repr__(self):
        return f"constexpr[{self.value!r}]"

    def __index__(self):
        return int(self.value)

    def __int__(self):
        return int(self.value)

    def __float__(self):
        return float(self.value)

    def __bool__(self):
        return bool(self.value)

    def __eq__(self, other):
        return self.value == (other.value if isinstance(other, constexpr) else other)

    def __hash__(self):
        return hash(self.value)
