"""Memory a kernel may reach by address: the host side of `x.to(tl.pointer_type(...))` on an integer.

Triton programs such as tutorial 08 (grouped GEMM) store tensors' `data_ptr()` values in an int64 tensor and
the kernel turns them back into pointers; the tensors themselves are passed nowhere. Before launching a kernel
that makes pointers from integers, the launcher therefore collects every memory range such an address may
point into, and the device makes them resident for the launch (Metal: useResource; the emulator bounds-checks
every access against them) and translates the addresses through the launch's address map:

* every live CPU torch tensor's storage (found by scanning the objects Python's garbage collector tracks:
  tensors are tracked; about 30 ms per 100,000 live objects, paid only by such kernels);
* the launch's own array arguments (added by the driver);
* arrays registered with `triton_metal.addressable(...)`: NumPy arrays are not tracked by the garbage
  collector, so a NumPy program that stores `a.ctypes.data` for a kernel registers `a` (held weakly).

An address inside none of them stays unmapped: on the emulator every access through it is a DeviceError naming
the address; on a Mac the GPU sees an address of no resident buffer.
"""
import gc
import sys
import weakref

import numpy as np

_registered = []  # weak references to registered arrays


def addressable(*arrays):
    """Registers arrays (NumPy arrays, torch CPU tensors, anything with the buffer protocol) whose addresses
    kernels may use as pointers; returns the first one (or the tuple). Registration is weak: it ends with the
    array. torch CPU tensors need no registration."""
    for a in arrays:
        try:
            _registered.append(weakref.ref(a))
        except TypeError:
            _registered.append(lambda a=a: a)  # not weakly referenceable (memoryview): held for the process
    return arrays[0] if len(arrays) == 1 else arrays


def _torch_ranges(out):
    torch = sys.modules.get("torch")
    if torch is None:
        return
    tensor = torch.Tensor
    seen = set()
    for o in gc.get_objects():
        if not isinstance(o, tensor):
            continue
        try:
            if o.device.type != "cpu" or o.is_sparse:
                continue
            st = o.untyped_storage() if hasattr(o, "untyped_storage") else o.storage()
            lo, n = st.data_ptr(), st.nbytes()
        except Exception:  # meta, quantized, mkldnn... tensors without plain storage
            continue
        if n > 0 and lo not in seen:
            seen.add(lo)
            out.append((lo, n, o))


def _registered_ranges(out):
    from ._args import as_host_array
    alive = []
    for ref in _registered:
        a = ref()
        if a is None:
            continue
        alive.append(ref)
        try:
            arr = as_host_array(a)
        except Exception:
            continue
        base = arr
        while isinstance(base.base, np.ndarray):
            base = base.base
        lo, hi = np.byte_bounds(base)
        if hi > lo:
            out.append((lo, hi - lo, a))
    _registered[:] = alive


def live_ranges():
    """[(address, nbytes, owner)] of the memory kernels may reach by address, overlapping ranges merged (distinct
    allocations that only touch stay apart, so an access cannot run from one into the next). Keep the owners
    alive during the launch."""
    ranges = []
    _torch_ranges(ranges)
    _registered_ranges(ranges)
    ranges.sort(key=lambda r: (r[0], -r[1]))
    merged = []
    for lo, n, owner in ranges:
        if merged and lo < merged[-1][0] + merged[-1][1]:
            plo, pn, powners = merged[-1]
            merged[-1] = (plo, max(pn, lo + n - plo), powners + [owner])
        else:
            merged.append((lo, n, [owner]))
    return merged
