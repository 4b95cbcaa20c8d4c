"""triton_metal.testing: do_bench (milliseconds, median of repeats) and assert_close.

On the Metal emulator do_bench measures emulator time (the CPU running the kernel's MSL), which says
nothing about Apple GPU speed; use autotune's cost-model mode or a Mac for real timings."""
import statistics
import time

import numpy as np

from ._args import as_host_array, is_array
from .metal import timing as _timing


def do_bench(fn, warmup=25, rep=100, grad_to_none=None, quantiles=None, fast_flush=True, return_mode="median"):
    """Runs fn repeatedly and returns its time in ms: about `warmup` ms of warm-up runs, then about `rep`
    ms of timed runs (at least 1 and at most 1000 each); the median unless return_mode says min, max,
    mean or all; with `quantiles`, the list of those quantiles."""
    if return_mode not in ("min", "max", "mean", "median", "all"):
        raise ValueError(f"return_mode {return_mode!r}: choose min, max, mean, median or all")
    start = time.perf_counter()
    fn()
    estimate_ms = max((time.perf_counter() - start) * 1e3, 1e-3)
    n_warmup = max(1, min(1000, int(warmup / estimate_ms)))
    n_rep = max(1, min(1000, int(rep / estimate_ms)))
    for _ in range(n_warmup):
        fn()
    times = []
    for _ in range(n_rep):
        t0 = time.perf_counter()
        gpu = _timing.measure(fn)  # launches are synchronous: they return when the kernel has finished
        times.append(gpu * 1e3 if gpu is not None else (time.perf_counter() - t0) * 1e3)  # Metal: GPU time
    if quantiles is not None:
        q = [float(np.quantile(times, x)) for x in quantiles]
        return q[0] if len(q) == 1 else q
    if return_mode == "all":
        return times
    return {"min": min, "max": max, "mean": statistics.fmean, "median": statistics.median}[return_mode](times)


def _to_f64(x):
    if is_array(x):
        from ._args import TensorWrapper
        if isinstance(x, TensorWrapper) and x.dtype.sig == "bf16":
            bits = as_host_array(x).view(np.uint16).astype(np.uint32) << 16
            return bits.view(np.float32).astype(np.float64)
        return as_host_array(x).astype(np.float64)
    return np.asarray(x, dtype=np.float64)


_DEFAULT_TOL = {np.dtype(np.float16): (1e-3, 1e-3), np.dtype(np.float32): (1.3e-6, 1e-5),
                np.dtype(np.float64): (1e-7, 1e-7)}


def assert_close(x, y, atol=None, rtol=None, err_msg=""):
    """Asserts |x - y| <= atol + rtol * |y| elementwise, comparing in float64. Default tolerances follow
    the dtype of x (float16: 1e-3/1e-3, float32: 1.3e-6/1e-5, bfloat16: 1e-2/1e-2)."""
    xd = _to_f64(x)
    yd = _to_f64(y)
    if atol is None or rtol is None:
        from ._args import TensorWrapper
        if isinstance(x, TensorWrapper) and x.dtype.sig == "bf16":
            a, r = 1e-2, 1e-2
        else:
            a, r = _DEFAULT_TOL.get(as_host_array(x).dtype if is_array(x) else np.dtype(np.float64), (0.0, 0.0))
        atol = a if atol is None else atol
        rtol = r if rtol is None else rtol
    if xd.shape != yd.shape:
        raise AssertionError(f"{err_msg} shapes differ: {xd.shape} vs {yd.shape}")
    np.testing.assert_allclose(xd, yd, atol=atol, rtol=rtol, err_msg=err_msg, equal_nan=True)
