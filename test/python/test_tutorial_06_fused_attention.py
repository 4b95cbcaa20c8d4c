# Triton's tutorial 06 (fused attention, test/python/tutorials/fused_attention.py: the kernels unchanged but
# for the import) on torch CPU tensors: forward with and without the causal mask, and backward (the
# tutorial's causal dK/dV/dQ kernels) against torch float64 autograd, on random data. A file of its own so
# that each CTest test stays under a minute cold.
import pytest

import torch  # python3-torch (Debian; scripts/setup.sh installs it)


def _attention_ref(q, k, v, causal, sm_scale):
    q, k, v = (t.double() for t in (q, k, v))
    p = torch.matmul(q, k.transpose(2, 3)) * sm_scale
    if causal:
        n = q.shape[2]
        p = p.masked_fill(~torch.tril(torch.ones(n, n, dtype=torch.bool)), float("-inf"))
    return torch.matmul(torch.softmax(p, dim=-1), v)


@pytest.mark.parametrize("causal", [False, True])
def test_06_fused_attention_forward(causal):
    from tutorials import fused_attention
    torch.manual_seed(0)
    Z, H, N_CTX, HEAD_DIM = 1, 2, 64, 32
    q, k, v = (torch.randn((Z, H, N_CTX, HEAD_DIM), dtype=torch.float16) * 0.5 for _ in range(3))
    sm_scale = 0.5
    out = fused_attention.attention(q, k, v, causal, sm_scale)
    torch.testing.assert_close(out.double(), _attention_ref(q, k, v, causal, sm_scale), rtol=1e-2, atol=1e-2)


def test_06_fused_attention_backward_against_float64_autograd():
    from tutorials import fused_attention
    torch.manual_seed(1)
    Z, H, N_CTX, HEAD_DIM = 1, 2, 64, 32
    q, k, v = (torch.randn((Z, H, N_CTX, HEAD_DIM), dtype=torch.float16) * 0.5 for _ in range(3))
    for t in (q, k, v):
        t.requires_grad_()
    sm_scale = 0.5
    dout = torch.randn_like(q)
    out = fused_attention.attention(q, k, v, True, sm_scale)
    out.backward(dout)
    grads = [t.grad.clone() for t in (q, k, v)]
    q64, k64, v64 = (t.detach().double().requires_grad_() for t in (q, k, v))
    _attention_ref(q64, k64, v64, True, sm_scale).backward(dout.double())
    for got, want in zip(grads, (q64.grad, k64.grad, v64.grad)):
        torch.testing.assert_close(got.double(), want, rtol=2e-2, atol=2e-2)
