# Acceptance matrix, reductions and scans x dtypes x shapes x axes (see test_core_matrix.py).
import numpy as np
import pytest

from core_matrix_support import *  # noqa: F401,F403
from core_matrix_support import _bits, _is_float, _memo, _np, _unsigned  # noqa: F401


def _red_cases():
    for shape in RED_SHAPES:
        for axis in (0, 1):
            for d in DTYPES:
                for op in REDUCE_OPS:
                    if op == "xor_sum" and _is_float(d):
                        continue
                    yield pytest.param(op, d, shape, axis, id=f"{op}-{d}-{shape[0]}x{shape[1]}-ax{axis}")


@pytest.mark.parametrize("op,d,shape,axis", list(_red_cases()))
def test_reduction(op, d, shape, axis):
    out, x = reduce_results(d, shape, axis)
    R, C = shape
    K = C if axis == 0 else R
    if op in ("cumsum", "cumprod"):
        i = 0 if op == "cumsum" else 1
        got = out[8 * K + i * R * C:8 * K + (i + 1) * R * C].reshape(R, C).astype(np.float64)
    else:
        i = REDUCE_OPS.index(op)
        got = out[i * K:(i + 1) * K].astype(np.float64)
    want = ref_reduce(op, x, d, axis)
    if _is_float(d) and op in ("sum", "cumsum", "cumprod"):
        # sum keeps f16/bf16 (Triton's standard.py); cumsum/cumprod widen bf16 to f32; f16 scans stay f16
        tol = {"float32": 1e-5, "float16": 4e-3 * max(R, C) ** 0.5,
               "bfloat16": (1e-5 if op != "sum" else 2e-2 * max(R, C) ** 0.5)}[d]
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())
    else:
        np.testing.assert_array_equal(got, want.astype(np.float32).astype(np.float64))
