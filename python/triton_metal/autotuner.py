"""@autotune and @heuristics. The autotuner picks a Config per value of its `key` arguments, by timing
each config on the device (``testing.do_bench``) or, in cost-model mode (``TRITON_METAL_AUTOTUNE=cost-model``
or ``autotune(..., mode="cost-model")``), by ranking configs with the hardware model's roofline prediction
for the target (see docs/python.md for how the workload of each config is obtained)."""
import os
import warnings

import numpy as np

from . import _C
from ._args import as_host_array, is_array
from .errors import OutOfResources
from .jit import KernelInterface


class Config:
    """One autotuning candidate: meta-parameter values plus launch options."""

    def __init__(self, kwargs, num_warps=4, num_stages=2, num_ctas=1, maxnreg=None, pre_hook=None):
        self.kwargs = dict(kwargs)
        self.num_warps = num_warps
        self.num_stages = num_stages
        self.num_ctas = num_ctas
        self.maxnreg = maxnreg
        self.pre_hook = pre_hook

    def all_kwargs(self):
        d = dict(self.kwargs)
        d.update(num_warps=self.num_warps, num_stages=self.num_stages)
        return d

    def __repr__(self):
        parts = [f"{k}: {v}" for k, v in self.kwargs.items()]
        parts += [f"num_warps: {self.num_warps}", f"num_stages: {self.num_stages}"]
        return ", ".join(parts)

    def __eq__(self, other):
        return isinstance(other, Config) and self.all_kwargs() == other.all_kwargs()

    def __hash__(self):
        return hash(tuple(sorted(self.all_kwargs().items())))


def _mode(mode):
    m = (mode or os.environ.get("TRITON_METAL_AUTOTUNE") or "benchmark").strip().lower()
    if m not in ("benchmark", "cost-model"):
        raise ValueError(f"autotune mode {m!r}: choose 'benchmark' or 'cost-model' (TRITON_METAL_AUTOTUNE)")
    return m


# Threads one GPU core keeps in flight before it is fully occupied (Apple GPUs: up to 1024 threads per
# threadgroup, several threadgroups per core). The cost model divides a config's roofline time by its
# occupancy min(1, threads launched / (cores x this)); a documented assumption, not a measured fact.
THREADS_PER_CORE_FOR_FULL_OCCUPANCY = 1024


