"""Kernel arguments: host arrays (NumPy, the buffer protocol, DLPack), their Triton signature types, and
Triton's specializations (pointers 16-byte aligned, integers divisible by 16 or equal to 1)."""
import ctypes

import numpy as np

from .language import dtypes as _dt

_NP_TO_SIG = {
    np.dtype(np.float32): "fp32", np.dtype(np.float16): "fp16", np.dtype(np.float64): "fp64",
    np.dtype(np.int8): "i8", np.dtype(np.int16): "i16", np.dtype(np.int32): "i32", np.dtype(np.int64): "i64",
    np.dtype(np.uint8): "u8", np.dtype(np.uint16): "u16", np.dtype(np.uint32): "u32", np.dtype(np.uint64): "u64",
    np.dtype(np.bool_): "i1",
}


class TensorWrapper:
    """An array whose element type is given explicitly (``triton_metal.reinterpret``): e.g. uint16 data
    read by a kernel as bfloat16, which NumPy has no type for."""

    def __init__(self, base, dtype):
        self.base = base
        self.dtype = dtype

    def __repr__(self):
        return f"TensorWrapper({self.dtype}, shape={getattr(self.base, 'shape', '?')})"


def reinterpret(array, dtype):
    """View `array` as elements of `dtype` (a tl dtype, e.g. ``tl.bfloat16``) when passed to a kernel."""
    dtype = _dt.to_dtype(dtype)
    base = as_host_array(array)
    if base.dtype.itemsize != dtype.itemsize:
        raise TypeError(f"reinterpret: elements of {base.dtype} ({base.dtype.itemsize} bytes) cannot be viewed as "
                        f"{dtype} ({dtype.itemsize} bytes)")
    return TensorWrapper(base, dtype)


def _writable_view(arr, owner):
    """A writable NumPy view of the memory of a read-only array (DLPack imports are read-only in NumPy < 2)."""
    if arr.flags.writeable or arr.size == 0:
        return arr
    lo, hi = np.byte_bounds(arr)
    raw = (ctypes.c_char * (hi - lo)).from_address(lo)
    flat = np.frombuffer(raw, dtype=np.uint8)
    view = np.lib.stride_tricks.as_strided(
        flat[arr.__array_interface__["data"][0] - lo:].view(arr.dtype), arr.shape, arr.strides)
    return view


def is_array(obj):
    if isinstance(obj, (np.ndarray, TensorWrapper)):
        return True
    if isinstance(obj, (bool, int, float, np.generic, str, bytes)) or obj is None:
        return False
    return hasattr(obj, "__dlpack__") or hasattr(obj, "__array_interface__") or hasattr(obj, "__array__") or \
        _has_buffer(obj)


def _has_buffer(obj):
    try:
        memoryview(obj)
        return True
    except TypeError:
        return False


def as_host_array(obj):
    """A NumPy array sharing the memory of `obj` (NumPy array, DLPack producer such as a torch tensor or an
    MLX array, or any buffer-protocol object)."""
    if isinstance(obj, TensorWrapper):
        return obj.base
    if isinstance(obj, np.ndarray):
        return obj
    if _is_torch_tensor(obj):
        return _torch_host_array(obj)
    if hasattr(obj, "__array_interface__") or (hasattr(obj, "__array__") and not hasattr(obj, "__dlpack__")):
        return np.asarray(obj)
    if hasattr(obj, "__dlpack__"):
        try:
            arr = np.from_dlpack(obj)
        except (TypeError, RuntimeError, BufferError) as e:
            raise TypeError(f"cannot use a {type(obj).__name__} as a kernel argument through DLPack: {e} (host "
                            "memory is needed; for bfloat16 pass triton_metal.reinterpret(x.view(int16), tl.bfloat16))") from None
        return _writable_view(arr, obj)
    try:
        return np.asarray(memoryview(obj))
    except TypeError:
        raise TypeError(f"a {type(obj).__name__} is not an array (NumPy, buffer protocol or DLPack)") from None


