# Triton's tutorials (test/python/tutorials/*.py: the tutorial code with only the import changed) on torch
# CPU tensors, each checked against torch in float64 on random data with ragged shapes.
import os

import pytest

import torch  # python3-torch (Debian; scripts/setup.sh installs it)  # noqa: E402

import triton_metal as triton  # noqa: E402


def test_01_vector_add():
    from tutorials import vector_add
    torch.manual_seed(0)
    size = 98432
    x = torch.rand(size, device=vector_add.DEVICE)
    y = torch.rand(size, device=vector_add.DEVICE)
    out = vector_add.add(x, y)
    torch.testing.assert_close(out.double(), x.double() + y.double(), rtol=1e-6, atol=1e-6)


def test_01_perf_report_runs():
    from tutorials import vector_add
    small = triton.testing.Mark(vector_add.benchmark.fn, triton.testing.Benchmark(
        x_names=["size"], x_vals=[4096], line_arg="provider", line_vals=["triton", "torch"],
        line_names=["Triton", "Torch"], plot_name="vector-add", args={}))
    rows = small.run(print_data=True, return_df=True)
    assert rows[0]["size"] == 4096 and rows[0]["Triton"] > 0 and rows[0]["Torch"] > 0


@pytest.mark.parametrize("shape", [(37, 781), (5, 128)])
def test_02_fused_softmax(shape):
    from tutorials import fused_softmax
    torch.manual_seed(0)
    x = torch.randn(*shape, device=fused_softmax.DEVICE)
    y = fused_softmax.softmax(x)
    ref = torch.softmax(x.double(), dim=1)
    torch.testing.assert_close(y.double(), ref, rtol=1e-5, atol=1e-6)


def test_03_matmul_with_autotune_list(monkeypatch):
    # Rank the tutorial's 16 configs with the hardware model (compiles each, launches the best) rather than
    # timing every one on the emulator.
    monkeypatch.setenv("TRITON_METAL_AUTOTUNE", "cost-model")
    from tutorials import matmul
    torch.manual_seed(0)
    a = torch.randn((96, 80), device=matmul.DEVICE, dtype=torch.float16)
    b = torch.randn((80, 72), device=matmul.DEVICE, dtype=torch.float16)
    c = matmul.matmul(a, b)
    ref = a.double() @ b.double()
    torch.testing.assert_close(c.double(), ref, rtol=1e-2, atol=5e-2)
    c = matmul.matmul(a, b, activation="leaky_relu")
    torch.testing.assert_close(c.double(), torch.nn.functional.leaky_relu(ref, 0.01), rtol=1e-2, atol=5e-2)
    assert matmul.matmul_kernel.best_config is not None


@pytest.mark.parametrize("M,N", [(37, 200), (9, 1000)])
def test_05_layer_norm_forward_backward(M, N):
    from tutorials import layer_norm
    torch.manual_seed(0)
    # The tutorial's own check (forward, dx, dw, db against torch), in float32 on the CPU.
    layer_norm.test_layer_norm(M, N, torch.float32)

