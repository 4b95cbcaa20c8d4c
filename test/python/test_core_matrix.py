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
# This file: binary operators with int8 and int16 on the left; test_core_matrix_binary_*.py: the other
# left-hand dtypes, two per file (each CTest test stays well under a minute cold).

from core_matrix_support import DTYPES, binary_matrix

test_binary_op, _bin_cases = binary_matrix(DTYPES[:2])  # int8, int16


def test_matrix_is_at_least_1500_cases():
    import test_core_matrix_binary_fp32_bf16
    import test_core_matrix_binary_int32_uint8
    import test_core_matrix_binary_uint32_fp16
    import test_core_matrix_reduce
    import test_core_matrix_reduce_fp
    from test_core_matrix_unary import _un_cases
    n = len(list(_bin_cases())) + len(list(_un_cases()))
    for m in (test_core_matrix_binary_int32_uint8, test_core_matrix_binary_uint32_fp16, test_core_matrix_binary_fp32_bf16):
        n += len(list(m._bin_cases()))
    n += len(list(test_core_matrix_reduce._red_cases())) + len(list(test_core_matrix_reduce_fp._red_cases()))
    assert n >= 1500, n