def _is_torch_tensor(obj):
    return type(obj).__module__.split(".")[0] == "torch" and hasattr(obj, "data_ptr") and hasattr(obj, "stride")


def _torch_host_array(t):
    """A NumPy view (no copy) of a CPU torch tensor's memory, with its strides; bfloat16 as uint16 bits."""
    import torch
    if t.device.type != "cpu":
        raise TypeError(f"a torch tensor on '{t.device}' cannot be passed to a Metal kernel here: use a CPU tensor "
                        "(torch.device('cpu'), which triton.runtime.driver.active.get_active_torch_device() returns)")
    t = t.detach()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(np.uint16)
    if str(t.dtype) in _TORCH_FP8:
        return t.view(torch.uint8).numpy()
    try:
        return t.numpy()
    except (TypeError, RuntimeError) as e:
        raise TypeError(f"a torch tensor of {t.dtype} cannot be passed to a kernel: {e}") from None


# torch's float8 dtypes and Triton's names for them (torch >= 2.1; the bytes go to the kernel unchanged).
_TORCH_FP8 = {"torch.float8_e4m3fn": "fp8e4nv", "torch.float8_e5m2": "fp8e5", "torch.float8_e4m3fnuz": "fp8e4b8",
              "torch.float8_e5m2fnuz": "fp8e5b16"}


def array_dtype(obj, arr):
    """Signature element type ('fp32', 'bf16', ...) of an array argument."""
    if isinstance(obj, TensorWrapper):
        return obj.dtype.sig
    if _is_torch_tensor(obj) and str(obj.dtype) in _TORCH_FP8:
        return _TORCH_FP8[str(obj.dtype)]
    if _is_torch_tensor(obj) and str(obj.dtype) == "torch.bfloat16":
        return "bf16"
    sig = _NP_TO_SIG.get(arr.dtype)
    if sig is None and arr.dtype.name == "bfloat16":  # ml_dtypes / MLX bfloat16
        sig = "bf16"
    if sig is None:
        raise TypeError(f"arrays of {arr.dtype} cannot be passed to a kernel (use float32/float16/int*/uint*/bool, "
                        "or triton_metal.reinterpret for bfloat16)")
    return sig


def _owner_bounds(arr):
    """(lo, hi): the memory of the object that owns the data `arr` views (following .base through views,
    np.lib.stride_tricks.as_strided and buffer-protocol owners), or None when the owner cannot tell."""
    owner = arr
    for _ in range(256):
        if isinstance(owner, np.ndarray) and owner.flags.owndata:
            break
        base = getattr(owner, "base", None)
        if base is None:
            break
        owner = base
    if isinstance(owner, np.ndarray):
        if owner is arr and not owner.flags.owndata:
            return None  # a view of memory that nothing here owns (ctypes address, DLPack import)
        return np.byte_bounds(owner)
    if type(owner).__module__.split(".")[0] == "torch" and hasattr(owner, "untyped_storage"):
        st = owner.untyped_storage()
        return st.data_ptr(), st.data_ptr() + st.nbytes()
    try:
        raw = np.frombuffer(owner, dtype=np.uint8)
    except (TypeError, ValueError, BufferError):
        return None
    return np.byte_bounds(raw)


def address_and_extent(arr, name):
    """(address of the first element, bytes from there to the end of the memory the view spans). A view whose
    strides reach outside the memory of the array it views is refused (reading it would read other memory)."""
    if arr.size == 0:
        raise ValueError(f"argument '{name}' is an empty array")
    if any(s < 0 for s in arr.strides):
        raise ValueError(f"argument '{name}' has negative strides: pass a copy (np.ascontiguousarray)")
    ptr = arr.__array_interface__["data"][0]
    lo, hi = np.byte_bounds(arr)
    owner = _owner_bounds(arr)
    if owner is not None and (lo < owner[0] or hi > owner[1]):
        raise ValueError(f"argument '{name}': the view (shape {arr.shape}, strides {arr.strides}) reaches bytes "
                         f"[{lo - owner[0]}, {hi - owner[0]}) of the {owner[1] - owner[0]}-byte array it views: it "
                         "reaches past that array's memory")
    return ptr, hi - ptr


