# pytest configuration of the triton_metal suite: makes `import triton` resolve to triton_metal (so the
# unmodified examples/*.py load), and provides a loader for the example files and a float64 RNG.
import importlib.util
import os
import sys

import numpy as np
import pytest

import triton_metal
import triton_metal.language

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
