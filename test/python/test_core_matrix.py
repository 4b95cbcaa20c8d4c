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
# This file: signed-integer left-hand dtypes; test_core_matrix_binary_rest.py: the others.

import pytest

from core_matrix_support import DTYPES, bin_cases, check_binary_case

LHS = DTYPES[:3]  # int8, int16, int32


def _bin_cases():
    return bin_cases(LHS)


@pytest.mark.parametrize("op,a,b,n", list(_bin_cases()))
def test_binary_op(op, a, b, n):
    check_binary_case(op, a, b, n)


def test_matrix_is_at_least_1500_cases():
    from test_core_matrix_binary_rest import _bin_cases as _rest_cases
    from test_core_matrix_reduce import _red_cases
    from test_core_matrix_unary import _un_cases
    n = len(list(_bin_cases())) + len(list(_rest_cases())) + len(list(_un_cases())) + len(list(_red_cases()))
    assert n >= 1500, n
