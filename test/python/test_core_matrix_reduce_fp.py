# Acceptance matrix, reductions and scans (see test_core_matrix.py, test_core_matrix_reduce.py): uint8, uint32,
# float16, float32 and bfloat16.
from core_matrix_support import DTYPES, reduce_matrix

test_reduction, _red_cases = reduce_matrix(DTYPES[3:])
