# @jit behaviour: launching with tuple and callable grids, specialization keys (dtypes, divisibility by 16,
# equal to 1, 16-byte alignment), caches (compilations counted), asm/metadata, diagnostics with
# file:line:col, argument kinds (NumPy, buffer protocol, DLPack, reinterpret), devices.
import array
import inspect
import os
import subprocess
import sys

import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl
from triton_metal import _cache


@triton.jit
def scale_kernel(x_ptr, out_ptr, n, alpha, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, x * alpha, mask=mask)


@triton.jit
def strided_copy(x_ptr, out_ptr, n, stride, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs * stride, mask=mask), mask=mask)


@triton.jit
def grid2d_kernel(out_ptr, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    col = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    tl.store(out_ptr + row * n_cols + col, row * 1000 + col, mask=col < n_cols)


@triton.jit
def add_one_in_place(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(x_ptr + offs, tl.load(x_ptr + offs, mask=mask) + 1.0, mask=mask)


@triton.jit
def broken_kernel(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(x_ptr + offs, undefined_name + 1.0, mask=offs < n)  # ERROR-MARK


def _line_col(fn, marker, token):
    lines, start = inspect.getsourcelines(fn.fn)
    for i, line in enumerate(lines):
        if marker in line:
            return start + i, line.index(token) + 1
    raise AssertionError(marker)


def test_tuple_grid_and_in_place_output(rng):
    x = rng.standard_normal(1000).astype(np.float32)
    out = np.zeros_like(x)
    scale_kernel[(4,)](x, out, x.size, 2.5, BLOCK=256)
    triton.testing.assert_close(out, 2.5 * x.astype(np.float64))


def test_callable_grid_gets_meta(rng):
    seen = {}

    def grid(meta):
        seen.update(meta)
        return (triton.cdiv(meta["n"], meta["BLOCK"]),)

    x = rng.standard_normal(300).astype(np.float32)
    out = np.zeros_like(x)
    scale_kernel[grid](x, out, 300, -1.5, BLOCK=128)
    assert seen["BLOCK"] == 128 and seen["n"] == 300 and seen["alpha"] == -1.5
    triton.testing.assert_close(out, -1.5 * x.astype(np.float64))


def test_2d_grid():
    rows, cols = 3, 50
    out = np.zeros((rows, cols), np.int32)
    grid2d_kernel[lambda m: (rows, triton.cdiv(cols, m["BLOCK"]))](out, cols, BLOCK=16)
    expected = np.arange(rows)[:, None] * 1000 + np.arange(cols)[None, :]
    np.testing.assert_array_equal(out, expected)


def test_specialization_divisibility_and_alignment():
    x = np.ones(64, np.float32)
    out = np.zeros(64, np.float32)
    scale_kernel[(1,)](x, out, 64, 1.0, BLOCK=64)
    sig, consts = scale_kernel.last_specialization
    assert sig["x_ptr"] == ("*fp32", 16)  # NumPy allocates 16-byte aligned memory
    assert sig["n"] == ("i32", 16)
    assert sig["alpha"] == ("fp32", 1)
    assert consts == {"BLOCK": 64}
    scale_kernel[(1,)](x, out, 63, 1.0, BLOCK=64)
    assert scale_kernel.last_specialization[0]["n"] == ("i32", 1)
    # A view starting 4 bytes in is not 16-byte aligned.
    scale_kernel[(1,)](x[1:], out[1:], 32, 1.0, BLOCK=64)
    sig, _ = scale_kernel.last_specialization
    assert sig["x_ptr"] == ("*fp32", 1) and sig["out_ptr"] == ("*fp32", 1)
    np.testing.assert_array_equal(out[1:33], 1.0)


def test_specialization_equal_to_one(rng):
    x = rng.standard_normal(200).astype(np.float32)
    out = np.zeros(100, np.float32)
    strided_copy[(1,)](x, out, 100, 1, BLOCK=128)
    sig, consts = strided_copy.last_specialization
    assert "stride" not in sig and consts["stride"] == 1
    np.testing.assert_array_equal(out, x[:100])
    strided_copy[(1,)](x, out, 100, 2, BLOCK=128)
    sig, consts = strided_copy.last_specialization
    assert sig["stride"] == ("i32", 1) and "stride" not in consts
    np.testing.assert_array_equal(out, x[::2][:100])


def test_dtype_specialization_compiles_again(rng):
    before = _cache.stats["compilations"]
    x16 = rng.standard_normal(100).astype(np.float16)
    out16 = np.zeros_like(x16)
    scale_kernel[(1,)](x16, out16, 100, 3.0, BLOCK=128)
    assert scale_kernel.last_specialization[0]["x_ptr"][0] == "*fp16"
    triton.testing.assert_close(out16, 3.0 * x16.astype(np.float64))
    x32 = x16.astype(np.float32)
    out32 = np.zeros_like(x32)
    scale_kernel[(1,)](x32, out32, 100, 3.0, BLOCK=128)
    scale_kernel[(1,)](x16, out16, 100, 3.0, BLOCK=128)  # same keys again: no compilation
    assert _cache.stats["compilations"] - before <= 2


def test_memory_cache_hit_avoids_compilation(rng):
    x = rng.standard_normal(100).astype(np.float32)
    out = np.zeros_like(x)
    scale_kernel[(1,)](x, out, 100, 0.5, BLOCK=512)
    c = _cache.stats["compilations"]
    hits = _cache.stats["memory_hits"]
    for alpha in (1.0, 2.0, 3.0):
        scale_kernel[(1,)](x, out, 100, alpha, BLOCK=512)
    assert _cache.stats["compilations"] == c
    assert _cache.stats["memory_hits"] == hits + 3
    disk = _cache.stats["disk_hits"]
    scale_kernel[(1,)](x, out, 100, 0.5, BLOCK=1024)  # new constexpr value: not in memory
    # Compiled now, or found on disk when an earlier run of the suite compiled it into the build-tree cache.
    assert (_cache.stats["compilations"] - c) + (_cache.stats["disk_hits"] - disk) == 1


def test_disk_cache_hit_avoids_compilation(rng, tmp_path, monkeypatch):
    monkeypatch.setenv("TRITON_METAL_CACHE_DIR", str(tmp_path))
    triton.clear_memory_cache()
    x = rng.standard_normal(100).astype(np.float32)
    out = np.zeros_like(x)
    c = _cache.stats["compilations"]
    scale_kernel[(1,)](x, out, 100, 0.5, BLOCK=2048)
    assert _cache.stats["compilations"] == c + 1  # empty cache directory: compiled
    files = os.listdir(tmp_path / "kernels")
    assert any(f.endswith(".json") for f in files) and not any(f.endswith(".tmp") for f in files)
    triton.clear_memory_cache()
    c = _cache.stats["compilations"]
    disk = _cache.stats["disk_hits"]
    out[:] = 0
    scale_kernel[(1,)](x, out, 100, 0.5, BLOCK=2048)
    assert _cache.stats["compilations"] == c and _cache.stats["disk_hits"] == disk + 1
    triton.testing.assert_close(out, 0.5 * x.astype(np.float64))


def test_disk_cache_shared_across_processes(tmp_path):
    script = (
        "import numpy as np, triton_metal as t, sys; sys.path.insert(0, %r); import test_jit as m\n"
        "x = np.arange(64, dtype=np.float32); o = np.zeros_like(x)\n"
        "m.scale_kernel[(1,)](x, o, 64, 2.0, BLOCK=64)\n"
        "assert (o == 2 * x).all()\n"
        "print(t.cache_stats['compilations'], t.cache_stats['disk_hits'])\n" % os.path.dirname(__file__))
    env = dict(os.environ, TRITON_METAL_CACHE_DIR=str(tmp_path))
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["1", "0"]
    assert second.stdout.split() == ["0", "1"]


def test_warmup_and_compile_expose_asm():
    x = np.zeros(64, np.float32)
    k = scale_kernel.warmup(x, x, 64, 1.0, BLOCK=64, grid=(1,))
    for stage in ("msl", "tile-ir-raw", "tile-ir", "gpu-ir", "json"):
        assert k.asm[stage], stage
    assert "kernel void" in k.asm["msl"]
    assert k.asm["ttir"] == k.asm["tile-ir"] and k.asm["ttgir"] == k.asm["gpu-ir"]
    assert "tt.load" in k.asm["tile-ir"] and "#gpu.blocked" in k.asm["gpu-ir"]
    assert k.metadata["entry"] == "scale_kernel"
    assert [p.name for p in k.params] == ["x_ptr", "out_ptr", "n", "alpha"]
    k2 = triton.compile(scale_kernel, signature="x_ptr=*fp32:16, out_ptr=*fp32:16, n=i32, alpha=fp32",
                        constexprs={"BLOCK": 64}, target="m1", num_warps=2)
    assert k2.target == triton_metal_target("m1")
    assert k2.threads_per_threadgroup == 64 and k2.metadata["num_warps"] == 2


def triton_metal_target(name):
    return triton.device.resolve_target(name)


def test_num_warps_honoured():
    x = np.zeros(64, np.float32)
    k = scale_kernel.warmup(x, x, 64, 1.0, BLOCK=64, num_warps=1)
    assert k.threads_per_threadgroup == 32
    k = scale_kernel.warmup(x, x, 64, 1.0, BLOCK=64, num_warps=8, num_stages=3)
    assert k.threads_per_threadgroup == 256


def test_compilation_error_has_file_line_col():
    x = np.zeros(16, np.float32)
    line, col = _line_col(broken_kernel, "ERROR-MARK", "undefined_name")
    with pytest.raises(triton.CompilationError) as info:
        broken_kernel[(1,)](x, 16, BLOCK=16)
    e = info.value
    assert e.filename == __file__ and e.lineno == line and e.col == col, str(e)
    assert f"{__file__}:{line}:{col}: error:" in str(e) and "undefined_name" in str(e)


def test_nested_kernel_error_column_points_at_user_file():
    @triton.jit
    def nested(x_ptr, BLOCK: tl.constexpr):
        tl.store(x_ptr + tl.arange(0, BLOCK), missing_value)  # NESTED-MARK

    line, col = _line_col(nested, "NESTED-MARK", "missing_value")
    with pytest.raises(triton.CompilationError) as info:
        nested[(1,)](np.zeros(16, np.float32), BLOCK=16)
    assert (info.value.lineno, info.value.col) == (line, col), str(info.value)


def test_nested_kernel_runs():
    @triton.jit
    def fill(x_ptr, value, BLOCK: tl.constexpr):
        tl.store(x_ptr + tl.arange(0, BLOCK), tl.zeros((BLOCK,), dtype=tl.float32) + value)

    x = np.zeros(32, np.float32)
    fill[(1,)](x, 7.0, BLOCK=32)
    np.testing.assert_array_equal(x, 7.0)


def test_language_functions_outside_kernel_raise():
    with pytest.raises(RuntimeError, match="inside a @triton_metal.jit kernel"):
        tl.load(None)
    with pytest.raises(RuntimeError, match="can only be launched"):
        scale_kernel(1, 2, 3)
    assert tl.float16.sig == "fp16" and tl.bfloat16.itemsize == 2 and tl.int32.to_numpy() == np.int32
    assert triton.next_power_of_2(33) == 64 and triton.cdiv(10, 4) == 3


def test_buffer_protocol_and_dlpack_arguments(rng):
    x = rng.standard_normal(64).astype(np.float32)
    out = array.array("f", [0.0] * 64)  # any writable buffer-protocol object
    scale_kernel[(1,)](memoryview(x), out, 64, 2.0, BLOCK=64)
    triton.testing.assert_close(np.array(out, np.float32), 2.0 * x.astype(np.float64))

    class DLPackOnly:  # like a torch tensor or an MLX array: exposes __dlpack__ only
        def __init__(self, a):
            self.a = a

        def __dlpack__(self, stream=None):
            return self.a.__dlpack__()

        def __dlpack_device__(self):
            return self.a.__dlpack_device__()

    out2 = np.zeros(64, np.float32)
    scale_kernel[(1,)](DLPackOnly(x), DLPackOnly(out2), 64, 3.0, BLOCK=64)
    triton.testing.assert_close(out2, 3.0 * x.astype(np.float64))


def test_read_only_output_is_refused():
    x = np.zeros(16, np.float32)
    ro = np.zeros(16, np.float32)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        scale_kernel[(1,)](x, ro, 16, 1.0, BLOCK=16)


def test_bfloat16_through_reinterpret(rng):
    x = rng.standard_normal(64).astype(np.float32)
    bits = (x.view(np.uint32) >> 16).astype(np.uint16)  # truncate to bfloat16
    out = np.zeros(64, np.uint16)
    scale_kernel[(1,)](triton.reinterpret(bits, tl.bfloat16), triton.reinterpret(out, tl.bfloat16), 64, 2.0, BLOCK=64)
    assert scale_kernel.last_specialization[0]["x_ptr"][0] == "*bf16"
    ref = (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64) * 2
    triton.testing.assert_close(triton.reinterpret(out, tl.bfloat16), ref)


def test_interpreter_device_matches(rng):
    x = rng.standard_normal(100).astype(np.float32)
    out = np.zeros_like(x)
    scale_kernel[(1,)](x, out, 100, 1.25, BLOCK=128, device="interpreter")
    triton.testing.assert_close(out, 1.25 * x.astype(np.float64))


def test_metal_device_unavailable_is_clear(monkeypatch):
    monkeypatch.setenv("TRITON_METAL_DEVICE", "metal")
    with pytest.raises(triton.DeviceError, match="TRITON_METAL_DEVICE=emulator"):
        triton.get_device()
    monkeypatch.setenv("TRITON_METAL_DEVICE", "gpu0")
    with pytest.raises(triton.DeviceError, match="not a device"):
        triton.get_device()


def test_target_env_and_bad_target(monkeypatch):
    monkeypatch.setenv("TRITON_METAL_TARGET", "m1")
    assert triton.default_target() == triton.device.resolve_target("m1")
    monkeypatch.setenv("TRITON_METAL_TARGET", "m99")
    with pytest.raises(ValueError, match="m99"):
        triton.default_target()


def test_wrong_arguments_are_clear():
    x = np.zeros(16, np.float32)
    with pytest.raises(TypeError, match="scale_kernel"):
        scale_kernel[(1,)](x, x, 16, BLOCK=16)
    with pytest.raises(TypeError, match="'alpha'"):
        scale_kernel[(1,)](x, x, 16, "two", BLOCK=16)
    with pytest.raises(ValueError, match="grid"):
        scale_kernel[(1, 1, 1, 1)](x, x, 16, 1.0, BLOCK=16)


@pytest.mark.parametrize("block", [32, 64, 128, 512])
def test_in_place_update(block):
    # Triton kernels update arrays in place (load, compute, store to the same address); every element
    # must be updated exactly once whatever the block size and num_warps.
    x = np.arange(300, dtype=np.float32)
    add_one_in_place[(triton.cdiv(300, block),)](x, 300, BLOCK=block)
    np.testing.assert_array_equal(x, np.arange(300) + 1)


@pytest.mark.parametrize("n", [61, 62, 63])
def test_mask_respected_at_ragged_end(rng, n):
    # Elements at and beyond n are outside the mask: the kernel must not write them.
    x = rng.standard_normal(64).astype(np.float32)
    out = np.full(64, -7.0, np.float32)
    scale_kernel[(1,)](x, out, n, 2.0, BLOCK=64)
    triton.testing.assert_close(out[:n], 2.0 * x[:n].astype(np.float64))
    np.testing.assert_array_equal(out[n:], -7.0)


def test_float64_arrays_are_a_clear_compilation_error():
    x = np.zeros(16, np.float64)
    with pytest.raises(triton.CompilationError, match="fp64") as info:
        scale_kernel[(1,)](x, x, 16, 1.0, BLOCK=16)
    assert info.value.filename == __file__ and info.value.lineno is not None


def test_compile_rejects_bad_target_and_signature():
    with pytest.raises(ValueError, match="m99"):
        triton.compile(scale_kernel, signature="x_ptr=*fp32, out_ptr=*fp32, n=i32, alpha=fp32",
                       constexprs={"BLOCK": 16}, target="m99")
    with pytest.raises(triton.CompilationError, match="missing type for parameter 'alpha'"):
        triton.compile(scale_kernel, signature="x_ptr=*fp32, out_ptr=*fp32, n=i32", constexprs={"BLOCK": 16})


def test_out_of_bounds_access_is_a_device_error():
    x = np.zeros(16, np.float32)  # the kernel reads BLOCK=64 elements with n=64, beyond the 16 given
    with pytest.raises(triton.DeviceError, match="scale_kernel|out of bounds|out-of-bounds"):
        scale_kernel[(1,)](x, np.zeros(64, np.float32), 64, 1.0, BLOCK=64)
