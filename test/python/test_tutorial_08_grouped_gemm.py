# Triton's tutorial 08 (grouped GEMM, test/python/tutorials/grouped_gemm.py: only the import changed) on torch
# CPU tensors: the kernel reads its matrices' data_ptr() values from int64 tensors and casts them to pointers
# (x.to(tl.pointer_type(tl.float16))); the launcher makes the live tensors reachable by address
# (python/triton_metal/_addressable.py). Checked against torch in float64; wrong addresses are clear errors.
import numpy as np
import pytest

import torch  # python3-torch (Debian)

import triton_metal as triton
import triton_metal.language as tl


@pytest.fixture(autouse=True)
def cost_model(monkeypatch):
    # Rank the tutorial's 6 configs with the hardware model instead of timing each on the emulator.
    monkeypatch.setenv("TRITON_METAL_AUTOTUNE", "cost-model")


def test_08_grouped_gemm_matches_torch():
    from tutorials import grouped_gemm
    torch.manual_seed(0)
    # The kernel assumes full tiles (as the tutorial says): sizes are multiples of the largest tile (128).
    shapes = [(128, 256, 64), (256, 128, 128), (128, 128, 192)]
    group_A = [torch.rand((m, k), device=grouped_gemm.DEVICE, dtype=torch.float16) - 0.5 for m, n, k in shapes]
    group_B = [torch.rand((k, n), device=grouped_gemm.DEVICE, dtype=torch.float16) - 0.5 for m, n, k in shapes]
    group_C = grouped_gemm.group_gemm_fn(group_A, group_B)
    for a, b, c in zip(group_A, group_B, group_C):
        assert c.dtype == torch.float16 and c.shape == (a.shape[0], b.shape[1])
        torch.testing.assert_close(c.double(), a.double() @ b.double(), rtol=1e-2, atol=2e-2)
    assert grouped_gemm.grouped_matmul_kernel.best_config is not None


def _tables(group_A, group_B, group_C):
    a = torch.tensor([x.data_ptr() for x in group_A])
    b = torch.tensor([x.data_ptr() for x in group_B])
    c = torch.tensor([x.data_ptr() for x in group_C])
    sizes = torch.tensor([d for x, y in zip(group_A, group_B) for d in (x.shape[0], y.shape[1], x.shape[1])], dtype=torch.int32)
    lds = torch.tensor([d for x, y, z in zip(group_A, group_B, group_C) for d in (x.stride(0), y.stride(0), z.stride(0))],
                       dtype=torch.int32)
    return a, b, c, sizes, lds


def test_08_an_address_of_no_tensor_is_a_clear_error():
    from tutorials import grouped_gemm
    A = torch.rand((128, 64), dtype=torch.float16)
    B = torch.rand((64, 128), dtype=torch.float16)
    C = torch.empty((128, 128), dtype=torch.float16)
    a, b, c, sizes, lds = _tables([A], [B], [C])
    a[0] = 16  # no tensor lives there
    with pytest.raises(triton.DeviceError, match=r"points into no buffer or threadgroup memory \(address 0x10\)"):
        grouped_gemm.grouped_matmul_kernel[lambda META: (META["NUM_SM"],)](a, b, c, sizes, lds, 1)


def test_08_reading_past_a_tensor_is_a_clear_error():
    from tutorials import grouped_gemm
    A = torch.rand((128, 64), dtype=torch.float16)
    B = torch.rand((64, 128), dtype=torch.float16)
    C = torch.empty((128, 128), dtype=torch.float16)
    a, b, c, sizes, lds = _tables([A], [B], [C])
    sizes[2] = 128  # K = 128, but A has 64 columns and B 64 rows: the loads run past B's memory
    with pytest.raises(triton.DeviceError, match=r"out-of-bounds access to memory at .* \(reached by address\)"):
        grouped_gemm.grouped_matmul_kernel[lambda META: (META["NUM_SM"],)](a, b, c, sizes, lds, 1)


@triton.jit
def gather_rows(table_ptr, out_ptr, n, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    src = tl.load(table_ptr + row).to(tl.pointer_type(tl.float32))
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + row * BLOCK + offs, tl.load(src + offs, mask=mask) * 2.0, mask=mask)


def test_numpy_arrays_are_reachable_by_address_once_registered():
    rng = np.random.default_rng(1)
    rows = [rng.standard_normal(n).astype(np.float32) for n in (5, 16, 11)]
    table = np.array([r.ctypes.data for r in rows], dtype=np.int64)
    out = np.zeros((3, 16), dtype=np.float32)
    # NumPy arrays are not tracked by Python's garbage collector: unregistered, the kernel's first row address
    # matches nothing.
    with pytest.raises(triton.DeviceError, match="points into no buffer"):
        gather_rows[(3,)](table, out, 16, BLOCK=16)
    triton.addressable(*rows)
    for i, r in enumerate(rows):
        out[:] = 0
        gather_rows[(1,)](table[i:], out[i:], r.size, BLOCK=16)
        np.testing.assert_array_equal(out[i, :r.size], r.astype(np.float64) * 2)
        assert not out[i, r.size:].any()


def test_pointer_casts_refused_where_they_cannot_work(tmp_path):
    t = torch.zeros(4)
    table = np.array([t.data_ptr()], dtype=np.int64)
    out = np.zeros(16, dtype=np.float32)
    with pytest.raises(triton.DeviceError, match="cannot be followed by the interpreter"):
        gather_rows[(1,)](table, out, 4, BLOCK=16, device="interpreter")
