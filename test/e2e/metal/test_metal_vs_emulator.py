"""Every examples/*.py kernel on a device under test and on the Metal emulator, compared launch by launch.

The example tests of test/python/test_examples.py run unchanged (each also checks its float64 NumPy
reference) with the device under test as the default device; every launch they make is run a second time on
the emulator on copies of its arrays, and every array the kernel writes must agree between the two devices
within the dtype's tolerance. CTest registers this on Apple platforms only, with TM_COMPARE_DEVICE=metal
(test/e2e/metal/CMakeLists.txt); elsewhere it can be run by hand against the interpreter:
    TM_COMPARE_DEVICE=interpreter PYTHONPATH=build/python:test/python python3 -m pytest test/e2e/metal"""
import os

import numpy as np
import pytest

import triton_metal as triton
from triton_metal import compiler
from triton_metal._args import TensorWrapper, as_host_array
from conftest import rng  # noqa: F401,E402  (the suite's fixture; importing conftest aliases `triton`)
from test_examples import *  # noqa: F401,F403  (the example tests and their helpers)

DEVICE = os.environ.get("TM_COMPARE_DEVICE", "metal")
_TOL = {"f32": (1e-5, 1e-5), "f16": (2e-3, 2e-3), "bf16": (2e-2, 2e-2)}
compared = {"launches": 0, "arrays": 0}


def _copy(a):
    if isinstance(a, TensorWrapper):
        return TensorWrapper(np.array(a.base, copy=True), a.dtype)
    return np.array(as_host_array(a), copy=True)


def _f64(a, dtype):
    arr = as_host_array(a)
    if dtype == "bf16":
        return (arr.view(np.uint16).astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    return arr.astype(np.float64)


@pytest.fixture(autouse=True)
def device(monkeypatch):  # replaces test_examples' fixture of the same name
    monkeypatch.setenv("TRITON_METAL_DEVICE", DEVICE)
    original = compiler.CompiledKernel.run

    def both(self, grid, args, device=None):
        reference = [_copy(a) if p.pointer else a for p, a in zip(self.params, args)]
        original(self, grid, reference, device="emulator")
        stats = original(self, grid, args, device=device)
        compared["launches"] += 1
        for p, got, want in zip(self.params, args, reference):
            if not p.pointer or p.role not in ("output", "inout"):
                continue
            rtol, atol = _TOL.get(p.dtype, (0.0, 0.0))
            np.testing.assert_allclose(_f64(got, p.dtype), _f64(want, p.dtype), rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=f"kernel '{self.name}', argument '{p.name}': {DEVICE} and the emulator differ")
            compared["arrays"] += 1
        return stats

    monkeypatch.setattr(compiler.CompiledKernel, "run", both)
    yield DEVICE


def test_zz_something_was_compared():
    """Runs last (name order): the wrapper saw launches and compared written arrays."""
    assert compared["launches"] > 0 and compared["arrays"] > 0
