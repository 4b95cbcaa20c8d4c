# Acceptance matrix, reductions and scans (see test_core_matrix.py, test_core_matrix_reduce.py): uint8, uint32,
# float16, float32 and bfloat16.
import pytest

from core_matrix_support import DTYPES, check_reduce_case, red_cases


def _red_cases():
    return red_cases(DTYPES[3:])


@pytest.mark.parametrize("op,d,shape,axis", list(_red_cases()))
def test_reduction(op, d, shape, axis):
    check_reduce_case(op, d, shape, axis)
