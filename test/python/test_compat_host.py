# Host-side Triton compatibility (issues 13 and 18): torch CPU tensors (zero-copy, strides, bf16), Triton's
# runtime/driver idioms, warmup/run, Config pre_hook, restore_value, triton_metal.install(), and the
# argument checks that replace silent truncation: grids (1.9,), strings, None; scalars out of range for
# their parameter; arrays of the wrong dtype for an AOT kernel; constexprs beyond 64 bits; u64 scalars.
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl

import torch  # python3-torch (Debian; scripts/setup.sh installs it)  # noqa: E402


@triton.jit
def axpy_kernel(x_ptr, y_ptr, out_ptr, n, alpha, stride_x, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs * stride_x, mask=m)
    y = tl.load(y_ptr + offs, mask=m)
    tl.store(out_ptr + offs, (alpha * x + y).to(out_ptr.dtype.element_ty), mask=m)


def test_torch_tensors_zero_copy_and_strides():
    torch.manual_seed(0)
    base = torch.randn(2000)
    x = base[::2]  # a strided view: Triton passes the base pointer, the kernel applies the stride
    y = torch.randn(1000)
    out = torch.empty(1000)
    axpy_kernel[(4,)](x, y, out, 1000, 0.5, x.stride(0), BLOCK=256)
    torch.testing.assert_close(out.double(), 0.5 * x.double() + y.double(), rtol=1e-6, atol=1e-6)


def test_torch_bf16_and_f16():
    torch.manual_seed(0)
    for dt, tol in ((torch.bfloat16, 1e-2), (torch.float16, 1e-3)):
        x, y = torch.randn(300).to(dt), torch.randn(300).to(dt)
        out = torch.empty(300, dtype=dt)
        axpy_kernel[(2,)](x, y, out, 300, 2.0, 1, BLOCK=256)
        ref = (2.0 * x.float() + y.float()).double()
        torch.testing.assert_close(out.double(), ref, rtol=tol, atol=tol)
        triton.testing.assert_close(out, ref.numpy())


def test_driver_idioms():
    d = triton.runtime.driver.active
    assert d.get_active_torch_device() == torch.device("cpu")
    props = d.utils.get_device_properties(d.get_active_torch_device().index)
    info = triton._C.target_info(triton.default_target())
    assert props["multiprocessor_count"] == info["gpu_cores"] > 0
    assert props["max_shared_mem"] == info["threadgroup_memory_bytes"] and props["warpSize"] == 32
    assert d.get_current_target().backend == "metal"
    from triton_metal.runtime import driver
    assert driver.active is d


def test_warmup_then_compiled_kernel_with_all_arguments(rng):
    x = rng.standard_normal(500).astype(np.float32)
    y = rng.standard_normal(500).astype(np.float32)
    out = np.zeros(500, np.float32)
    k = axpy_kernel.warmup(x, y, out, 500, 1.5, 1, BLOCK=128, grid=(1,))
    k._init_handles()
    assert k.n_regs > 0 and k.metadata.shared >= 1
    k[(4,)](x, y, out, 500, 1.5, 1, 128)  # Triton's host code passes every argument, constexprs included
    np.testing.assert_allclose(out, 1.5 * x + y, rtol=1e-6)
    out[:] = 0
    axpy_kernel.run(x, y, out, 500, -1.0, 1, BLOCK=128, grid=(4,))
    np.testing.assert_allclose(out, -x + y, rtol=1e-6)


@pytest.mark.parametrize("grid,err", [((1.9,), TypeError), ("4", TypeError), (None, TypeError), ((True,), TypeError),
                                      ((1, 1, 1, 1), ValueError), ((-1,), ValueError), ((2**31,), ValueError)])
def test_bad_grids_are_refused(grid, err):
    x = np.zeros(8, np.float32)
    with pytest.raises(err, match="axpy_kernel"):
        axpy_kernel[grid](x, x, x, 8, 1.0, 1, BLOCK=8)


def test_aot_kernel_checks_dtypes_and_scalar_ranges():
    k = triton.compile(axpy_kernel, signature="x_ptr=*fp32, y_ptr=*fp32, out_ptr=*fp32, n=i32, alpha=fp32, stride_x=i32",
                       constexprs={"BLOCK": 64})
    x = np.ones(64, np.float32)
    with pytest.raises(TypeError, match="'x_ptr' is \\*fp32, got an array of i32"):
        k[(1,)](np.ones(64, np.int32), x, x, 64, 1.0, 1)
    with pytest.raises(OverflowError, match="'n' = 1099511627783 is out of range for its type i32"):
        k[(1,)](x, x, x, 2**40 + 7, 1.0, 1)
    with pytest.raises(TypeError, match="'n' is a i32 parameter, got float"):
        k[(1,)](x, x, x, 64.0, 1.0, 1)
    with pytest.raises(TypeError, match="takes 6 runtime arguments"):
        k[(1,)](x, x, x, 64)


