# Faults and hangs in a kernel launched from Python end in an exception, never a dead or stuck interpreter:
# integer division by zero (a LaunchError naming kernel and line), a launch past TRITON_METAL_LAUNCH_TIMEOUT,
# and Ctrl-C (SIGINT) during a launch (KeyboardInterrupt).
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import triton_metal as triton
import triton_metal.language as tl


@triton.jit
def spin(x_ptr, out_ptr, n):
    i = 0
    while i < n:
        i = i + tl.load(x_ptr)  # x is 0: never ends
    tl.store(out_ptr, i)


@triton.jit
def int_div(a_ptr, b_ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.load(a_ptr + offs) // tl.load(b_ptr + offs))


def test_integer_division_by_zero_is_an_error(rng):
    a = rng.integers(1, 100, 64).astype(np.int32)
    b = rng.integers(1, 9, 64).astype(np.int32)
    out = np.zeros(64, np.int32)
    int_div[(1,)](a, b, out, BLOCK=64)
    np.testing.assert_array_equal(out, a // b)
    b[17] = 0
    with pytest.raises(Exception, match="division or remainder by zero"):
        int_div[(1,)](a, b, out, BLOCK=64)


def test_launch_time_limit(monkeypatch):
    monkeypatch.setenv("TRITON_METAL_LAUNCH_TIMEOUT", "0.3")
    x = np.zeros(1, np.int32)
    out = np.zeros(1, np.int32)
    start = time.monotonic()
    with pytest.raises(Exception, match="time limit of 0.3 s"):
        spin[(1,)](x, out, 10)
    assert time.monotonic() - start < 30


def test_sigint_during_a_launch_raises_keyboard_interrupt(tmp_path):
    script = tmp_path / "spin.py"
    # A child compiles the kernel, then spins in a launch until it is interrupted.
    script.write_text(textwrap.dedent(f"""
        import signal, sys
        # A shell's background job starts with SIGINT ignored, and Python then keeps it ignored; a user at
        # a terminal has Python's own handler, which this restores.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        import numpy as np
        from test_launch_faults import spin
        x = np.ones(1, np.int32)
        out = np.zeros(1, np.int32)
        spin[(1,)](x, out, 1)           # ends: compiles the kernel first
        print("launching", flush=True)
        x[0] = 0
        try:
            spin[(1,)](x, out, 10)
        except KeyboardInterrupt:
            print("KeyboardInterrupt", flush=True)
            sys.exit(3)
    """))
    env = dict(os.environ)
    env.pop("TRITON_METAL_LAUNCH_TIMEOUT", None)
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "launching"
        time.sleep(0.5)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 3, err
    assert "KeyboardInterrupt" in out


def test_views_are_passed_as_triton_does_and_a_view_past_its_array_is_refused(rng):
    base = rng.integers(1, 100, 128).astype(np.int32)
    b = rng.integers(1, 9, 64).astype(np.int32)
    out = np.zeros(64, np.int32)
    # Triton passes the address of a view's first element: the kernel indexes memory, not the view.
    int_div[(1,)](base[::2], b, out, BLOCK=64)
    np.testing.assert_array_equal(out, base[:64] // b)
    past = np.lib.stride_tricks.as_strided(base[64:], shape=(64,), strides=(8,))  # reaches 252 bytes past base
    with pytest.raises(ValueError, match="'a_ptr'.*reaches past that array's memory"):
        int_div[(1,)](past, b, out, BLOCK=64)
