"""triton_metal.metal: the macOS side of the Python package.

* ``msl_kernel``: reads a compiled kernel's MSL (signature, body, the text around it) — plain Python.
* ``mlx_interop``: runs a compiled kernel on MLX arrays through ``mx.fast.metal_kernel`` (our kernel's
  helpers in its ``header``, a body that is our kernel's body behind aliases), so it is ordered with the
  user's MLX code on MLX's stream. Needs MLX >= 0.16 (``mx.fast.metal_kernel`` with ``header``).
* ``torch_mps``: runs a compiled kernel on torch ``mps`` tensors through ``torch.mps.compile_shader``, which
  dispatches on torch's own MPS stream, so it is ordered with the user's torch code. Needs torch >= 2.6.
* ``timing``: GPU times of Metal-device launches (GPUStartTime/GPUEndTime) for ``triton.testing.do_bench``.

The string building here is unit-tested on every platform (test/python/test_metal_interop.py) with fakes of
``mx.fast.metal_kernel`` and ``torch.mps.compile_shader``; nothing in it has run on a Mac (docs/macos.md)."""
from .interop import route  # noqa: F401
