"""A NumPy stand-in for the subset of `triton` / `triton.language` the graph kernel templates use.

It runs a @triton.jit function once per program id with NumPy arrays for blocks and (buffer, offsets)
pairs for pointers, so the templates' index arithmetic, masks and math can be checked against a float64
reference before the real compiler exists. It is a test helper, not a Triton implementation: no
parallelism, no layouts, float32 blocks.
"""
import itertools
import math
import sys
import types

import numpy as np


class Block(np.ndarray):
    def to(self, dt):
        return np.asarray(self).astype(getattr(dt, "np", dt)).view(Block)


def block(x, dtype=None):
    return np.asarray(x, dtype=dtype).view(Block)


class DType:
    def __init__(self, np_dtype):
        self.np = np.dtype(np_dtype)


float32, float16, bfloat16 = DType(np.float32), DType(np.float16), DType(np.float32)
int1, int8, uint8, int32, int64 = DType(np.bool_), DType(np.int8), DType(np.uint8), DType(np.int32), DType(np.int64)


class Pointer:
    def __init__(self, buf, off=0):
        self.buf, self.off = buf, off

    def __add__(self, delta):
        return Pointer(self.buf, np.asarray(self.off) + np.asarray(delta))

    __radd__ = __add__

    @property
    def dtype(self):
        return types.SimpleNamespace(element_ty=DType(self.buf.dtype))


_program = [0, 0, 0]


def program_id(axis):
    return _program[axis]


def arange(start, end):
    return block(np.arange(start, end))


def zeros(shape, dtype):
    return block(np.zeros(shape, dtype=dtype.np))


def full(shape, value, dtype):
    return block(np.full(shape, value, dtype=dtype.np))


def load(ptr, mask=None, other=0.0):
    off = np.asarray(ptr.off)
    ok = np.ones(off.shape, bool) if mask is None else np.broadcast_to(np.asarray(mask), np.broadcast(off, np.asarray(mask)).shape)
    off = np.broadcast_to(off, ok.shape)
    safe = np.where(ok, off, 0)
    if ok.any():
        assert off[ok].min() >= 0 and off[ok].max() < ptr.buf.size, "out-of-bounds load"
    return block(np.where(ok, ptr.buf[safe], other).astype(ptr.buf.dtype if np.isfinite(other) else np.float32))


def store(ptr, value, mask=None):
    off = np.asarray(ptr.off)
    shape = np.broadcast(off, np.asarray(value), np.asarray(True if mask is None else mask)).shape
    off = np.broadcast_to(off, shape)
    ok = np.broadcast_to(np.asarray(True if mask is None else mask), shape)
    val = np.broadcast_to(np.asarray(value), shape)
    if ok.any():
        assert off[ok].min() >= 0 and off[ok].max() < ptr.buf.size, "out-of-bounds store"
    ptr.buf[off[ok]] = val[ok]


def where(c, a, b):
    return block(np.where(c, a, b))


def _f(fn):
    return lambda *a: block(fn(*[np.asarray(x) for x in a]))


maximum, minimum, exp, log, sqrt, cos, sin, abs = map(_f, (np.maximum, np.minimum, np.exp, np.log, np.sqrt, np.cos, np.sin, np.abs))
rsqrt = _f(lambda x: 1.0 / np.sqrt(x))
sigmoid = _f(lambda x: 1.0 / (1.0 + np.exp(-x)))
erf = _f(np.vectorize(math.erf, otypes=[np.float64]))
dot = _f(lambda a, b: a.astype(np.float32) @ b.astype(np.float32))
trans = _f(lambda x: x.T)
sum = lambda x, axis=None: block(np.sum(np.asarray(x), axis=axis))  # noqa: A001
max = lambda x, axis=None: block(np.max(np.asarray(x), axis=axis))  # noqa: A001
cdiv = lambda a, b: (a + b - 1) // b


class constexpr:  # annotation only
    pass


def jit(fn):
    return fn


def launch(kernel, grid, *args):
    """Runs kernel(*args) once for every program id of the grid."""
    grid = tuple(grid) + (1,) * (3 - len(grid))
    for pid in itertools.product(*(range(g) for g in grid)):
        _program[:] = pid
        kernel(*args)


def install():
    """Makes `import triton` / `import triton.language as tl` resolve to this module."""
    me = sys.modules[__name__]
    triton = types.ModuleType("triton")
    triton.jit = jit
    triton.cdiv = cdiv
    triton.language = me
    sys.modules["triton"] = triton
    sys.modules["triton.language"] = me
