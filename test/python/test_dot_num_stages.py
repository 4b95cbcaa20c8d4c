# num_stages (launch option and autotune Config field, Triton's name) reaches the compiler: it sets the
# software-pipelining depth of dot K loops (lib/gpu/pipeline_dot_loads.cpp). num_stages=1 leaves the loop alone
# (no prologue load before the loop); 2 and the default pipeline examples/matmul.py's loop; results match float64
# either way; a bad value is a ValueError naming the kernel.
import os
import sys

import numpy as np
import pytest

import triton_metal as triton

sys.path.insert(0, os.environ.get("TRITON_METAL_EXAMPLES", os.path.join(os.path.dirname(__file__), "..", "..", "examples")))
from matmul import matmul_kernel  # noqa: E402

SIG = ("a_ptr=*fp16:16, b_ptr=*fp16:16, c_ptr=*fp16:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, "
       "stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32")
CONSTS = {"BLOCK_M": 32, "BLOCK_N": 32, "BLOCK_K": 32, "GROUP_M": 8}


def loop_prologue_loads(msl):
    """Device loads of the A tile before the K loop (the pipeline's prologue)."""
    head = msl[:msl.index("for (int iter")]
    return head.count("*(a_ptr + ")


def test_num_stages_sets_pipelining():
    plain = triton.compile(matmul_kernel, SIG, CONSTS, num_stages=1).asm["msl"]
    piped = triton.compile(matmul_kernel, SIG, CONSTS, num_stages=2).asm["msl"]
    default = triton.compile(matmul_kernel, SIG, CONSTS).asm["msl"]
    assert loop_prologue_loads(plain) == 0
    assert loop_prologue_loads(piped) > 0
    assert default == piped


def test_num_stages_results_match_float64():
    rng = np.random.default_rng(3)
    m, n, k = 70, 50, 100
    a = rng.standard_normal((m, k)).astype(np.float16)
    b = rng.standard_normal((k, n)).astype(np.float16)
    want = a.astype(np.float64) @ b.astype(np.float64)
    for stages in (1, 3):
        c = np.zeros((m, n), np.float16)
        grid = (triton.cdiv(m, 32) * triton.cdiv(n, 32),)
        matmul_kernel[grid](a, b, c, m, n, k, a.strides[0] // 2, 1, b.strides[0] // 2, 1, c.strides[0] // 2, 1,
                            num_stages=stages, **CONSTS)
        np.testing.assert_allclose(c.astype(np.float64), want, atol=2e-2, rtol=2e-2)


def test_bad_num_stages_is_a_value_error():
    with pytest.raises(ValueError, match="num_stages"):
        triton.compile(matmul_kernel, SIG, CONSTS, num_stages=-1)
