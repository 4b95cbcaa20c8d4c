"""triton_metal.language.math: Triton's math functions (kernel-only names; see language/_builtins.py)."""
from ._builtins import MATH as _MATH, _kernel_only

for _name in _MATH:
    globals()[_name] = _kernel_only(f"triton_metal.language.math.{_name}")
del _name