class Autotuner(KernelInterface):
    def __init__(self, fn, arg_names, configs, key, reset_to_zero=None, restore_value=None, pre_hook=None,
                 post_hook=None, prune_configs_by=None, warmup=None, rep=None, mode=None, do_bench=None):
        self.fn = fn
        self.arg_names = arg_names
        self.configs = list(configs) if configs else [Config({})]
        self.keys = list(key)
        self.reset_to_zero = list(reset_to_zero or [])
        self.restore_value = list(restore_value or [])
        self.pre_hook, self.post_hook = pre_hook, post_hook
        prune_configs_by = prune_configs_by or {}
        self.perf_model = prune_configs_by.get("perf_model")
        self.top_k = prune_configs_by.get("top_k")
        self.early_config_prune = prune_configs_by.get("early_config_prune")
        self.warmup = 25 if warmup is None else warmup
        self.rep = 100 if rep is None else rep
        self.mode = mode
        self.user_do_bench = do_bench
        self.cache = {}            # key tuple -> chosen Config
        self.configs_timings = {}  # Config -> ms (measured or predicted) of the latest tuning
        self.best_config = None
        self.bench_count = 0       # configs benchmarked or predicted so far
        self.pruned_configs = []   # (Config, reason) skipped by the latest tuning: OutOfResources

    @property
    def __name__(self):
        return self.fn.__name__ if hasattr(self.fn, "__name__") else "kernel"

    def _named(self, args, kwargs):
        named = dict(zip(self.arg_names, args))
        named.update({k: v for k, v in kwargs.items() if k in self.arg_names})
        return named

    def _key(self, named):
        key = []
        for k in self.keys:
            if k not in named:
                continue
            v = named[k]
            if is_array(v):
                arr = as_host_array(v)
                key.append((arr.shape, str(arr.dtype)))
            else:
                key.append(v)
        return tuple(key)

    def prune_configs(self, named, kwargs):
        configs = self.configs
        if self.early_config_prune:
            configs = list(self.early_config_prune(configs, named, **kwargs))
        if self.perf_model and self.top_k is not None:
            top_k = self.top_k
            if isinstance(top_k, float) and top_k <= 1.0:
                top_k = int(len(configs) * top_k)
            if len(configs) > top_k:
                est = {c: self._perf_model_ms(c, named, kwargs) for c in configs}
                configs = sorted(est, key=est.get)[:max(1, top_k)]
        if not configs:
            raise ValueError(f"autotune of {self.__name__}: every config was pruned")
        return configs

    def _perf_model_ms(self, config, named, kwargs):
        out = self.perf_model(**named, **kwargs, **config.all_kwargs())
        if isinstance(out, dict):
            return self._predict_workload(out, named, kwargs) * 1e3
        return float(out)

    def _predict_workload(self, work, named, kwargs, target=None):
        ops = work.get("ops")
        if ops is None:
            ops = {work.get("dtype", "f32"): float(work.get("flops", 0.0))}
        p = _C.predict(target or kwargs.get("target") or "", {k: float(v) for k, v in ops.items()},
                       float(work.get("bytes_read", work.get("bytes", 0.0))), float(work.get("bytes_written", 0.0)),
                       work.get("kind", "elementwise"))
        return p["seconds"]

    def _call(self, named, kwargs, config, grid, warmup=False):
        all_kwargs = dict(kwargs)
        all_kwargs.update(config.all_kwargs())
        if config.pre_hook:
            config.pre_hook({**named, **all_kwargs})
        args = {n: v for n, v in named.items() if n not in all_kwargs}
        return self.fn.run(grid=grid, warmup=warmup, **args, **all_kwargs)

    def _snapshot(self, named):
        saved = {}
        for n in self.restore_value:
            if n in named and is_array(named[n]):
                saved[n] = as_host_array(named[n]).copy()
        return saved

    def _reset(self, named):
        for n in self.reset_to_zero:
            if n in named and is_array(named[n]):
                as_host_array(named[n])[...] = 0

    def _restore(self, named, saved):
        for n, copy in saved.items():
            as_host_array(named[n])[...] = copy

    def _bench(self, named, kwargs, config, grid, mode):
        from .testing import do_bench
        self.bench_count += 1
        saved = self._snapshot(named)
        try:
            if mode == "cost-model":
                return self._cost_model_ms(named, kwargs, config, grid)

            def kernel_call():
                self._reset(named)
                self._call(named, kwargs, config, grid)
            bench = self.user_do_bench or (lambda f: do_bench(f, warmup=self.warmup, rep=self.rep))
            return bench(kernel_call)
        finally:
            self._restore(named, saved)

    def _cost_model_ms(self, named, kwargs, config, grid):
        """Roofline time of one config on the target (ms), from the hardware model. The workload comes from
        the user's perf_model when given; else from the compiled kernel's parameters: every array it reads
        (role input/inout) is read once and every array it writes is written once. That roofline time is
        divided by the config's occupancy of the GPU (see THREADS_PER_CORE_FOR_FULL_OCCUPANCY). Nothing is
        launched: only the config's kernel is compiled."""
        if self.perf_model:
            return self._perf_model_ms(config, named, kwargs)
        kernel = self._call(named, kwargs, config, grid, warmup=True)
        meta = dict(named)
        meta.update(kwargs)
        meta.update(config.all_kwargs())
        g = grid(meta) if callable(grid) else grid
        g = (g,) if isinstance(g, int) else tuple(g)
        programs = int(np.prod([int(x) for x in g])) if g else 1
        read = written = 0.0
        for p, name in zip(kernel.params, kernel.runtime_names):
            if not p.pointer:
                continue
            nbytes = float(as_host_array(named[name]).nbytes)
            if p.role in ("input", "inout"):
                read += nbytes
            if p.role in ("output", "inout"):
                written += nbytes
        info = _C.target_info(kernel.target)
        seconds = _C.predict(kernel.target, {}, read, written, "elementwise")["seconds"]
        threads = programs * kernel.threads_per_threadgroup
        occupancy = min(1.0, threads / (info["gpu_cores"] * THREADS_PER_CORE_FOR_FULL_OCCUPANCY))
        return seconds / max(occupancy, 1e-9) * 1e3

    def run(self, *args, grid, warmup=False, **kwargs):
        named = self._named(args, kwargs)
        extra = {k: v for k, v in kwargs.items() if k not in self.arg_names}
        for c in self.configs:
            clash = set(c.kwargs) & set(kwargs)
            if clash:
                raise ValueError(f"autotune of {self.__name__}: {sorted(clash)} are set by the configs and "
                                 "must not be passed explicitly")
        mode = _mode(self.mode)
        key = self._key(named) + (mode,)
        if key not in self.cache:
            configs = self.prune_configs(named, extra)
            if len(configs) == 1:
                self.configs_timings = {configs[0]: 0.0}
                self.cache[key] = configs[0]
            else:
                self.configs_timings = {}
                self.pruned_configs = []
                for c in configs:
                    try:
                        self.configs_timings[c] = self._bench(named, extra, c, grid, mode)
                    except OutOfResources as e:  # as Triton: a config that cannot fit is skipped, not fatal
                        self.pruned_configs.append((c, str(e)))
                        warnings.warn(f"autotune of {self.__name__}: pruned config {{{c}}}: it does not fit the "
                                      f"target ({str(e).splitlines()[0]})", stacklevel=2)
                if not self.configs_timings:
                    raise OutOfResources(f"autotune of {self.__name__}: every config is out of resources: "
                                         + "; ".join(f"{{{c}}}" for c, _ in self.pruned_configs))
                self.cache[key] = min(self.configs_timings, key=self.configs_timings.get)
                self._reset(named)  # as Triton: benchmark runs leave no trace in reset_to_zero arrays
        config = self.best_config = self.cache[key]
        if warmup:
            return self._call(named, extra, config, grid, warmup=True)
        if self.pre_hook:
            self.pre_hook(named)
        out = self._call(named, extra, config, grid)
        if self.post_hook:
            self.post_hook(named, None)
        return out

    def warmup(self, *args, grid=None, **kwargs):
        return self.run(*args, grid=grid, warmup=True, **kwargs)


