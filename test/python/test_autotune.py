# autotune: picks among configs per key in benchmark mode (timings on the device) and in cost-model mode
# (the hardware model's roofline for the target), honours prune_configs_by, reset_to_zero and caching of
# the choice per key; heuristics compute meta-parameters.
import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl
from triton_metal import _cache

CONFIGS = [triton.Config({"BLOCK": 32}, num_warps=1), triton.Config({"BLOCK": 128}, num_warps=4),
           triton.Config({"BLOCK": 256}, num_warps=4)]


@triton.autotune(configs=CONFIGS, key=["n"], reset_to_zero=["acc_ptr"])
@triton.jit
def accumulate(x_ptr, acc_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.atomic_add(acc_ptr + offs % 8, tl.load(x_ptr + offs, mask=mask), mask=mask)


@triton.autotune(configs=CONFIGS, key=["n"], mode="cost-model")
@triton.jit
def copy_rows(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask), mask=mask)


@triton.heuristics({"EVEN": lambda args: args["n"] % args["BLOCK"] == 0})
@triton.jit
def maybe_masked(x_ptr, y_ptr, n, BLOCK: tl.constexpr, EVEN: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    if EVEN:
        tl.store(y_ptr + offs, tl.load(x_ptr + offs) + 1.0)
    else:
        tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n) + 1.0, mask=offs < n)


def grid(meta):
    return (triton.cdiv(meta["n"], meta["BLOCK"]),)


def _acc_ref(x):
    ref = np.zeros(8)
    np.add.at(ref, np.arange(x.size) % 8, x.astype(np.float64))
    return ref


def test_benchmark_mode_picks_a_config_and_caches_per_key(rng, monkeypatch):
    monkeypatch.delenv("TRITON_METAL_AUTOTUNE", raising=False)
    timings = {32: 5.0, 128: 1.0, 256: 3.0}  # deterministic stand-in for do_bench, keyed by the config
    calls = []

    def fake_bench(fn):
        fn()  # the config really runs (and must produce the right answer afterwards)
        cfg = accumulate.best_config_candidate
        calls.append(cfg)
        return timings[cfg]

    monkeypatch.setattr(accumulate, "user_do_bench", fake_bench)
    orig = accumulate._call

    def tracking_call(named, kwargs, config, grid, warmup=False):
        accumulate.best_config_candidate = config.kwargs["BLOCK"]
        return orig(named, kwargs, config, grid, warmup)

    monkeypatch.setattr(accumulate, "_call", tracking_call)
    x = rng.standard_normal(1000).astype(np.float32)
    acc = np.full(8, 123.0, np.float32)  # reset_to_zero must clear it before every run
    accumulate[grid](x, acc, 1000)
    assert sorted(calls) == [32, 128, 256]
    assert accumulate.best_config.kwargs == {"BLOCK": 128}
    triton.testing.assert_close(acc, _acc_ref(x), atol=1e-4, rtol=1e-4)
    accumulate[grid](x, np.zeros(8, np.float32), 1000)  # same key: no tuning
    assert len(calls) == 3
    accumulate[grid](x[:500], np.zeros(8, np.float32), 500)  # new key: tunes again
    assert len(calls) == 6


def test_benchmark_mode_with_real_timing(rng, monkeypatch):
    monkeypatch.delenv("TRITON_METAL_AUTOTUNE", raising=False)
    tuner = triton.autotune(configs=CONFIGS[:2], key=["n"], warmup=1, rep=1)(copy_rows.fn)
    x = rng.standard_normal(700).astype(np.float32)
    out = np.zeros_like(x)
    tuner.mode = "benchmark"
    tuner[grid](x, out, 700)
    assert set(tuner.configs_timings) == set(CONFIGS[:2])
    assert all(t > 0 for t in tuner.configs_timings.values())
    assert tuner.best_config == min(tuner.configs_timings, key=tuner.configs_timings.get)
    np.testing.assert_array_equal(out, x)


def test_cost_model_mode_ranks_by_prediction(rng):
    n = 4096
    x = rng.standard_normal(n).astype(np.float32)
    out = np.zeros_like(x)
    copy_rows[grid](x, out, n)
    np.testing.assert_array_equal(out, x)
    t = copy_rows.configs_timings
    assert set(t) == set(CONFIGS) and all(v > 0 for v in t.values())
    # Same bytes for every config; BLOCK=256 with 4 warps launches 2048 threads, half of the others.
    assert t[CONFIGS[2]] == pytest.approx(2 * t[CONFIGS[0]]) and t[CONFIGS[0]] == pytest.approx(t[CONFIGS[1]])
    assert copy_rows.best_config == min(t, key=t.get)


