# pytest configuration of the triton_metal suite: makes `import triton` resolve to triton_metal (so the
# unmodified examples/*.py load), and provides a loader for the example files, a float64 RNG, and kernels
# that several test files share (the `atomic_minmax` fixture).
import importlib.util
import os
import sys

import numpy as np
import pytest

import triton_metal
import triton_metal.language
import triton_metal.language as tl

sys.modules.setdefault("triton", triton_metal)
sys.modules.setdefault("triton.language", triton_metal.language)

EXAMPLES = os.environ.get("TRITON_METAL_EXAMPLES") or os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def load_example(name):
    path = os.path.join(EXAMPLES, name + ".py")
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@triton_metal.jit
def _atomic_minmax_kernel(max_ptr, min_ptr, v_ptr, n, SLOTS: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    v = tl.load(v_ptr + offs, mask=m)
    tl.atomic_max(max_ptr + offs % SLOTS, v, mask=m)
    tl.atomic_min(min_ptr + offs % SLOTS, v, mask=m)


@pytest.fixture
def atomic_minmax():
    """atomic_minmax(mx, mn, v, slots): element i of v goes into slot i % slots of mx (atomic_max) and mn
    (atomic_min); returns nothing (mx and mn are updated in place)."""
    def run(mx, mn, v, slots):
        _atomic_minmax_kernel[(triton_metal.cdiv(v.size, 256),)](mx, mn, v, v.size, SLOTS=slots, BLOCK=256)
    return run
