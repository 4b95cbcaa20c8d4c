"""PyTorch equivalents of the CUDA proxy's kernels at the same sizes, plus the GPU's measured copy
bandwidth and matmul peaks (fp32 without TF32, fp16, bf16). CUDA events, warm-up, median. Writes JSON."""
import json
import statistics
import sys

import torch
import torch.nn.functional as F


def median_ms(fn, warmup=5, iters=30):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        fn()
        e.record()
        e.synchronize()
        times.append(s.elapsed_time(e))
    return statistics.median(times)


def main(path):
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = "cuda"
    res = {"gpu": torch.cuda.get_device_name(), "torch": torch.__version__, "ops": {}}
    ops = res["ops"]

    x = torch.empty(1 << 28, device=dev)
    y = torch.empty_like(x)
    res["copy_GBps"] = 2 * x.numel() * 4 / median_ms(lambda: y.copy_(x)) / 1e6
    peaks = {}
    for name, dt in (("f32", torch.float32), ("f16", torch.float16), ("bf16", torch.bfloat16)):
        a = torch.randn(8192, 8192, device=dev, dtype=dt)
        b = torch.randn(8192, 8192, device=dev, dtype=dt)
        peaks[name] = 2 * 8192 ** 3 / median_ms(lambda: torch.mm(a, b), 3, 10) / 1e9
        del a, b
    res["matmul_peak_TFLOPs"] = peaks
    print("copy GB/s", res["copy_GBps"], "matmul TFLOP/s", peaks)

    n = 1 << 28
    a, b, o = torch.rand(n, device=dev), torch.rand(n, device=dev), torch.empty(n, device=dev)
    ops["vector_add"] = {"op": "torch.add(a, b, alpha=0.75, out=o)", "ms": median_ms(lambda: torch.add(a, b, alpha=0.75, out=o))}
    ops["reduce_sum"] = {"op": "torch.sum", "ms": median_ms(lambda: torch.sum(a))}
    ops["histogram"] = {"op": "torch.histc(bins=64)", "ms": median_ms(lambda: torch.histc(a, bins=64, min=0, max=1))}
    xi = torch.randint(-100, 100, (n // 256, 256), device=dev, dtype=torch.int32)
    ops["block_scan"] = {"op": "torch.cumsum(int32 [n/256,256], dim=1)", "ms": median_ms(lambda: torch.cumsum(xi, dim=1, dtype=torch.int32))}
    del a, b, o, xi, x, y
    s = torch.randn(16384, 4096, device=dev)
    ops["softmax_rows"] = {"op": "torch.softmax(dim=1)", "ms": median_ms(lambda: torch.softmax(s, dim=1))}
    del s
    ln = torch.randn(16384, 4096, device=dev, dtype=torch.float16)
    lw = torch.randn(4096, device=dev, dtype=torch.float16)
    lb = torch.randn(4096, device=dev, dtype=torch.float16)
    ops["layer_norm_f16"] = {"op": "F.layer_norm f16", "ms": median_ms(lambda: F.layer_norm(ln, (4096,), lw, lb, 1e-5))}
    del ln, lw, lb
    for name, dt in (("scaled_activation_f32", torch.float32), ("scaled_activation_f16", torch.float16)):
        t = torch.randn(8192, 8192, device=dev, dtype=dt)
        fn = lambda t=t: F.gelu(t * 1.5 + 0.25, approximate="tanh")
        label = "gelu_tanh(1.5x+0.25) eager (3 kernels)"
        try:
            cfn = torch.compile(fn)
            cfn()
            fn, label = cfn, "gelu_tanh(1.5x+0.25) torch.compile (1 fused Triton kernel)"
        except Exception as e:  # noqa: BLE001 - fall back to eager, and say so
            print("torch.compile unavailable:", e)
        ops[name] = {"op": label, "ms": median_ms(fn)}
        del t
    for name, dt in (("matmul_tiled", torch.float32), ("gemm_f32", torch.float32), ("gemm_f16", torch.float16), ("gemm_bf16", torch.bfloat16)):
        a = torch.randn(4096, 4096, device=dev, dtype=dt)
        b = torch.randn(4096, 4096, device=dev, dtype=dt)
        ops[name] = {"op": f"torch.mm {str(dt).replace('torch.', '')}" + (" (no TF32)" if dt == torch.float32 else ""),
                     "ms": median_ms(lambda: torch.mm(a, b), 3, 10)}
    with open(path, "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
