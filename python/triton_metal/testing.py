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


def _is_bf16(x):
    from ._args import TensorWrapper, _is_torch_tensor
    return (isinstance(x, TensorWrapper) and x.dtype.sig == "bf16") or \
        (_is_torch_tensor(x) and str(x.dtype) == "torch.bfloat16")


def _to_f64(x):
    if is_array(x):
        if _is_bf16(x):
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
        if _is_bf16(x):
            a, r = 1e-2, 1e-2
        else:
            a, r = _DEFAULT_TOL.get(as_host_array(x).dtype if is_array(x) else np.dtype(np.float64), (0.0, 0.0))
        atol = a if atol is None else atol
        rtol = r if rtol is None else rtol
    if xd.shape != yd.shape:
        raise AssertionError(f"{err_msg} shapes differ: {xd.shape} vs {yd.shape}")
    np.testing.assert_allclose(xd, yd, atol=atol, rtol=rtol, err_msg=err_msg, equal_nan=True)


class Benchmark:
    """Triton's benchmark description: ``x_names``/``x_vals`` (the x axis), ``line_arg``/``line_vals`` (one
    line per value), fixed ``args``, and plot labels (kept; plotting needs matplotlib, which is optional)."""

    def __init__(self, x_names, x_vals, line_arg, line_vals, line_names=None, styles=None, ylabel="",
                 plot_name="", args=None, xlabel="", x_log=False, y_log=False, color=None):
        self.x_names, self.x_vals = list(x_names), list(x_vals)
        self.line_arg, self.line_vals = line_arg, list(line_vals)
        self.line_names = list(line_names) if line_names else [str(v) for v in self.line_vals]
        self.styles, self.ylabel, self.xlabel, self.plot_name = styles, ylabel, xlabel, plot_name
        self.args = dict(args or {})
        self.x_log, self.y_log = x_log, y_log


class Mark:
    """What ``@perf_report`` returns: ``.run(print_data=, show_plots=, save_path=, return_df=)`` calls the
    function for every x value and line and returns the table as a list of rows ({column: value})."""

    def __init__(self, fn, benchmarks):
        self.fn = fn
        self.benchmarks = benchmarks

    def _run_one(self, bench, print_data):
        rows = []
        for x in bench.x_vals:
            xs = x if isinstance(x, (list, tuple)) and len(bench.x_names) > 1 else [x] * len(bench.x_names)
            xargs = dict(zip(bench.x_names, xs))
            row = dict(xargs)
            for line, name in zip(bench.line_vals, bench.line_names):
                ret = self.fn(**xargs, **{bench.line_arg: line}, **bench.args)
                row[name] = ret[0] if isinstance(ret, (tuple, list)) else ret
            rows.append(row)
        if print_data:
            cols = list(rows[0]) if rows else []
            print(bench.plot_name + ":")
            print("  ".join(f"{c:>14}" for c in cols))
            for r in rows:
                print("  ".join(f"{r[c]:>14.6g}" if isinstance(r[c], float) else f"{r[c]!s:>14}" for c in cols))
        return rows

    def run(self, show_plots=False, print_data=False, save_path="", return_df=False, **kwargs):
        benches = self.benchmarks if isinstance(self.benchmarks, (list, tuple)) else [self.benchmarks]
        out = [self._run_one(b, print_data) for b in benches]
        if save_path:
            import csv
            import os
            os.makedirs(save_path, exist_ok=True)
            for b, rows in zip(benches, out):
                with open(os.path.join(save_path, f"{b.plot_name or 'benchmark'}.csv"), "w", newline="") as f:
                    w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else [])
                    w.writeheader()
                    w.writerows(rows)
        if return_df:
            return out[0] if len(out) == 1 else out
        return None


def perf_report(benchmarks):
    """Decorator: ``@perf_report(Benchmark(...))`` makes the function a Mark with ``.run(...)``."""
    return lambda fn: Mark(fn, benchmarks)
