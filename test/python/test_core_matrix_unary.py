# Acceptance matrix, unary functions x dtypes x shapes (see test_core_matrix.py).
import numpy as np
import pytest

from core_matrix_support import *  # noqa: F401,F403
from core_matrix_support import _bits, _is_float, _memo, _np, _unsigned  # noqa: F401


def _un_cases():
    for n in SHAPES:
        for d in DTYPES:
            for op in UNARY:
                if unary_applies(op, d):
                    yield pytest.param(op, d, n, id=f"{op}-{d}-n{n}")


@pytest.mark.parametrize("op,d,n", list(_un_cases()))
def test_unary_op(op, d, n):
    out, x = unary_results(d, n)
    got = out[UNARY.index(op) * n:(UNARY.index(op) + 1) * n].astype(np.float64)
    want = ref_unary(op, x, d)
    if _is_float(d) and op not in ("not", "floor", "ceil", "neg", "abs"):
        # fast-math transcendental functions (Metal's default): a few ulp of the result type; fp16 and
        # bf16 results are rounded to their type
        tol = {"float32": 2e-5, "float16": 2e-3, "bfloat16": 1.6e-2}[d]
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    else:
        np.testing.assert_array_equal(got, want.astype(np.float32).astype(np.float64))


