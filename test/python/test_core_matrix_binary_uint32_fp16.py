# Acceptance matrix, binary operators (see test_core_matrix.py) with uint32 and float16 on the left: one file per
# pair of left-hand dtypes so that each CTest test stays well under a minute cold.
from core_matrix_support import DTYPES, binary_matrix

test_binary_op, _bin_cases = binary_matrix(DTYPES[4:6])
