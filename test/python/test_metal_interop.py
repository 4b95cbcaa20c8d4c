"""The macOS paths of the package (python/triton_metal/metal), on any platform: the MLX rebuild of a compiled
kernel (header and body for mx.fast.metal_kernel) and the torch.mps.compile_shader launch, each run through a
fake of the library that generates the MSL the real one would and runs it on the Metal emulator (the
triton-metal CLI), compared with a float64 NumPy reference; routing; GPU timing in do_bench; the default
device on macOS."""
import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

import triton_metal as triton
from triton_metal import device as tm_device
from triton_metal import testing as tm_testing
from triton_metal.metal import interop, mlx_interop, msl_kernel, timing, torch_mps

from conftest import load_example

CLI = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(triton.__file__))), "..", "bin", "triton-metal")
_MSL_TYPE = {np.dtype(np.float32): "float", np.dtype(np.float16): "half", np.dtype(np.int32): "int",
             np.dtype(np.uint8): "uint8_t", np.dtype(np.int64): "long"}
_CLI_TYPE = {np.dtype(np.float32): "f32", np.dtype(np.float16): "f16", np.dtype(np.int32): "i32",
             np.dtype(np.uint8): "u8", np.dtype(np.int64): "i64"}


def emulate(msl, entry, buffers, threads, group):
    """Runs `msl` on the emulator with numpy arrays bound at [[buffer(i)]] in order (0-d arrays as setBytes);
    dispatchThreads over `threads`; every array comes back written in place."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "k.metal")
        with open(src, "w") as f:
            f.write(msl)
        cmd = [CLI, "emulate", src, "--entry", entry, "--threads-grid", "--grid", ",".join(map(str, threads)),
               "--threadgroup", ",".join(map(str, group))]
        dumps = {}
        for i, a in enumerate(buffers):
            t = _CLI_TYPE[a.dtype]
            if a.ndim == 0:
                cmd += ["--buffer", f"{i}={t}:={a.item()}"]
                continue
            path = os.path.join(d, f"b{i}.bin")
            a.tofile(path)
            cmd += ["--buffer", f"{i}={t}:file={path}", "--dump", f"{i}={path}.out"]
            dumps[i] = path + ".out"
        r = subprocess.run(cmd, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr + "\n" + msl
        for i, path in dumps.items():
            buffers[i][...] = np.fromfile(path, dtype=buffers[i].dtype).reshape(buffers[i].shape)


# ---- a fake MLX: mx.fast.metal_kernel generates MLX's signature around our header and body -----------------

class FakeMlxArray:
    def __init__(self, data):
        self.data = np.asarray(data)


FakeMlxArray.__module__ = "mlx.core"


class FakeMx:
    uint8, float32, float16, int32, int64 = np.uint8, np.float32, np.float16, np.int32, np.int64

    def __init__(self):
        self.kernels, self.evals = [], 0
        mx = self

        class Fast:
            @staticmethod
            def metal_kernel(name, input_names, output_names, source, header="", ensure_row_contiguous=True,
                             atomic_outputs=False):
                mx.kernels.append(dict(name=name, input_names=input_names, output_names=output_names, source=source,
                                       header=header, ensure_row_contiguous=ensure_row_contiguous))

                def call(inputs, grid, threadgroup, output_shapes, output_dtypes, **kw):
                    arrays = [a.data if isinstance(a, FakeMlxArray) else np.asarray(a) for a in inputs]
                    outs = [np.zeros(s, dtype=t) for s, t in zip(output_shapes, output_dtypes)]
                    params = []
                    for i, (n, a) in enumerate(zip(input_names, arrays)):
                        t = _MSL_TYPE[a.dtype]
                        params.append(f"const constant {t}& {n} [[buffer({i})]]" if a.ndim == 0
                                      else f"const device {t}* {n} [[buffer({i})]]")
                    for j, (n, o) in enumerate(zip(output_names, outs)):
                        params.append(f"device {_MSL_TYPE[o.dtype]}* {n} [[buffer({len(arrays) + j})]]")
                    for attr, t in mlx_interop.MLX_ATTRIBUTES.items():
                        if attr in source:
                            params.append(f"{t} {attr} [[{attr}]]")
                    msl = header + f"\n[[kernel]] void {name}(\n  " + ",\n  ".join(params) + ") {\n" + source + "\n}\n"
                    mx.generated = msl
                    emulate(msl, name, arrays + outs, grid, threadgroup)
                    return outs
                return call

        self.fast = Fast

    def array(self, value, dtype=None):
        return np.asarray(value, dtype=dtype)

    def eval(self, *arrays):
        self.evals += 1


def compiled_vector_add(block=256):
    ex = load_example("vector_add")
    return triton.compile(ex.add_kernel, signature="x_ptr=*fp32:16, y_ptr=*fp32:16, out_ptr=*fp32:16, n_elements=i32",
                          constexprs={"BLOCK_SIZE": block})


def test_msl_kernel_reads_signature_and_body():
    ck = compiled_vector_add()
    k = msl_kernel.parse_kernel(ck.asm["msl"], "add_kernel")
    names = [p.name for p in k.params]
    assert names[:4] == ["x_ptr", "y_ptr", "out_ptr", "n_elements"]
    assert [p.index for p in k.params[:4]] == [0, 1, 2, 3]
    assert k.params[3].attribute == "buffer" and msl_kernel.value_type(k.params[3].type) == "int"
    assert "kernel void add_kernel" not in k.before + k.after
    assert "tl.store" in k.body  # the source-line comments travel with the body
    with pytest.raises(ValueError, match="no kernel function 'nope'"):
        msl_kernel.parse_kernel(ck.asm["msl"], "nope")
    assert msl_kernel.pointer_type("device const float*") == "device float*"


def test_mlx_header_and_body_alias_our_parameters():
    ck = compiled_vector_add()
    spec = mlx_interop.build(ck.asm["msl"], ck.name, ck.params)
    assert spec.input_names == ["x_ptr_in", "y_ptr_in", "out_ptr_in", "n_elements_in"]
    assert spec.output_names == [mlx_interop.MARKER]
    assert "device float* out_ptr = (device float*)(out_ptr_in);" in spec.source
    assert "const int n_elements = static_cast<int>(n_elements_in);" in spec.source
    assert "= uint3(threadgroup_position_in_grid);" in spec.source
    assert "#include <metal_stdlib>" in spec.header and "kernel void" not in spec.header
    assert mlx_interop.grid_and_threadgroup((4,), 128) == ((512, 1, 1), (128, 1, 1))


@pytest.mark.parametrize("n", [1000, 4096])
def test_mlx_launch_writes_outputs_in_place_and_keeps_unwritten_elements(n, rng):
    ck = compiled_vector_add()
    mx = FakeMx()
    x, y = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
    out = np.full(n + 100, 7.0, dtype=np.float32)  # the kernel writes the first n only
    args = [FakeMlxArray(x), FakeMlxArray(y), FakeMlxArray(out), n]
    cache = {}
    mlx_interop.launch(ck, ((n + 255) // 256,), args, mx=mx, cache=cache)
    np.testing.assert_allclose(out[:n], x.astype(np.float64) + y, rtol=1e-6, atol=1e-6)
    assert np.all(out[n:] == 7.0)
    assert mx.evals == 2  # the arguments before, the kernel after
    assert mx.kernels[0]["ensure_row_contiguous"] is False
    mlx_interop.launch(ck, ((n + 255) // 256,), args, mx=mx, cache=cache)
    assert len(mx.kernels) == 1  # built once per kernel


_TG_SUM = """// Generated by triton-metal for target apple-m3-10c (MSL 4.0)
#include <metal_stdlib>
using namespace metal;
static inline float tm_twice(float v) { return 2.0f * v; }
kernel void tg_sum(device float* x_ptr [[buffer(0)]], device float* out_ptr [[buffer(1)]],
                   uint3 tm_pid [[threadgroup_position_in_grid]], uint tm_tid [[thread_index_in_threadgroup]]) {
  threadgroup float4 tm_scratch_storage[32];
  threadgroup float* s = reinterpret_cast<threadgroup float*>(&tm_scratch_storage[0]);
  s[tm_tid] = tm_twice(x_ptr[tm_pid.x * 128 + tm_tid]);
  threadgroup_barrier(mem_flags::mem_threadgroup);
  if (tm_tid == 0) { float t = 0.0f; for (uint i = 0; i < 128; ++i) t += s[i]; out_ptr[tm_pid.x] = t; }
}
"""


class _Param:
    def __init__(self, name, index, pointer, dtype, role):
        self.name, self.buffer_index, self.pointer, self.dtype, self.role = name, index, pointer, dtype, role


class _Kernel:
    def __init__(self, msl, name, params, threads):
        self.asm, self.name, self.params, self.threads_per_threadgroup = {"msl": msl}, name, params, threads


def test_mlx_kernel_scope_threadgroup_storage_and_helpers_work(rng):
    ck = _Kernel(_TG_SUM, "tg_sum", [_Param("x_ptr", 0, True, "f32", "input"), _Param("out_ptr", 1, True, "f32", "output")], 128)
    spec = mlx_interop.build(ck.asm["msl"], ck.name, ck.params)
    assert "threadgroup float4 tm_scratch_storage[32];" in spec.source  # kernel-scope storage stays in the body
    assert "tm_twice" in spec.header
    assert "const uint tm_tid = uint(thread_index_in_threadgroup);" in spec.source
    x = rng.standard_normal(3 * 128).astype(np.float32)
    out = np.zeros(3, np.float32)
    mlx_interop.launch(ck, (3,), [FakeMlxArray(x), FakeMlxArray(out)], mx=FakeMx(), cache={})
    np.testing.assert_allclose(out, 2.0 * x.astype(np.float64).reshape(3, 128).sum(axis=1), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="no MLX equivalent"):
        mlx_interop.build(_TG_SUM.replace("uint tm_tid [[thread_index_in_threadgroup]]",
                                          "threadgroup float* t [[threadgroup(0)]], uint tm_tid [[thread_index_in_threadgroup]]"),
                          "tg_sum", ck.params)


def test_torch_launch_binds_in_order_with_typed_scalars(rng):
    ck = compiled_vector_add()
    n = 777
    calls = []

    class Tensor:
        def __init__(self, data):
            self.data = data
            self.device = type("D", (), {"type": "mps"})()

    class Lib:
        def __init__(self, src):
            self.src = src

        def __getattr__(self, name):
            def run(*args, threads, group_size):
                calls.append((name, args, threads, group_size))
                bufs = [a.data for a in args]
                # compile_shader binds in order and dispatches threads; scalars arrive as one-element tensors
                bufs = [b.reshape(()) if b.size == 1 and b.dtype == np.int32 and i == 3 else b for i, b in enumerate(bufs)]
                emulate(self.src, name, bufs, threads, group_size)
            return run

    class FakeTorch:
        int32, float32, float16 = np.int32, np.float32, np.float16

        class mps:
            compiled = []

            @staticmethod
            def compile_shader(src):
                FakeTorch.mps.compiled.append(src)
                return Lib(src)

        @staticmethod
        def tensor(values, dtype, device):
            assert device == "mps"
            return Tensor(np.asarray(values, dtype=dtype))

    x, y = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
    out = np.zeros(n, np.float32)
    cache = {}
    torch_mps.launch(ck, ((n + 255) // 256,), [Tensor(x), Tensor(y), Tensor(out), n], torch=FakeTorch, cache=cache)
    np.testing.assert_allclose(out, x.astype(np.float64) + y, rtol=1e-6, atol=1e-6)
    name, args, threads, group = calls[0]
    assert name == "add_kernel" and threads == [4 * ck.threads_per_threadgroup, 1, 1] and group == [ck.threads_per_threadgroup, 1, 1]
    assert args[3].data.dtype == np.int32 and args[3].data.tolist() == [n]
    assert FakeTorch.mps.compiled == [ck.asm["msl"]]
    torch_mps.launch(ck, ((n + 255) // 256,), [Tensor(x), Tensor(y), Tensor(out), n], torch=FakeTorch, cache=cache)
    assert len(FakeTorch.mps.compiled) == 1
    with pytest.raises(ValueError, match="not on the mps device"):
        torch_mps.arguments(ck, [x, Tensor(y), Tensor(out), n], FakeTorch)


def test_route_leaves_numpy_alone_and_refuses_mixed_libraries():
    ck = compiled_vector_add()
    a = np.zeros(4, np.float32)
    assert interop.route(ck, (1,), [a, a, a, 4]) is NotImplemented

    class MpsTensor:
        device = type("D", (), {"type": "mps"})()
    MpsTensor.__module__ = "torch"
    with pytest.raises(ValueError, match="cannot mix MLX arrays and torch mps tensors"):
        interop.route(ck, (1,), [FakeMlxArray(a), MpsTensor(), a, 4])


def test_do_bench_uses_gpu_time_when_launches_report_it():
    ms = tm_testing.do_bench(lambda: timing.record({"gpu_seconds": 0.002}), warmup=1, rep=5)
    assert ms == pytest.approx(2.0)
    assert timing.measure(lambda: None) is None
    assert timing.record({"wall_seconds": 1.0}) == {"wall_seconds": 1.0}


def test_default_device_is_metal_on_macos_and_metal_elsewhere_names_the_devices(monkeypatch):
    real_platform = sys.platform
    monkeypatch.delenv("TRITON_METAL_DEVICE", raising=False)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert tm_device.default_device_name() == "metal"
    monkeypatch.setattr(sys, "platform", "linux")
    assert tm_device.default_device_name() == "emulator"
    if real_platform != "darwin":
        tm_device._devices.pop("metal", None)
        with pytest.raises(triton.DeviceError, match="metal device runs on macOS only.*this build has: emulator"):
            tm_device.get_device("metal")


def test_cli_device_metal_off_macos_names_the_devices():
    if sys.platform == "darwin":
        return  # there --device metal is the real device (the macOS workflow runs the README command on it)
    examples = os.environ.get("TRITON_METAL_EXAMPLES", os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
    r = subprocess.run([CLI, "run", os.path.join(examples, "vector_add.py"), "--kernel", "add_kernel", "--signature",
                        "x_ptr=*fp32:16, y_ptr=*fp32:16, out_ptr=*fp32:16, n_elements=i32", "--constexpr", "BLOCK_SIZE=256",
                        "--size", "x_ptr=256,y_ptr=256,out_ptr=256,n_elements=256", "--device", "metal", "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "the metal device runs on macOS only" in r.stderr and "this build has: emulator" in r.stderr, r.stderr
