"""``triton_metal.install()``: makes ``import triton`` (and ``triton.language``, ``triton.testing``,
``triton.runtime``, ...) resolve to triton_metal, so files written for Triton run unchanged. Also done when
``TRITON_METAL_AS_TRITON=1`` is set at ``import triton_metal`` time, and by ``python -m triton_metal
script.py``, which installs and then runs the script."""
import importlib
import importlib.abc
import importlib.util
import sys


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class _TritonAlias(importlib.abc.MetaPathFinder):
    """Finds ``triton`` and ``triton.X`` as the modules ``triton_metal`` and ``triton_metal.X``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "triton" and not fullname.startswith("triton."):
            return None
        real = "triton_metal" + fullname[len("triton"):]
        if importlib.util.find_spec(real) is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(real))


def install():
    """Routes ``import triton...`` to triton_metal for the rest of the process (idempotent). A real
    Triton imported earlier is replaced in sys.modules."""
    if not any(isinstance(f, _TritonAlias) for f in sys.meta_path):
        sys.meta_path.insert(0, _TritonAlias())
    import triton_metal
    for name in [n for n in sys.modules if n == "triton" or n.startswith("triton.")]:
        real = "triton_metal" + name[len("triton"):]
        if real in sys.modules:
            sys.modules[name] = sys.modules[real]
        else:
            del sys.modules[name]
    sys.modules["triton"] = triton_metal
    for sub in ("language", "testing", "runtime"):
        sys.modules["triton." + sub] = importlib.import_module("triton_metal." + sub)
