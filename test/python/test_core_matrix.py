# Acceptance matrix in the style of Triton's test_core: binary operators x every dtype pair x shapes,
# unary functions x dtypes x shapes, reductions and scans x dtypes x shapes x axes, each case checked
# against an exact (integers, comparisons) or float64-rounded NumPy reference that follows Triton's
# semantic.py: computation_type_impl promotion (bf16 + fp16 -> fp16, int + bf16 -> fp32, mixed-sign
# integers -> the unsigned type of the larger rank, / and % on 16-bit floats in fp32), C rules for
# integer // and %, fmod for float %, and standard.py's accumulation types for reductions.
#
# Kept fast by compiling few objects: one kernel per left-hand dtype evaluates every operator against
# every right-hand dtype (a @jit helper inlined once per pair), shapes are runtime lengths, and results
# are computed once per (kernel, shape) and shared by the parametrized cases (module-level memo).

import numpy as np
import pytest

from core_matrix_support import *  # noqa: F401,F403
from core_matrix_support import _bits, _is_float, _memo, _np, _unsigned  # noqa: F401


def _bin_cases():
    for n in SHAPES:
        for a in DTYPES:
            for b in DTYPES:
                for op in BINOPS:
                    if op_applies(op, a, b):
                        yield pytest.param(op, a, b, n, id=f"{a}{op}{b}-n{n}")


@pytest.mark.parametrize("op,a,b,n", list(_bin_cases()))
def test_binary_op(op, a, b, n):
    got, x, y = binop_results(a, n)[(b, op)]
    want, rt = ref_binop(op, x, y, a, b)
    want = np.asarray(want).astype(np.float64)
    if rt in TOL:
        np.testing.assert_allclose(got.astype(np.float64), want, rtol=TOL[rt], atol=TOL[rt])
    else:
        np.testing.assert_array_equal(got.astype(np.float64), want.astype(np.float32).astype(np.float64))




def test_matrix_is_at_least_1500_cases():
    from test_core_matrix_reduce import _red_cases
    from test_core_matrix_unary import _un_cases
    n = len(list(_bin_cases())) + len(list(_un_cases())) + len(list(_red_cases()))
    assert n >= 1500, n