def scalar_type(value, name):
    """Signature type of a scalar argument (Triton's rules: ints are i32 unless they need 64 bits)."""
    if isinstance(value, (bool, np.bool_)):
        return "i1"
    if isinstance(value, (int, np.integer)):
        v = int(value)
        if -2**31 <= v < 2**31:
            return "i32"
        if -2**63 <= v < 2**63:
            return "i64"
        if v < 2**64:
            return "u64"
        raise OverflowError(f"argument '{name}' = {v} does not fit in 64 bits")
    if isinstance(value, (float, np.floating)):
        return "fp32"
    raise TypeError(f"argument '{name}' must be an array, an int, a float or a bool, not {type(value).__name__}")


def divisibility(value):
    """16 when an integer (or an address) is divisible by 16, else 1."""
    return 16 if int(value) % 16 == 0 else 1


_INT_RANGES = {"i1": (0, 1), "i8": (-2**7, 2**7), "i16": (-2**15, 2**15), "i32": (-2**31, 2**31),
               "i64": (-2**63, 2**63), "u8": (0, 2**8), "u16": (0, 2**16), "u32": (0, 2**32), "u64": (0, 2**64)}


def check_constexpr_int(value, name, kernel):
    """Compile-time ints travel as 64-bit signed values: anything else is an OverflowError naming it."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        v = int(value)
        if not -2**63 <= v < 2**63:
            raise OverflowError(f"{kernel}: constexpr '{name}' = {v} does not fit in a signed 64-bit integer")
    return value


def launch_scalar(value, sig, name, kernel):
    """The value passed for a scalar parameter of signature type `sig` ('i32', 'fp32', 'u64', ...), checked
    against that type: an int out of its range is an OverflowError, a float for an integer parameter (or a
    non-number) a TypeError, each naming the kernel and the parameter. u64 values are passed as the signed
    64-bit integer with the same bits."""
    sig = sig.split(":")[0]
    if hasattr(value, "item") and not isinstance(value, (int, float, bool)):
        value = value.item()
    if sig in _INT_RANGES:
        if isinstance(value, float) or not isinstance(value, (int, bool)):
            raise TypeError(f"{kernel}: argument '{name}' is a {sig} parameter, got {type(value).__name__} {value!r}")
        lo, hi = _INT_RANGES[sig]
        v = int(value)
        if not lo <= v < hi:
            raise OverflowError(f"{kernel}: argument '{name}' = {v} is out of range for its type {sig} "
                                f"[{lo}, {hi - 1}]")
        return v - 2**64 if sig == "u64" and v >= 2**63 else v
    if sig in ("fp32", "fp16", "bf16", "fp64"):
        if not isinstance(value, (int, float, bool)):
            raise TypeError(f"{kernel}: argument '{name}' is a {sig} parameter, got {type(value).__name__} {value!r}")
        return float(value)
    return value


def _literal(value, name, kernel):
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return repr(int(check_constexpr_int(value, name, kernel)))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (tuple, list)):
        items = [_literal(v, name, kernel) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    raise TypeError(f"{kernel}: constexpr '{name}' = {value!r}: tuples may hold ints, floats, bools, strings and None")


def encode_constexpr(value, name, kernel):
    """A constexpr for the C++ API: ints (64-bit checked), floats, bools, strings and dtypes as they are;
    None and tuples as '@py:<Python literal>', which the front end parses back (Triton allows both)."""
    if hasattr(value, "sig"):
        return value.sig
    if value is None or isinstance(value, (tuple, list)):
        return "@py:" + _literal(value, name, kernel)
    return check_constexpr_int(value, name, kernel)
