"""triton_metal.runtime: Triton's ``triton.runtime`` names that host code uses (``driver``, ``jit``,
``autotuner``, ``errors``) so programs written for ``import triton`` run unchanged."""
from .. import autotuner, errors, jit
from ..autotuner import Autotuner, Config, Heuristics, autotune, heuristics
from ..errors import OutOfResources
from ..jit import JITFunction, KernelInterface
from .driver import driver

__all__ = ["driver", "jit", "autotuner", "errors", "Autotuner", "Config", "Heuristics", "autotune", "heuristics",
           "JITFunction", "KernelInterface", "OutOfResources"]
