# Acceptance matrix, reductions and scans x dtypes x shapes x axes (see test_core_matrix.py): the signed
# integer dtypes here, the others in test_core_matrix_reduce_fp.py (each file under a minute cold).
import pytest

from core_matrix_support import DTYPES, check_reduce_case, red_cases


def _red_cases():
    return red_cases(DTYPES[:3])


@pytest.mark.parametrize("op,d,shape,axis", list(_red_cases()))
def test_reduction(op, d, shape, axis):
    check_reduce_case(op, d, shape, axis)