def test_cost_model_mode_from_environment_with_perf_model(rng, monkeypatch):
    monkeypatch.setenv("TRITON_METAL_AUTOTUNE", "cost-model")
    seen = []

    def perf_model(x_ptr, out_ptr, n, BLOCK, num_warps, num_stages, **kw):
        seen.append(BLOCK)
        # A roofline workload: the hardware model turns it into a time for the target.
        return {"bytes_read": 4.0 * n * (1 + 64 / BLOCK), "bytes_written": 4.0 * n, "flops": 0}

    tuner = triton.autotune(configs=CONFIGS, key=["n"], prune_configs_by={"perf_model": perf_model, "top_k": 2})(copy_rows.fn)
    x = rng.standard_normal(1000).astype(np.float32)
    out = np.zeros_like(x)
    c = _cache.stats["compilations"]
    tuner[grid](x, out, 1000)
    assert tuner.best_config.kwargs == {"BLOCK": 256}
    assert set(tuner.configs_timings) == {CONFIGS[1], CONFIGS[2]}  # top_k pruned the 32-element config
    assert _cache.stats["compilations"] - c <= 1  # only the chosen config needed compiling
    np.testing.assert_array_equal(out, x)


def test_bad_mode_and_pruned_everything(monkeypatch):
    monkeypatch.setenv("TRITON_METAL_AUTOTUNE", "guess")
    x = np.zeros(16, np.float32)
    with pytest.raises(ValueError, match="cost-model"):
        copy_rows.__class__(copy_rows.fn, copy_rows.arg_names, CONFIGS, ["n"])[grid](x, x, 16)
    monkeypatch.delenv("TRITON_METAL_AUTOTUNE")
    tuner = triton.autotune(configs=CONFIGS, key=["n"], prune_configs_by={"early_config_prune": lambda c, a, **k: []})(copy_rows.fn)
    with pytest.raises(ValueError, match="pruned"):
        tuner[grid](x, x, 16)


def test_heuristics():
    x, out = np.arange(200, dtype=np.float32), np.zeros(200, np.float32)
    masked = maybe_masked.warmup(x, out, 200, BLOCK=64, grid=grid)
    maybe_masked[grid](x, out, 200, BLOCK=64)
    np.testing.assert_array_equal(out, x + 1)
    y, out = np.arange(256, dtype=np.float32), np.zeros(256, np.float32)
    even = maybe_masked.warmup(y, out, 256, BLOCK=64, grid=grid)
    maybe_masked[grid](y, out, 256, BLOCK=64)
    np.testing.assert_array_equal(out, y + 1)
    # EVEN=True drops the mask: the compare disappears from the tile IR.
    assert "arith.cmpi" in masked.asm["tile-ir"] and "arith.cmpi" not in even.asm["tile-ir"]


def test_autotuned_example_matmul_cost_model(rng):
    # The unmodified examples/matmul.py kernel under autotune, ranked by the roofline of a FLOPs/bytes
    # perf_model: bigger tiles re-read A and B fewer times, so the model prefers them.
    from conftest import load_example
    ex = load_example("matmul")

    def perf_model(M, N, K, BLOCK_M, BLOCK_N, **kw):
        reads = 2.0 * (M * K * (N / BLOCK_N) + K * N * (M / BLOCK_M))
        return {"flops": 2.0 * M * N * K, "dtype": "f16", "kind": "matmul", "bytes_read": reads, "bytes_written": 2.0 * M * N}

    configs = [triton.Config({"BLOCK_M": 16, "BLOCK_N": 16, "BLOCK_K": 16, "GROUP_M": 2}, num_warps=1),
               triton.Config({"BLOCK_M": 32, "BLOCK_N": 32, "BLOCK_K": 16, "GROUP_M": 2}, num_warps=4)]
    tuned = triton.autotune(configs=configs, key=["M", "N", "K"], mode="cost-model",
                            prune_configs_by={"perf_model": perf_model})(ex.matmul_kernel)
    M, N, K = 48, 40, 32
    a = rng.standard_normal((M, K)).astype(np.float16)
    b = rng.standard_normal((K, N)).astype(np.float16)
    c = np.zeros((M, N), np.float16)
    grid = lambda meta: (triton.cdiv(M, meta["BLOCK_M"]) * triton.cdiv(N, meta["BLOCK_N"]),)
    tuned[grid](a, b, c, M, N, K, K, 1, N, 1, N, 1)
    t = tuned.configs_timings
    assert t[configs[1]] < t[configs[0]] and tuned.best_config == configs[1]
    triton.testing.assert_close(c, a.astype(np.float64) @ b.astype(np.float64), atol=2e-2, rtol=1e-2)
