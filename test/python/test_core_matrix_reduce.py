# Acceptance matrix, reductions and scans x dtypes x shapes x axes (see test_core_matrix.py): the signed
# integer dtypes here, the others in test_core_matrix_reduce_fp.py (each file under a minute cold).
from core_matrix_support import DTYPES, reduce_matrix

test_reduction, _red_cases = reduce_matrix(DTYPES[:3])
