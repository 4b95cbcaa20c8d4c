"""tl.device_print on the interpreter device (TRITON_METAL_DEVICE=interpreter): each value printed as Triton's
interpreter prints it (triton/runtime/interpreter.py, create_print), one line per value:
`(pid0, pid1, pid2) PREFIX VALUES`, VALUES the tensor as NumPy prints it (a scalar as a 1-element array, as
the interpreter holds scalars), `hex=True` with NumPy's formatter `0x{x:02x}`. Called by the C++ interpreter
(python/src/bind_launch.cpp) for each print a program executes, in program order.
"""
import numpy as np

_DTYPES = {"i1": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
           "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
           "f16": np.float16, "bf16": np.float32, "f32": np.float32}  # NumPy has no bfloat16


def _array(dtype, shape, data):
    np_dtype = _DTYPES.get(dtype, np.float64)
    if np.issubdtype(np_dtype, np.integer):
        # The interpreter holds integers as doubles of their signed value: wrap them to the dtype.
        bits = np.dtype(np_dtype).itemsize * 8
        a = np.array([int(x) % (1 << bits) for x in data], dtype=np.uint64).astype(np_dtype)
    else:
        a = np.array(data, dtype=np.float64).astype(np_dtype)
    return a.reshape(tuple(shape) if shape else (1,))


def emit_static(text):
    """tl.static_print lines of the kernel, printed at every launch as Triton's interpreter (which runs the
    kernel's Python each time) prints them."""
    print(text, end="")


def emit(pid, prefix, hex, values):
    msg = f"({pid[0]}, {pid[1]}, {pid[2]})"
    if prefix:
        msg += f" {prefix}"
    for dtype, shape, data in values:
        a = _array(dtype, shape, data)
        if hex and np.issubdtype(a.dtype, np.floating):
            # Triton's GPU print shows a float's bits in hex; NumPy's 'x' format refuses floats.
            a = a.view({2: np.uint16, 4: np.uint32, 8: np.uint64}[a.dtype.itemsize])
        if hex:
            text = np.array2string(a, formatter={"all": lambda x: f"0x{int(x):02x}"})
        else:
            text = str(a)
        print(msg + f" {text}")
