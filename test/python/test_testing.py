# triton_metal.testing: do_bench returns milliseconds (median of repeats); assert_close compares in float64.
import numpy as np
import pytest

import triton_metal as triton


def test_do_bench_returns_median_ms():
    import time
    ms = triton.testing.do_bench(lambda: time.sleep(0.002), warmup=1, rep=10)
    assert 1.5 < ms < 50
    q = triton.testing.do_bench(lambda: None, warmup=1, rep=1, quantiles=[0.2, 0.8])
    assert len(q) == 2 and q[0] <= q[1]
    with pytest.raises(ValueError):
        triton.testing.do_bench(lambda: None, return_mode="best")


def test_assert_close():
    a = np.array([1.0, 2.0], np.float32)
    triton.testing.assert_close(a, np.array([1.0, 2.0 + 1e-6]))
    with pytest.raises(AssertionError):
        triton.testing.assert_close(a, np.array([1.0, 2.1]))
    with pytest.raises(AssertionError):
        triton.testing.assert_close(a, np.array([1.0, 2.0, 3.0]))
    h = np.array([1.0], np.float16)
    triton.testing.assert_close(h, np.array([1.0005]))


def test_cost_model_binding():
    names = triton.targets()
    assert any("m3" in n for n in names)
    fast = triton.predict("m3-max", {}, 1e9, 0)
    slow = triton.predict("m1", {}, 1e9, 0)
    assert fast["bound"] == "memory" and fast["seconds"] < slow["seconds"]
    with pytest.raises(ValueError, match="dtype"):
        triton.predict("m1", {"f99": 1.0}, 0, 0)