def autotune(configs, key, prune_configs_by=None, reset_to_zero=None, restore_value=None, pre_hook=None,
             post_hook=None, warmup=None, rep=None, use_cuda_graph=False, do_bench=None, mode=None):
    """Decorator (above @jit): tune `configs` for each value of the `key` arguments. mode: 'benchmark'
    (default; time each config) or 'cost-model' (rank by the hardware model; TRITON_METAL_AUTOTUNE)."""
    def decorator(fn):
        arg_names = fn.arg_names
        return Autotuner(fn, arg_names, configs, key, reset_to_zero, restore_value, pre_hook, post_hook,
                         prune_configs_by, warmup, rep, mode, do_bench)
    return decorator


class Heuristics(KernelInterface):
    def __init__(self, fn, arg_names, values):
        self.fn = fn
        self.arg_names = arg_names
        self.values = values

    def run(self, *args, grid, warmup=False, **kwargs):
        named = dict(zip(self.arg_names, args))
        named.update(kwargs)
        for name, heur in self.values.items():
            kwargs[name] = heur(named)
        return self.fn.run(*args, grid=grid, warmup=warmup, **kwargs)

    def warmup(self, *args, grid=None, **kwargs):
        return self.run(*args, grid=grid, warmup=True, **kwargs)


def heuristics(values):
    """Decorator: meta-parameters computed from the other arguments, e.g. {'EVEN': lambda a: a['n'] % 64 == 0}."""
    def decorator(fn):
        return Heuristics(fn, fn.arg_names, values)
    return decorator
