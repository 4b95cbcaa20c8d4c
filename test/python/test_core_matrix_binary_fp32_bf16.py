# Acceptance matrix, binary operators (see test_core_matrix.py), left-hand dtypes float32 and bfloat16: one file per
# pair of left-hand dtypes so that each CTest test stays well under a minute cold.
import pytest

from core_matrix_support import DTYPES, bin_cases, check_binary_case

LHS = DTYPES[6:]  # float32, bfloat16


def _bin_cases():
    return bin_cases(LHS)


@pytest.mark.parametrize("op,a,b,n", list(_bin_cases()))
def test_binary_op(op, a, b, n):
    check_binary_case(op, a, b, n)