@triton.jit
def big_int_kernel(out_ptr, v, C: tl.constexpr):
    tl.store(out_ptr, v)


def test_out_of_range_python_integers():
    out = np.zeros(1, np.uint64)
    big_int_kernel[(1,)](out, 2**64 - 5, C=1)  # specialized as u64, as Triton does
    assert int(out[0]) == 2**64 - 5
    with pytest.raises(OverflowError, match="'v' = .* does not fit in 64 bits"):
        big_int_kernel[(1,)](out, 2**64, C=1)
    with pytest.raises(OverflowError, match="constexpr 'C'"):
        big_int_kernel[(1,)](out, 1, C=2**64)
    with pytest.raises(OverflowError, match="constexpr 'C'"):
        big_int_kernel[(1,)](out, 1, C=-2**70)


@triton.jit
def accumulate_kernel(acc_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    m = offs < n
    tl.store(acc_ptr + offs, tl.load(acc_ptr + offs, mask=m) + 1.0, mask=m)


def test_config_pre_hook_and_restore_value():
    seen = []
    tuned = triton.autotune(configs=[triton.Config({"BLOCK": 64}, pre_hook=lambda args: seen.append(args["BLOCK"])),
                                     triton.Config({"BLOCK": 128}, pre_hook=lambda args: seen.append(args["BLOCK"]))],
                            key=["n"], restore_value=["acc_ptr"])(accumulate_kernel)
    acc = np.arange(50, dtype=np.float32)
    tuned[(1,)](acc, 50)
    # every trial ran on a restored copy: the only lasting effect is the final launch
    np.testing.assert_array_equal(acc, np.arange(50, dtype=np.float32) + 1)
    assert set(seen) == {64, 128}


def test_install_makes_import_triton_resolve(tmp_path):
    script = tmp_path / "uses_triton.py"
    script.write_text(textwrap.dedent('''
        import numpy as np
        import triton
        import triton.language as tl
        from triton.language.extra import libdevice

        @triton.jit
        def k(x_ptr, n, BLOCK: tl.constexpr):
            offs = tl.arange(0, BLOCK)
            tl.store(x_ptr + offs, libdevice.exp(tl.load(x_ptr + offs, mask=offs < n)), mask=offs < n)

        x = np.linspace(0, 1, 10).astype(np.float32)
        k[(1,)](x, 10, BLOCK=16)
        assert triton.__name__ == "triton_metal"
        np.testing.assert_allclose(x, np.exp(np.linspace(0, 1, 10)), rtol=1e-5)
        print("ok")
    '''))
    env = dict(os.environ)
    r = subprocess.run([sys.executable, "-m", "triton_metal", str(script)], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr
    env["TRITON_METAL_AS_TRITON"] = "1"
    r = subprocess.run([sys.executable, "-c", "import triton_metal, runpy; runpy.run_path(%r)" % str(script)],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr


def test_no_import_cycle_between_compiler_and_jit():
    r = subprocess.run([sys.executable, "-c", "import triton_metal.compiler; import triton_metal.jit"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    src = open(triton.compiler.__file__).read()
    assert "from .jit import" not in src


def test_do_bench_and_perf_report():
    ms = triton.testing.do_bench(lambda: None, warmup=1, rep=2)
    assert ms >= 0

    @triton.testing.perf_report(triton.testing.Benchmark(x_names=["n"], x_vals=[1, 2], line_arg="p",
                                                         line_vals=["a", "b"], plot_name="t", args={"k": 10}))
    def bench(n, p, k):
        return n * k + (p == "b")

    rows = bench.run(return_df=True)
    assert rows == [{"n": 1, "a": 10, "b": 11}, {"n": 2, "a": 20, "b": 21}]


def test_num_warps_error_names_num_warps():
    x = np.zeros(8, np.float32)
    for bad in (3, 0, 64, 2.0):
        with pytest.raises(ValueError, match="axpy_kernel.*num_warps must be a power of two") as e:
            axpy_kernel[(1,)](x, x, x, 8, 1.0, 1, BLOCK=8, num_warps=bad)
        assert "--num-warps" not in str(e.value)
