# tl.device_print / print / tl.static_print (issue 13) on the emulator, in Triton's format:
#   pid (x, y, z) idx (i, j)<prefix><value>
# (indices padded to the digits of their dimension, " prefix: " made from the user's prefix, floats %f,
# integers %i / %u by signedness, hex=True zero-padded to the type's width, "(operand n) " with several
# operands). Each element once per program; lines from the emulator's host on stdout (captured by capfd).
import re

import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl


@triton.jit
def print_kernel(x_ptr, i_ptr, N: tl.constexpr):
    offs = tl.arange(0, N)
    x = tl.load(x_ptr + offs)
    i = tl.load(i_ptr + offs)
    tl.device_print("x", x)
    print("both", x * 2, i)
    tl.device_print("hex", i, hex=True)
    tl.device_print("n:", tl.program_id(0) + 40)
    tl.static_print("static", N)


def _lines(out, marker):
    return sorted(l for l in out.splitlines() if marker in l)


def test_device_print_triton_format(rng, capfd, tmp_path, monkeypatch):
    # tl.static_print prints while compiling: an empty disk cache makes this launch compile (a kernel
    # cached by an earlier run of the suite prints nothing at compile time, as in Triton).
    monkeypatch.setenv("TRITON_METAL_CACHE_DIR", str(tmp_path))
    n = 16
    x = rng.standard_normal(n).astype(np.float32)
    i = rng.integers(-50, 50, n).astype(np.int32)
    print_kernel[(2,)](x, i, N=n)
    out, err = capfd.readouterr()
    for p in range(2):
        got = [l for l in out.splitlines() if l.startswith(f"pid ({p}, 0, 0)") and " x: " in l]
        want = [f"pid ({p}, 0, 0) idx ({k:2d}) x: {x[k]:f}" for k in range(n)]
        assert sorted(got) == sorted(want)
        both = [l for l in out.splitlines() if l.startswith(f"pid ({p}, 0, 0)") and " both: " in l]
        want = [f"pid ({p}, 0, 0) idx ({k:2d}) both: (operand 0) {2 * x[k]:f}" for k in range(n)]
        want += [f"pid ({p}, 0, 0) idx ({k:2d}) both: (operand 1) {i[k]}" for k in range(n)]
        assert sorted(both) == sorted(want)
        hexes = [l for l in out.splitlines() if l.startswith(f"pid ({p}, 0, 0)") and " hex: " in l]
        assert sorted(hexes) == sorted(f"pid ({p}, 0, 0) idx ({k:2d}) hex: 0x{int(i[k]) & 0xFFFFFFFF:08x}" for k in range(n))
        assert [l for l in out.splitlines() if l.startswith(f"pid ({p}, 0, 0)") and " n: " in l] == [f"pid ({p}, 0, 0) idx () n: {40 + p}"]
    assert "static 16" in err or "static constexpr int 16" in err  # printed at compile time


@triton.jit
def print2d_kernel(x_ptr, R: tl.constexpr, C: tl.constexpr):
    offs = tl.arange(0, R)[:, None] * C + tl.arange(0, C)[None, :]
    x = tl.load(x_ptr + offs)
    tl.device_print("", x.to(tl.uint8))


def test_device_print_2d_unsigned_and_empty_prefix(rng, capfd):
    R, C = 4, 128
    x = rng.integers(0, 256, (R, C)).astype(np.int32)
    print2d_kernel[(1,)](x, R=R, C=C)
    out, _ = capfd.readouterr()
    got = sorted(l for l in out.splitlines() if l.startswith("pid (0, 0, 0) idx ("))
    # An empty prefix becomes ": " (semantic.py's rule: end in " ", then in ": "; no leading space when short).
    want = sorted(f"pid (0, 0, 0) idx ({r:1d}, {c:3d}): {x[r, c]}" for r in range(R) for c in range(C))
    assert got == want


def test_device_print_on_the_interpreter_device_as_tritons_interpreter(rng, capfd):
    # Triton's interpreter (TRITON_INTERPRET=1, interpreter.py create_print): one line per value,
    # "(pid0, pid1, pid2) PREFIX VALUES", the whole tensor as NumPy prints it, scalars as 1-element arrays,
    # hex=True through NumPy's formatter f"0x{x:02x}".
    n = 16
    x = rng.standard_normal(n).astype(np.float32)
    i = rng.integers(-50, 50, n).astype(np.int32)
    print_kernel[(2,)](x, i, N=n, device="interpreter")
    out = capfd.readouterr().out
    hexed = np.array2string(i, formatter={"all": lambda v: f"0x{v:02x}"})
    want = []
    for p in range(2):
        head = f"({p}, 0, 0)"
        want += [f"{head}  x:  {x}", f"{head}  both:  {x * 2}", f"{head}  both:  {i}", f"{head}  hex:  {hexed}",
                 f"{head}  n:  {np.array([40 + p], dtype=np.int32)}"]
    # tl.static_print first, at every launch (Triton's interpreter runs the kernel's Python each time); then the
    # device prints in program order (NumPy wraps a long array over several lines: the whole text must match).
    assert out == "static constexpr int 16\n" + "".join(w + "\n" for w in want)
    print_kernel[(1,)](x, i, N=n, device="interpreter")
    assert capfd.readouterr().out.startswith("static constexpr int 16\n(0, 0, 0)  x:  ")
